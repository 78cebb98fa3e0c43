"""The network's annual report for scrutiny at the issue's size: the page under 2 s, the PDF and the Word document under 10 s.

    .venv/bin/python bench/report_speed.py [--lines 5000000] [--contracts 10000] [--requests 5] [--reuse]

One PostgreSQL database (bench_report_speed), the demo network's four partners:
  1. ``--lines`` spend lines over three financial years (COPY as the table owner, as
     recompute_vs_groupby.py loads them) and ``--contracts`` contracts with 4 commitments each
     and 5 delivery reports per commitment (``--contracts 10000``: 200,000 delivery reports, as
     sv_report_pages.py loads them), and four benchmarks of other places;
  2. the workers' snapshots, as the nightly jobs make them: ``spend.totals.recompute_all`` and
     ``social_value.totals.recompute_all``, each timed once;
  3. ours: the lead's request for the network's report of the latest complete financial year
     through the Flask test client, the whole request (session, scope, report, template or file):
     the page, the PDF and the Word document;
  4. the baseline, measured in the same run: a bare SELECT of the snapshot rows the report reads
     (the network's spend totals, the social value network, period and contract-year totals)
     through psycopg in the same signed scope, the least any report built on the snapshots can do.
Each is timed ``--requests`` times after a warm-up; the median and the worst, and the ratio to the
baseline. Goals: the page under 2 s, the PDF and the Word document under 10 s.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import recompute_vs_groupby as spend_bench
import sv_report_pages as sv_bench
from benchdb import fresh_app, machine, open_scope, psycopg_url

GOALS = {"page": 2.0, "pdf": 10.0, "docx": 10.0}


def add_benchmarks(app, network_id: int, year: int) -> None:
    """Four published figures, one of each kind the portal computes and one it cannot."""
    from portal.benchmarks import records
    from portal.extensions import db
    from portal.spend.queries import over_the_network
    from tenants.models import Network

    with app.app_context():
        network = db.session.get(Network, network_id)
        with over_the_network(db.session, network_id, "benchmark: the lead's benchmarks"):
            for place, definition, figure in (("Preston", "cles_based_or_branched", "18.2"), ("Yorkshire", "region", "31.0"),
                                              ("England", "sme", "27.4"), ("Kirklees", "other", "40")):
                records.add(db.session, network, records.BenchmarkInput(place, "Publisher", f"{place} figures", "", str(year),
                                                                        definition, "percent", figure))
            db.session.commit()


def snapshot_reader(app_url: str, partner_ids: list[int], network_id: int):
    """The baseline: bare SELECTs of the snapshot rows the network's report reads, in the same signed scope."""
    import psycopg

    conn = psycopg.connect(psycopg_url(app_url))

    def read() -> int:
        with conn.transaction():
            open_scope(conn, partner_ids)
            rows = conn.execute("SELECT * FROM network_spend_totals WHERE network_id = %s", (network_id,)).fetchall()
            rows += conn.execute("SELECT * FROM spend_totals WHERE period_type IN ('year', 'quarter') AND breakdown = 'all'"
                                 ).fetchall()
            rows += conn.execute("SELECT * FROM sv_network_totals WHERE network_id = %s", (network_id,)).fetchall()
            rows += conn.execute("SELECT * FROM sv_period_totals WHERE organisation_id = ANY(%s)", (partner_ids,)).fetchall()
            rows += conn.execute("SELECT * FROM sv_progress_totals WHERE organisation_id = ANY(%s)", (partner_ids,)).fetchall()
            rows += conn.execute("SELECT * FROM sv_contract_totals WHERE organisation_id = ANY(%s)", (partner_ids,)).fetchall()
            return len(rows)

    return conn, read


def timed(call, times: int) -> list[float]:
    out = []
    for _ in range(times):
        start = time.perf_counter()
        call()
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5_000_000)
    parser.add_argument("--contracts", type=int, default=10_000, help="x 4 commitments x 5 delivery reports")
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="time again on the database a previous run loaded")
    args = parser.parse_args()
    from sqlalchemy import select

    from portal.demo.spend import latest_complete_financial_year
    from portal.extensions import db
    from tenants.models import Network, Organisation

    print(machine())
    year = latest_complete_financial_year().year
    app, owner_url, app_url = fresh_app("bench_report_speed", Path(tempfile.mkdtemp(prefix="bench-report-")),
                                        fresh=not args.reuse)
    if args.reuse:
        with app.app_context():
            network_id = db.session.scalar(select(Network.id).order_by(Network.id))
    else:
        start = time.perf_counter()
        network_id, _ = spend_bench.load(app, owner_url, args.lines)
        sv_bench.load(app, owner_url, args.contracts, 4, 5, network_id=network_id)
        add_benchmarks(app, network_id, year)
        print(f"load: {time.perf_counter() - start:.0f} s")
        print(f"the workers' spend snapshots (spend.totals.recompute_all): {spend_bench.recompute(app, network_id):.1f} s")
        print(f"the workers' social value snapshots (social_value.totals.recompute_all): "
              f"{sv_bench.recompute(app, network_id):.1f} s")
    with app.app_context():
        partner_ids = list(db.session.scalars(select(Organisation.id).where(Organisation.network_id == network_id)))
    _officer, lead, _council = sv_bench.signed_in_clients(app, network_id)
    base = f"/network/{network_id}/report"
    formats = {"page": base, "pdf": f"{base}.pdf", "docx": f"{base}.docx"}
    sizes = {}
    for name, url in formats.items():  # warm-up: templates, fonts, first connections
        response = lead.get(f"{url}?year={year}")
        assert response.status_code == 200, (name, response.status_code)
        sizes[name] = len(response.data)
    conn, read = snapshot_reader(app_url, partner_ids, network_id)
    read()
    baseline = timed(read, args.requests)
    conn.close()
    b50 = statistics.median(baseline)
    print(f"the network's report for {year} to {year + 1}, {args.requests} requests of each after a warm-up; "
          f"baseline (bare SELECT of the snapshot rows it reads): median {b50 * 1000:.0f} ms")
    met = True
    for name, url in formats.items():
        times = timed(lambda url=url: lead.get(f"{url}?year={year}"), args.requests)
        p50, worst = statistics.median(times), max(times)
        met &= worst < GOALS[name]
        print(f"{name} ({sizes[name] / 1024:.0f} KB): median {p50:.2f} s, worst {worst:.2f} s; ratio to the baseline "
              f"{p50 / b50:.0f}x; goal under {GOALS[name]:.0f} s: {'yes' if worst < GOALS[name] else 'NO'}")
    print(f"every format within its goal: {'yes' if met else 'NO'}")


if __name__ == "__main__":
    main()
