"""Does reading a big register in chunks (worker processes, COPY text) give exactly the row-by-row reader's rows?"""
from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest

from portal.registers import chunks, samples
from portal.registers.reading import (
    TABLE_COLUMNS,
    companies_columns,
    open_register_file,
    postcodes_columns,
)
from tests import settings

from .conftest import rows

# Cells that trip a CSV writer or COPY: quotes, commas, line breaks inside a cell, backslashes,
# COPY's text-format NULL marker, non-ASCII names, numbers and postcodes to normalise, rows to skip.
AWKWARD_COMPANIES = [
    {"name": 'THE "BEST" CAFE LTD', "number": "123", "postcode": "s60 1aa", "address": "1 HIGH ST,\r\nFLAT 2",
     "previous_names": ["BEST CAFE LIMITED", "THE BEST CAFE LTD", "OLD, \"QUOTED\" NAME LTD"],
     "sic": ["56101 - Licensed restaurants", "  "], "incorporated_on": date(1999, 2, 28)},
    {"name": "CAFÉ ÅSE LTD", "number": "SC123456", "postcode": "NOT A PC", "address": "\\N", "town": "back\\slash"},
    {"name": "NO NUMBER LTD", "number": "ABC"},
    {"name": "   ", "number": "01234567"},
    {"name": "!!!", "number": "07654321", "status": "", "accounts_category": "", "incorporated_on": "31/02/2020"},
    {"name": "NI FIRM LIMITED", "number": "NI012345", "postcode": "BT1 1AA", "category": "x" * 200},
] + [{"name": f"FIRM {n} LTD", "number": str(10_000_000 + n), "previous_names": [f"FORMER {n} PLC"]} for n in range(300)]

AWKWARD_POSTCODES = [
    {"postcode": "S60 1AA", "district_code": "E08000018", "ward_code": "E05001000", "lsoa_code": "E01007600",
     "region_code": "E12000003", "country_code": "E92000001", "imd_rank": "1234"},
    {"postcode": "EH1 1AA", "country_code": "S92000003", "imd_rank": "6976", "terminated": True},
    {"postcode": "BT1 1AA", "country_code": "N92000002", "imd_rank": "0"},
    {"postcode": "CF10 1AA", "country_code": "W92000004", "imd_rank": ""},
] + [{"postcode": f"LS{n // 10 + 1} {n % 10}AB", "country_code": "E92000001", "imd_rank": str(n + 1)} for n in range(300)]


def _as_copy_reads_it(value) -> str | None:
    """How a value the row reader gives is written in COPY's text format (None stays NULL)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)


_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}


def _copy_text_rows(data: bytes) -> list[list[str | None]]:
    """COPY's text format read back as PostgreSQL reads it: tab-separated, \\N for NULL, backslash escapes."""
    lines = data.decode().split("\n")
    assert lines[-1] == ""
    return [[None if cell == "\\N" else re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[1]), cell)
             for cell in line.split("\t")] for line in lines[:-1]]


def test_chunks_end_only_where_a_record_ends():
    data = samples.companies_csv(AWKWARD_COMPANIES).encode()
    whole = list(csv.reader(io.StringIO(data.decode(), newline="")))
    for size in (1, 7, 100, 4096, len(data) * 2):
        parts = list(chunks.records(io.BytesIO(data), size))
        assert b"".join(parts) == data
        read = [row for part in parts for row in csv.reader(io.StringIO(part.decode(), newline=""))]
        assert read == whole, size


def test_a_line_end_inside_quotes_is_not_a_record_end():
    assert chunks._last_record_end(b'"a\nb","c"\n"d\ne') == 9
    assert chunks._last_record_end(b'"a ""quoted\n"" b"\n') == 17
    assert chunks._last_record_end(b'"open\nstill open\n') == -1


@pytest.mark.parametrize("register", ["companies", "postcodes"])
def test_a_chunk_reads_as_the_row_by_row_reader_does(tmp_path, register):
    if register == "companies":
        path = samples.write_companies(tmp_path / "BasicCompanyDataAsOneFile-2026-11-01.csv", AWKWARD_COMPANIES,
                                       zipped=False)
        columns = companies_columns
    else:
        path = samples.write_postcodes(tmp_path / "NSPL_MAY_2024_UK.csv", AWKWARD_POSTCODES)
        columns = postcodes_columns
    serial = open_register_file(register, path)
    expected: dict[str, list] = {}
    for table, row in serial.rows():
        if table == "register_company_names":
            row = row[1:]  # the ids come from the sequence when the chunks are COPYed
        expected.setdefault(table, []).append([_as_copy_reads_it(v) for v in row])

    header, _, body = path.read_bytes().partition(b"\n")
    at = columns(next(csv.reader([header.decode("utf-8-sig")])))
    got: dict[str, list] = {}
    skipped, highest = 0, {}
    for chunk in chunks.records(io.BytesIO(body), 2000):
        part = chunks.read_chunk(register, at, chunk)
        skipped += part.rows_skipped
        for country, rank in part.highest_rank.items():
            highest[country] = max(rank, highest.get(country, 0))
        for table, data in part.data.items():
            parsed = _copy_text_rows(data)
            assert len(parsed) == part.counts[table]
            got.setdefault(table, []).extend(parsed)
    assert {t: r for t, r in got.items() if r} == expected
    assert (skipped, highest) == (serial.rows_skipped, serial.highest_rank)
    assert skipped > 0 if register == "companies" else highest


@pytest.mark.postgres
def test_a_load_in_worker_processes_fills_the_tables_as_the_row_by_row_reader_would(load, tmp_path, monkeypatch):
    if not settings.ON_POSTGRES:
        pytest.skip("only PostgreSQL loads read in chunks")
    monkeypatch.setattr(chunks, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 8 << 10)
    monkeypatch.setattr(chunks, "WORKERS", 2)
    started = []
    original = chunks._workers
    monkeypatch.setattr(chunks, "_workers", lambda source: started.append(original(source)) or started[-1])

    companies = samples.write_companies(tmp_path / "BasicCompanyDataAsOneFile-2026-11-01.zip", AWKWARD_COMPANIES)
    result = load("companies", companies)
    postcodes = samples.write_postcodes(tmp_path / "NSPL_MAY_2024_UK.zip", AWKWARD_POSTCODES,
                                        area_names={"LA_UA names and codes UK as at 04_24.csv": [("E08000018", "R")]})
    load("postcodes", postcodes)
    assert len(started) == 2 and all(workers is not None for workers in started)

    serial = open_register_file("companies", companies)
    expected: dict[str, list] = {}
    for table, row in serial.rows():
        expected.setdefault(table, []).append(row[1:] if table == "register_company_names" else row)
    assert result.rows_loaded == len(expected["register_companies"]) and result.rows_skipped == serial.rows_skipped
    assert [tuple(r) for r in rows(f"SELECT {', '.join(TABLE_COLUMNS['register_companies'])} FROM register_companies "
                                   "ORDER BY company_number")] == sorted(expected["register_companies"])
    # The names keep the file's order, numbered by their sequence.
    assert [tuple(r) for r in rows("SELECT company_number, normalised_name, block, is_current "
                                   "FROM register_company_names ORDER BY id")] == expected["register_company_names"]

    serial = open_register_file("postcodes", postcodes)
    expected = {}
    for table, row in serial.rows():
        expected.setdefault(table, []).append(row)
    assert [tuple(r) for r in rows(f"SELECT {', '.join(TABLE_COLUMNS['register_postcodes'])} FROM register_postcodes "
                                   "ORDER BY postcode")] == sorted(expected["register_postcodes"])
    assert rows("SELECT code, name FROM register_area_names") == [("E08000018", "R")]
