"""Read the two big registers in worker processes, a chunk of the file at a time, as COPY's text rows.

A PostgreSQL load of the company register (5.7M rows) or the postcode directory (2.7M) is
bound by one Python core reading the file: splitting the quoted CSV, keying the names,
checking the postcodes. Here the file's bytes are cut into chunks at record boundaries,
each chunk is read by the same row code as ``reading.py`` (``company_rows``,
``postcode_rows``) in a worker process, which formats its rows for COPY as psycopg does; the
loading process only passes bytes on to the COPYs, in the file's order. Small files are
read the same way in the loading process itself (starting workers would cost more).
"""
from __future__ import annotations

import csv
import io
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from psycopg._copy_base import TextFormatter
from psycopg.adapt import Transformer

from .layouts import RegisterFileProblem
from .reading import (
    COMPANIES,
    POSTCODES,
    RegisterFile,
    _area_names,
    companies_columns,
    company_rows,
    data_stream,
    postcode_rows,
    postcodes_columns,
)

CHUNK_BYTES = 4 << 20
# Below this a file is read in the loading process: a few seconds' work does not repay starting workers.
PARALLEL_FROM_BYTES = 8 << 20
WORKERS = max(1, min(4, os.cpu_count() or 1))
# A record longer than this (an unmatched quote in the file) is cut at a line end anyway, to bound memory.
LONGEST_RECORD_BYTES = 64 << 20

# The columns each chunked table's COPY names: the company names' ids come from their sequence, in file order.
COPY_COLUMNS: dict[str, tuple[str, ...]] = {
    "register_companies": ("company_number", "name", "postcode", "address", "category", "status", "accounts_category",
                           "sic_codes", "incorporated_on"),
    "register_company_names": ("company_number", "normalised_name", "block", "is_current"),
    "register_postcodes": ("postcode", "district_code", "ward_code", "lsoa_code", "region_code", "country_code",
                           "imd_rank", "imd_decile", "terminated"),
}
CHUNKED = {"companies": ("register_companies", "register_company_names"), "postcodes": ("register_postcodes",)}


def handles(source: RegisterFile) -> bool:
    return source.register in CHUNKED


def copy_statement(table: str, into: str) -> str:
    # FREEZE: the copy was made in this transaction, so its rows are written already frozen.
    return f"COPY {into} ({', '.join(COPY_COLUMNS[table])}) FROM STDIN WITH (FREEZE)"


@dataclass
class Part:
    """One chunk's rows as COPY text per table, with what the chunk counted."""

    data: dict[str, bytes]
    counts: dict[str, int]
    rows_skipped: int = 0
    highest_rank: dict[str, int] = field(default_factory=dict)


class _Skipped:
    rows_skipped = 0


def read_chunk(register: str, at: dict[str, int], chunk: bytes) -> Part:
    """A chunk of whole records read into COPY's text rows (runs in a worker process)."""
    reader = csv.reader(io.StringIO(chunk.decode("utf-8", errors="replace"), newline=""))
    skipped, highest = _Skipped(), {}
    if register == "companies":
        rows = company_rows(reader, at, skipped)
    else:
        rows = postcode_rows(reader, at, skipped, highest)
    tables = CHUNKED[register]
    # psycopg's own COPY formatter (in C), as Copy.write_row uses it: no connection is needed to format rows.
    formatters = {table: TextFormatter(Transformer()) for table in tables}
    written: dict[str, list] = {table: [] for table in tables}
    counts = dict.fromkeys(tables, 0)
    for table, row in rows:
        if data := formatters[table].write_row(row):
            written[table].append(data)
        counts[table] += 1
    for table, formatter in formatters.items():
        written[table].append(formatter.end())
    return Part({t: b"".join(w) for t, w in written.items()}, counts, skipped.rows_skipped, highest)


def records(binary, size: int) -> Iterator[bytes]:
    """The stream's bytes in chunks of about ``size`` that end where a record ends (a line end outside quotes)."""
    pending = b""
    while True:
        block = binary.read(size)
        if not block:
            if pending:
                yield pending
            return
        data = pending + block
        cut = _last_record_end(data)
        if cut < 0 and len(data) > LONGEST_RECORD_BYTES:
            cut = data.rfind(b"\n")
        if cut < 0:
            pending = data
            continue
        yield data[:cut + 1]
        pending = data[cut + 1:]


def _last_record_end(data: bytes) -> int:
    """The last line end with an even number of quotes before it (a doubled quote counts two): -1 if none."""
    end = data.rfind(b"\n")
    if end < 0:
        return -1
    quotes = data.count(b'"', 0, end)
    while quotes % 2:
        earlier = data.rfind(b"\n", 0, end)
        if earlier < 0:
            return -1
        quotes -= data.count(b'"', earlier, end)
        end = earlier
    return end


def _header(binary, what: str) -> list[str]:
    line = binary.readline(1 << 20)
    header = next(csv.reader([line.decode("utf-8-sig", errors="replace")]), None)
    if not header:
        raise RegisterFileProblem(f"The file is empty, so it is not the {what}.")
    return header


def parts(source: RegisterFile) -> Iterator[Part]:
    """The file's chunks read, in the file's order; skipped rows and ranks are added to ``source`` as they come."""
    workers = _workers(source)
    try:
        for part in _read(source, workers):
            source.rows_skipped += part.rows_skipped
            for country, rank in part.highest_rank.items():
                if rank > source.highest_rank.get(country, 0):
                    source.highest_rank[country] = rank
            yield part
    finally:
        if workers is not None:
            workers.shutdown(cancel_futures=True)


def _read(source: RegisterFile, workers: Executor | None) -> Iterator[Part]:
    what, under, columns = ((COMPANIES, None, companies_columns) if source.register == "companies"
                            else (POSTCODES, "Data", postcodes_columns))
    for path in source.paths:
        for binary in data_stream(source, path, what, under):
            at = columns(_header(binary, what))
            if workers is None:
                for chunk in records(binary, CHUNK_BYTES):
                    yield read_chunk(source.register, at, chunk)
                continue
            # A few chunks in flight per worker: enough to keep them busy, never the whole file in memory.
            waiting: deque[Future] = deque()
            for chunk in records(binary, CHUNK_BYTES):
                waiting.append(workers.submit(read_chunk, source.register, at, chunk))
                if len(waiting) >= 2 * WORKERS:
                    yield waiting.popleft().result()
            while waiting:
                yield waiting.popleft().result()


def rows_after(source: RegisterFile) -> Iterator[tuple[str, tuple]]:
    """Rows read after the chunks, in the loading process: the directory's area names (small files)."""
    if source.register == "postcodes":
        yield from _area_names(source, source.paths[0])


def _workers(source: RegisterFile) -> Executor | None:
    """Worker processes for a big file on a machine with cores to spare; None to read in this process."""
    if WORKERS < 2 or source.bytes_total < PARALLEL_FROM_BYTES or "fork" not in multiprocessing.get_all_start_methods():
        return None
    # fork: the workers start at once with the reading code already imported, and use no connection of ours.
    workers = ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("fork"))
    try:
        workers.submit(int).result()  # the processes start here: a daemonic process (a pool's worker) may have none
    except (OSError, AssertionError, BrokenProcessPool):
        workers.shutdown(cancel_futures=True)
        return None
    return workers
