"""Import N spend lines through portal.spend.importing against a raw COPY of the same file.

    .venv/bin/python bench/import_vs_copy.py [--lines 1000000] [--profile] [--resolve-one-at-a-time]

The file is a Transparency Code CSV in the demo council's layout (dd/mm/yyyy dates, company
and charity numbers, VCSE flag, ProClass), drawn from the demo supplier pool, shaped like a
real purchase ledger (``ledger_rows``): about 30% of its lines repeat the line before them
exactly (item lines of one invoice, now and then a run of a few hundred), and about 30% of the
other lines are a further line of the invoice before them (its number, date and supplier,
another amount and expense type). A line is identified by its content and its occurrence
among identical lines, so every one of them counts. Two baselines, each measured twice (once
before the import, once after; the ratio is against the faster run):

- bare: PostgreSQL's own COPY of that file into a plain, unindexed table with the same
  columns, typed (date, numeric): the least any import could cost.
- shaped like spend_lines: COPY of the rows the import wrote (dumped from spend_lines as
  they are, with their real organisation, import, supplier and alias ids, content keys and
  occurrences) into a new table with spend_lines' columns, primary key, unique
  (organisation_id, content_key, occurrence), indexes and foreign keys (copied from the
  catalogue, so it follows the schema): what loading these rows costs in the table the
  product needs, without any of our checking (and without the row-level security policy,
  which measured as free).

Goal (issue 12): the import within 2x of the shaped COPY.
"""
from __future__ import annotations

import argparse
import cProfile
import csv
import pstats
import random
import tempfile
import time
from datetime import date
from pathlib import Path

from benchdb import ADMIN_URL, council_upload, fresh_app, machine, psycopg_url

BASELINE_TABLE = """
CREATE TABLE copy_baseline (
    body_name text, payment_date date, transaction_number text, net_amount numeric(14, 2),
    supplier_name text, supplier_postcode text, company_number text, charity_number text,
    vcse text, expense_type text, service_area text, proclass text
)
"""


# A purchase ledger repeats itself. Of each line of the file, the chance that it is the line
# before it again, exactly (an invoice's identical item lines); now and then a long run of them
# (370 lines of £2.70 on one invoice); and of each other line, the chance that it is a further
# line of the invoice before it (same number, date and supplier; its own amount and expense type).
COPY_CHANCE = 0.29
RUN_CHANCE = 1 / 20_000
RUN_LINES = (50, 400)
INVOICE_CHANCE = 0.30
# The council layout's columns, by position.
_DATE, _REF, _AMOUNT, _EXPENSE = 1, 2, 3, 9


def _ledger_plan(lines: int, seed: str):
    """For each line of the file in turn: True when it repeats the line before it (the same every time for a seed)."""
    rng = random.Random(f"{seed}-ledger-copies")
    run = 0
    for index in range(lines):
        if run:
            run -= 1
            yield True
            continue
        chance = rng.random()
        if index and chance < RUN_CHANCE:
            run = rng.randint(*RUN_LINES) - 1
            yield True
        else:
            yield bool(index) and chance < COPY_CHANCE


def ledger_rows(lines: int, stats: dict | None = None, seed: str = "bench"):
    """Yield ``lines`` rows of the demo council's file, with identical lines and invoices of several lines.

    Streams (memory does not grow with ``lines``): the plan is drawn twice from the same seed,
    once to count the lines of their own, which the demo generator then spreads over the year.
    ``stats`` (if given) gets: copies (lines identical to the line before), identical (lines that
    are one of several identical ones), shared_ref (lines whose transaction number another line
    has), invoices.
    """
    from portal.demo.spend import (
        PROFILES,
        latest_complete_financial_year,
        spend_rows,
        supplier_pool,
        year_months,
    )

    own = sum(1 for copy in _ledger_plan(lines, seed) if not copy)
    base = spend_rows(PROFILES["council"], supplier_pool(), year_months(latest_complete_financial_year()), own,
                      body="Demo Metropolitan Borough Council")
    rng = random.Random(f"{seed}-ledger-invoices")
    copies = identical = shared = invoices = invoice_lines = 0
    head = head_month = previous = None
    previous_copied = False
    for copy in _ledger_plan(lines, seed):
        if copy:
            row = previous
            copies += 1
            identical += 1 if previous_copied else 2
            invoice_lines += 1
        else:
            month, row = next(base)
            if head is not None and month == head_month and rng.random() < INVOICE_CHANCE:
                line = list(head)
                line[_AMOUNT], line[_EXPENSE] = row[_AMOUNT], row[_EXPENSE]
                row = line
                invoice_lines += 1
            else:
                if invoice_lines > 1:
                    shared += invoice_lines
                head, head_month, invoice_lines = row, month, 1
                invoices += 1
        previous_copied = copy
        previous = row
        yield row
    if invoice_lines > 1:
        shared += invoice_lines
    if stats is not None:
        stats.update(copies=copies, identical=identical, shared_ref=shared, invoices=invoices)


def write_file(path: Path, lines: int, seed: str = "bench") -> dict:
    """Write the ledger-shaped council file; return ledger_rows' stats."""
    from portal.demo.spend import PROFILES

    stats: dict = {}
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(PROFILES["council"].header)
        writer.writerows(ledger_rows(lines, stats, seed))
    return stats


def describe_ledger(lines: int, stats: dict) -> str:
    return (f"{stats['copies']:,} lines ({stats['copies'] / lines:.0%}) repeat the line before them exactly "
            f"({stats['identical']:,}, {stats['identical'] / lines:.0%}, are one of several identical lines); "
            f"{stats['shared_ref']:,} ({stats['shared_ref'] / lines:.0%}) share their transaction number with "
            f"another line; {stats['invoices']:,} transaction numbers")


# The columns the import writes (all but the id, which the table's sequence gives).
LINE_COLUMNS = ("organisation_id, spend_import_id, transaction_ref, payment_date, month, amount_pence, supplier_name, "
                "supplier_id, supplier_alias_id, expense_type, service_area, category, content_key, occurrence, "
                "payee_unnamed, created_at")


def raw_copy(owner_url: str, path: Path) -> int:
    import psycopg

    with psycopg.connect(psycopg_url(owner_url)) as conn:
        conn.execute("DROP TABLE IF EXISTS copy_baseline")
        conn.execute("SET DateStyle = 'ISO, DMY'")
        conn.execute(BASELINE_TABLE)
        with conn.cursor() as cursor, open(path, "rb") as handle, cursor.copy(
            "COPY copy_baseline FROM STDIN WITH (FORMAT csv, HEADER true)"
        ) as copy:
            while chunk := handle.read(1024 * 1024):
                copy.write(chunk)
        count = conn.execute("SELECT count(*) FROM copy_baseline").fetchone()[0]
        conn.commit()
    return count


def dump_lines(database: str, import_id: int, path: Path) -> int:
    """The rows the import wrote, as spend_lines holds them, in the file's order (as the superuser: RLS is forced)."""
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(ADMIN_URL).set(database=database).render_as_string(hide_password=False)
    with psycopg.connect(psycopg_url(admin)) as conn, conn.cursor() as cursor, open(path, "wb") as out:
        with cursor.copy(f"COPY (SELECT {LINE_COLUMNS} FROM spend_lines WHERE spend_import_id = {int(import_id)} "
                         "ORDER BY id) TO STDOUT WITH (FORMAT csv)") as copy:
            out.writelines(copy)
        return conn.execute("SELECT count(*) FROM spend_lines WHERE spend_import_id = %s", (import_id,)).fetchone()[0]


def shaped_copy(owner_url: str, path: Path) -> tuple[int, float]:
    """COPY the dumped rows into an empty table shaped like spend_lines; (rows, seconds of COPY and commit)."""
    import psycopg

    with psycopg.connect(psycopg_url(owner_url)) as conn:
        conn.execute("DROP TABLE IF EXISTS copy_shaped")
        conn.execute("DROP SEQUENCE IF EXISTS copy_shaped_id_seq")
        # Columns, NOT NULLs, checks, primary key, unique constraint and every index of spend_lines ...
        conn.execute("CREATE TABLE copy_shaped (LIKE spend_lines INCLUDING CONSTRAINTS INCLUDING INDEXES)")
        conn.execute("CREATE SEQUENCE copy_shaped_id_seq OWNED BY copy_shaped.id")
        conn.execute("ALTER TABLE copy_shaped ALTER COLUMN id SET DEFAULT nextval('copy_shaped_id_seq')")
        # ... and its foreign keys, which LIKE leaves out.
        foreign_keys = conn.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'spend_lines'::regclass AND contype = 'f'"
        ).fetchall()
        assert len(foreign_keys) == 4, foreign_keys
        for n, (definition,) in enumerate(foreign_keys):
            conn.execute(f"ALTER TABLE copy_shaped ADD CONSTRAINT copy_shaped_fk_{n} {definition}")
        shape = conn.execute(
            "SELECT (SELECT count(*) FROM pg_index WHERE indrelid = 'copy_shaped'::regclass), "
            "(SELECT count(*) FROM pg_index WHERE indrelid = 'spend_lines'::regclass)"
        ).fetchone()
        assert shape[0] == shape[1], f"copy_shaped has {shape[0]} indexes, spend_lines {shape[1]}"
        unique = conn.execute(
            "SELECT array_agg(pg_get_indexdef(indexrelid) ORDER BY 1) FROM pg_index "
            "WHERE indrelid = 'copy_shaped'::regclass AND indisunique AND NOT indisprimary"
        ).fetchone()[0]
        assert unique and any("(organisation_id, content_key, occurrence)" in d for d in unique), unique
        conn.commit()
        start = time.perf_counter()
        with conn.cursor() as cursor, open(path, "rb") as handle, cursor.copy(
            f"COPY copy_shaped ({LINE_COLUMNS}) FROM STDIN WITH (FORMAT csv)"
        ) as copy:
            while chunk := handle.read(1024 * 1024):
                copy.write(chunk)
        conn.commit()
        seconds = time.perf_counter() - start
        count = conn.execute("SELECT count(*) FROM copy_shaped").fetchone()[0]
        conn.execute("DROP TABLE copy_shaped")
        conn.commit()
    return count, seconds


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def phase_timer(module, name: str, results: dict):
    """Wrap module.name so its time is added to results[name] (the importer is left unchanged)."""
    original = getattr(module, name)

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            results[name] = results.get(name, 0.0) + time.perf_counter() - start

    setattr(module, name, timed)


def portal_import(app, path: Path, profile: bool, one_at_a_time: bool = False) -> tuple[float, object, dict, int]:
    from portal.extensions import db
    from portal.spend import importing
    from tenants import tenant_context

    phases: dict = {}
    for name in ("_check_lines", "_load", "_copy_into_staging"):
        phase_timer(importing, name, phases)
    phase_timer(importing.comparing, "place_staged_lines", phases)
    if one_at_a_time:
        # The resolver as it was: one resolve() per supplier, ~6 round trips each (for comparison).
        importing.SupplierResolver.resolve_all = lambda self, keys: [self.resolve(key) for key in keys]
    phase_timer(importing.SupplierResolver, "resolve_all", phases)
    with app.app_context():
        council_id, import_id = council_upload(db.session, path)
        with tenant_context(council_id):
            profiler = cProfile.Profile() if profile else None
            start = time.perf_counter()
            if profiler:
                profiler.enable()
            outcome = importing.run_import(db.session, import_id)
            db.session.commit()
            if profiler:
                profiler.disable()
            elapsed = time.perf_counter() - start
        db.session.remove()
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return elapsed, outcome, phases, import_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--database", default="bench_import")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the import")
    parser.add_argument("--resolve-one-at-a-time", action="store_true",
                        help="resolve suppliers with resolve() per supplier, as before the bulk resolver (for comparison)")
    args = parser.parse_args()
    print(f"{date.today()} on {machine()}")
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        tmp = Path(tmp)
        start = time.perf_counter()
        path = tmp / "council-spend.csv"
        ledger = write_file(path, args.lines)
        print(f"wrote {args.lines:,} lines ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - start:.1f}s: "
              f"{describe_ledger(args.lines, ledger)}")
        app, owner_url, _app_url = fresh_app(args.database, tmp / "instance")
        print(f"load average at start: {load_average()}")

        bare = []
        start = time.perf_counter()
        copied = raw_copy(owner_url, path)
        bare.append(time.perf_counter() - start)
        print(f"baseline: COPY of {copied:,} rows into a plain table: {bare[0]:.1f}s")

        seconds, outcome, phases, import_id = portal_import(app, path, args.profile, args.resolve_one_at_a_time)
        assert outcome.imported == args.lines, outcome
        placed = phases["place_staged_lines"]
        print(f"portal import of {outcome.imported:,} lines: {seconds:.1f}s "
              f"({outcome.imported / seconds:,.0f} lines/s; load average {load_average()})")
        print(f"  pass 1, read and check every line:        {phases['_check_lines']:.1f}s")
        print(f"  pass 2, COPY into staging (with the spool): {phases['_copy_into_staging']:.1f}s")
        print(f"  pass 2, resolve the file's suppliers:       {phases['resolve_all']:.2f}s"
              f"{' (one at a time)' if args.resolve_one_at_a_time else ''}")
        print(f"  pass 2, the rest (staging tables, ANALYZE):  {phases['_load'] - phases['_copy_into_staging'] - phases['resolve_all'] - placed:.1f}s")
        print(f"  pass 2, INSERT ... SELECT into spend_lines (comparing.place_staged_lines, nothing held): {placed:.1f}s")

        rows_path = tmp / "spend-lines.csv"
        dumped = dump_lines(args.database, import_id, rows_path)
        assert dumped == outcome.imported, (dumped, outcome.imported)
        shaped = []
        count, took = shaped_copy(owner_url, rows_path)
        assert count == outcome.imported, count
        shaped.append(took)
        print(f"baseline: COPY of {count:,} rows into a table shaped like spend_lines "
              f"(PK, unique (organisation_id, content_key, occurrence), 4 indexes, 4 foreign keys): {took:.1f}s")
        start = time.perf_counter()
        raw_copy(owner_url, path)
        bare.append(time.perf_counter() - start)
        print(f"baseline, again: COPY into a plain table: {bare[1]:.1f}s")
        count, took = shaped_copy(owner_url, rows_path)
        shaped.append(took)
        print(f"baseline, again: COPY into a table shaped like spend_lines: {took:.1f}s")
        print(f"load average at end: {load_average()}")

        print(f"ratio import / COPY into a plain table, best of 2 ({bare[0]:.1f}s, {bare[1]:.1f}s): "
              f"{seconds / min(bare):.1f}x (for reference: no index or constraint at all)")
        print(f"ratio import / COPY into a table shaped like spend_lines, best of 2 ({shaped[0]:.1f}s, {shaped[1]:.1f}s): "
              f"{seconds / min(shaped):.2f}x (goal, issue 12: within 2x)")


if __name__ == "__main__":
    main()
