"""Bulk import of commitments and delivery reports against raw COPY of the same rows into tables of the same shape.

    .venv/bin/python bench/sv_bulk_import.py [--contracts 50000] [--measures-each 4] [--reports-each 5]

The demo network's council gets ``--contracts`` contracts (COPY as the owner: contracts are
not what is measured) and the demo measures. Two files are generated: commitments (one line per
contract and measure, committed between 2019 and 2025, so the years before the measures' first
edition are back-filled at the earliest edition) and delivery reports (``--reports-each``
quarterly lines per commitment). Then, as the app role under row-level security:
  1. ours: ``portal.social_value.bulk_import.run_bulk_import`` on each file, what the worker
     does: read, check every line against contracts and the catalogue, value it, place it, commit;
  2. the baseline: the same rows, already valued (not timed), COPYed into tables made
     ``LIKE`` the real ones (same columns, defaults and indexes, no row-level security), committed.
Ratios are printed (goal: within 3x). The default is the issue's scale: 50,000 contracts,
200,000 commitments and 1,000,000 delivery reports.
"""
from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from benchdb import demo_network, fresh_app, machine, psycopg_url

QUARTERS = [(date(y, m, 1), date(y + (m == 10), (m + 3) % 12 or 12, 1)) for y in range(2019, 2026) for m in (1, 4, 7, 10)]


def load(app, owner_url: str, contracts: int):
    """The network, its measures and the council's contracts; returns (council id, {measure code: [(valid_from, pence)]})."""
    import psycopg
    from sqlalchemy import select

    from portal.extensions import db
    from portal.social_value import measures
    from portal.social_value.models import Measure, ProxyValue

    with app.app_context():
        network, partners = demo_network(db.session)
        measures.load_demo_measures(db.session, network)
        db.session.commit()
        council_id = partners["council"].id
        editions: dict[str, list] = {}
        for code, valid_from, pence in db.session.execute(
            select(Measure.code, ProxyValue.valid_from, ProxyValue.value_pence).join(Measure, Measure.id == ProxyValue.measure_id)
            .where(Measure.network_id == network.id).order_by(ProxyValue.valid_from)
        ):
            editions.setdefault(code, []).append((valid_from, Decimal(pence)))
    now = datetime.now(UTC)
    with psycopg.connect(psycopg_url(owner_url)) as conn, conn.cursor() as cursor:
        cursor.execute("ALTER TABLE sv_contracts NO FORCE ROW LEVEL SECURITY")  # COPY FROM is refused under RLS
        with cursor.copy("COPY sv_contracts (organisation_id, reference, title, value_pence, start_date, end_date, route, "
                         "rlw_in_scope, supplier_pays_rlw, supplier_link_version, created_at) FROM STDIN") as copy:
            for n in range(1, contracts + 1):
                copy.write_row((council_id, f"C-{n:06d}", f"Contract {n}", 10**6, date(2019, 4, 1), date(2027, 3, 31),
                                "procurement", False, "unknown", 1, now))
        cursor.execute("ALTER TABLE sv_contracts FORCE ROW LEVEL SECURITY")
        cursor.execute("ANALYZE sv_contracts")
    return council_id, editions


def write_files(folder: Path, contracts: int, codes: list[str], reports_each: int, seed: int = 15):
    """The two files, and the rows each should become (for the baseline): (paths, commitment rows, report rows)."""
    rng = random.Random(seed)
    commitments, reports = folder / "commitments.csv", folder / "delivery.csv"
    committed: list[tuple] = []
    with open(commitments, "w", newline="") as c_out, open(delivery := reports, "w", newline="") as d_out:
        c_write, d_write = csv.writer(c_out).writerow, csv.writer(d_out).writerow
        c_write(["Contract reference", "Measure code", "Quantity", "Committed on"])
        d_write(["Contract reference", "Measure code", "Quantity", "Period start", "Period end", "What was delivered"])
        for n in range(1, contracts + 1):
            for code in rng.sample(codes, len(codes)):
                day = date(rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28))
                quantity = rng.randint(1, 400)
                c_write([f"C-{n:06d}", code, quantity, day.strftime("%d/%m/%Y")])
                committed.append((f"C-{n:06d}", code, quantity, day))
                for start, after in rng.sample(QUARTERS, reports_each):
                    d_write([f"C-{n:06d}", code, rng.randint(0, 40), start.isoformat(),
                             date.fromordinal(after.toordinal() - 1).isoformat(), ""])
    return (commitments, delivery), committed


def ours(app, council_id: int, path: Path, kind: str) -> float:
    from portal.extensions import db
    from portal.social_value import bulk_import
    from tenants import tenant_context

    with app.app_context(), tenant_context(council_id):
        with open(path, "rb") as stream:
            bulk = bulk_import.store_upload(db.session, kind, None, path.name, stream, council_id)
        db.session.commit()
        start = time.perf_counter()
        outcome = bulk_import.run_bulk_import(db.session, bulk.id)
        db.session.commit()
        took = time.perf_counter() - start
    assert outcome.status == "imported", (outcome, bulk.problems[:5])
    print(f"  ours {kind}: {outcome.imported:,} imported, {outcome.earliest_edition:,} at the earliest edition, {took:.1f} s")
    return took


def baseline(owner_url: str, table: str) -> float:
    """COPY the rows ours placed (every column but the id; read back first, not timed) into a table LIKE the real one."""
    import psycopg

    with psycopg.connect(psycopg_url(owner_url)) as conn, conn.cursor() as cursor:
        columns = [name for (name,) in cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name <> 'id' "
            "ORDER BY ordinal_position", (table,))]
        cursor.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        rows = cursor.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
        cursor.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        cursor.execute(f"DROP TABLE IF EXISTS bench_{table}")
        cursor.execute(f"CREATE TABLE bench_{table} (LIKE {table} INCLUDING DEFAULTS INCLUDING INDEXES INCLUDING CONSTRAINTS)")
        conn.commit()
        start = time.perf_counter()
        with cursor.copy(f"COPY bench_{table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        conn.commit()
        took = time.perf_counter() - start
    print(f"  baseline COPY into bench_{table}: {len(rows):,} rows, {took:.1f} s")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=50_000)
    parser.add_argument("--measures-each", type=int, default=4)
    parser.add_argument("--reports-each", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-sv-bulk-"))
    app, owner_url, _app_url = fresh_app("bench_sv_bulk", folder)
    council_id, editions = load(app, owner_url, args.contracts)
    codes = sorted(editions)[: args.measures_each]
    (commitments, delivery), committed = write_files(folder, args.contracts, codes, args.reports_each)
    # An independent check of the valuation: the edition in force, or the earliest one before the first.
    expected = sum(int((Decimal(q) * next((p for v, p in reversed(editions[code]) if v <= day), editions[code][0][1]))
                       .quantize(Decimal(1), rounding=ROUND_HALF_UP)) for _, code, q, day in committed)
    print(f"{args.contracts:,} contracts, {len(committed):,} commitments, {len(committed) * args.reports_each:,} delivery reports")
    ours_c = ours(app, council_id, commitments, "commitments")
    ours_d = ours(app, council_id, delivery, "delivery")
    import psycopg

    with psycopg.connect(psycopg_url(owner_url)) as conn:
        conn.execute("ALTER TABLE sv_commitments NO FORCE ROW LEVEL SECURITY")
        held = conn.execute("SELECT sum(committed_value_pence) FROM sv_commitments").fetchone()[0]
        conn.execute("ALTER TABLE sv_commitments FORCE ROW LEVEL SECURITY")
    assert held == expected, (held, expected)
    base_c = baseline(owner_url, "sv_commitments")
    base_d = baseline(owner_url, "sv_delivery_reports")
    print(machine())
    print(f"commitments: ours {ours_c:.1f} s, COPY {base_c:.1f} s, ratio {ours_c / base_c:.2f}x")
    print(f"delivery:    ours {ours_d:.1f} s, COPY {base_d:.1f} s, ratio {ours_d / base_d:.2f}x")
    print(f"together:    ours {ours_c + ours_d:.1f} s, COPY {base_c + base_d:.1f} s, ratio {(ours_c + ours_d) / (base_c + base_d):.2f}x"
          "  (goal: within 3x)")


if __name__ == "__main__":
    main()
