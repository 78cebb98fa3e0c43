"""Import N spend lines through portal.spend.importing against a raw COPY of the same file.

    .venv/bin/python bench/import_vs_copy.py [--lines 1000000] [--profile]

The file is a Transparency Code CSV in the demo council's layout (dd/mm/yyyy dates, company
and charity numbers, VCSE flag, ProClass), drawn from the demo supplier pool. The baseline
is PostgreSQL's own COPY of that file into a plain, unindexed table with the same columns,
typed (date, numeric): the least any import could cost. Goal: the import within 3x.
"""
from __future__ import annotations

import argparse
import cProfile
import csv
import pstats
import tempfile
import time
from datetime import date
from pathlib import Path

from benchdb import demo_network, fresh_app, machine, psycopg_url

BASELINE_TABLE = """
CREATE TABLE copy_baseline (
    body_name text, payment_date date, transaction_number text, net_amount numeric(14, 2),
    supplier_name text, supplier_postcode text, company_number text, charity_number text,
    vcse text, expense_type text, service_area text, proclass text
)
"""


def write_file(path: Path, lines: int) -> None:
    from portal.demo_spend import (
        PROFILES,
        latest_complete_financial_year,
        spend_rows,
        supplier_pool,
        year_months,
    )

    profile = PROFILES["council"]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(profile.header)
        for _month, row in spend_rows(profile, supplier_pool(), year_months(latest_complete_financial_year()), lines,
                                      body="Demo Metropolitan Borough Council"):
            writer.writerow(row)


def raw_copy(owner_url: str, path: Path) -> int:
    import psycopg

    with psycopg.connect(psycopg_url(owner_url)) as conn:
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


def portal_import(app, path: Path, profile: bool) -> tuple[float, object, dict]:
    from portal.extensions import db
    from portal.spend import importing
    from tenants import tenant_context

    phases: dict = {}
    for name in ("_check_lines", "_load", "_copy_into_staging"):
        phase_timer(importing, name, phases)
    phase_timer(importing.SupplierResolver, "resolve", phases)
    with app.app_context():
        _network, partners = demo_network(db.session)
        council = partners["council"]
        with tenant_context(council.id):
            with open(path, "rb") as stream:
                spend_import = importing.store_upload(db.session, council, None, path.name, stream)
            spend_import.column_mapping = importing.proposed_mapping(db.session, spend_import)[1]
            db.session.commit()
            profiler = cProfile.Profile() if profile else None
            start = time.perf_counter()
            if profiler:
                profiler.enable()
            outcome = importing.run_import(db.session, spend_import.id)
            db.session.commit()
            if profiler:
                profiler.disable()
            elapsed = time.perf_counter() - start
        db.session.remove()
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return elapsed, outcome, phases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--database", default="bench_import")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the import")
    args = parser.parse_args()
    print(f"{date.today()} on {machine()}")
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        tmp = Path(tmp)
        start = time.perf_counter()
        path = tmp / "council-spend.csv"
        write_file(path, args.lines)
        print(f"wrote {args.lines:,} lines ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - start:.1f}s")
        app, owner_url, _app_url = fresh_app(args.database, tmp / "instance")

        start = time.perf_counter()
        copied = raw_copy(owner_url, path)
        copy_seconds = time.perf_counter() - start
        print(f"baseline: COPY of {copied:,} rows into a plain table: {copy_seconds:.1f}s")

        seconds, outcome, phases = portal_import(app, path, args.profile)
        assert outcome.imported == args.lines, outcome
        moved = phases["_load"] - phases["_copy_into_staging"] - phases["resolve"]
        print(f"portal import of {outcome.imported:,} lines: {seconds:.1f}s "
              f"({outcome.imported / seconds:,.0f} lines/s)")
        print(f"  pass 1, read and check every line:        {phases['_check_lines']:.1f}s")
        print(f"  pass 2, COPY into staging (with the spool): {phases['_copy_into_staging']:.1f}s")
        print(f"  pass 2, resolve the file's suppliers:       {phases['resolve']:.1f}s")
        print(f"  pass 2, INSERT ... SELECT into spend_lines: {moved:.1f}s")
        print(f"ratio import / COPY: {seconds / copy_seconds:.1f}x (goal: within 3x)")


if __name__ == "__main__":
    main()
