"""The report's like-with-like figures (to date, against the same commitments, the year in halves) at 50,000 commitments.

    .venv/bin/python bench/social_value_like_for_like.py [--commitments 50000] [--reports-each 4] [--reuse]

The history of bench/social_value_totals.py (its loader, COPY as the table owner) in its
own database, bench_sv_like_for_like. Then, as the app role under row-level security:
  1. rebuild: ``progress_snapshot.recompute_partner`` for every partner, what the workers
     add to each partner's recompute (the spread over years and halves is done in Python);
  2. ours: ``report_progress.like_for_like`` read from those snapshots, as the report page does;
  3. on demand: the same added up from the rows, as while a change waits for the workers;
  4. the baseline: hand-written SQL for the to-date and against-commitments figures (GROUP BY
     over commitments and reports) through psycopg, the least any page reading the rows can do;
each run taking turns after a warm-up; ratios against the baseline. The figures of 2 and 4 are
checked to agree. Goal: ours well under the baseline (the page reads a few hundred snapshot rows).
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
from datetime import date
from pathlib import Path

from benchdb import fresh_app, machine, open_scope, psycopg_url
from social_value_totals import interleaved, load

AS_OF = date(2025, 6, 30)
YEAR = 2024

BASELINE = """
WITH on_these AS (
  SELECT commitment_id, sum(COALESCE(rebased_value_pence, value_pence)) AS v
  FROM sv_delivery_reports WHERE status = 'verified' AND period_end <= %(as_of)s GROUP BY commitment_id)
SELECT CASE WHEN k.end_date IS NOT NULL AND k.end_date < %(as_of)s THEN 'completed' ELSE 'live' END AS status,
       sum(COALESCE(c.rebased_value_pence, c.committed_value_pence)), sum(COALESCE(o.v, 0)), count(*)
FROM sv_commitments c JOIN sv_contracts k ON k.id = c.contract_id LEFT JOIN on_these o ON o.commitment_id = c.id
WHERE c.committed_on <= %(as_of)s GROUP BY 1 ORDER BY 1"""
BASELINE_DELIVERED = """
SELECT sum(COALESCE(rebased_value_pence, value_pence)) FROM sv_delivery_reports
WHERE status = 'verified' AND period_end <= %(as_of)s"""


def rebuild(app, network_id: int) -> None:
    from sqlalchemy import select

    from portal.extensions import db
    from portal.social_value import progress_snapshot
    from tenants import tenant_context
    from tenants.models import Network, Organisation

    with app.app_context():
        network = db.session.get(Network, network_id)
        for organisation_id in db.session.scalars(select(Organisation.id).where(Organisation.network_id == network_id)).all():
            with tenant_context(organisation_id):
                progress_snapshot.recompute_partner(db.session, network, organisation_id, as_of=AS_OF)
        db.session.commit()


def ours(app, network_id: int, partner_ids: list[int], current: bool = True):
    from portal.extensions import db
    from portal.social_value import report_progress
    from tenants import network_wide
    from tenants.models import Network

    with app.app_context():
        with network_wide(partner_ids, "bench: like-with-like figures"):
            found = report_progress.like_for_like(db.session, db.session.get(Network, network_id), partner_ids, YEAR,
                                                  snapshot_current=current, as_of=AS_OF)
        db.session.rollback()
        return found


def baseline(app_url: str, partner_ids: list[int]):
    import psycopg

    with psycopg.connect(psycopg_url(app_url)) as conn:
        open_scope(conn, partner_ids)
        by_status = conn.execute(BASELINE, {"as_of": AS_OF}).fetchall()
        delivered = conn.execute(BASELINE_DELIVERED, {"as_of": AS_OF}).fetchone()[0]
        return by_status, int(delivered or 0)


def check(found, base) -> None:
    by_status, delivered = base
    rows = {r.status: r for r in found.status_rows()}
    for status, committed, on_them, count in by_status:
        assert (rows[status].committed_pence, rows[status].delivered_pence, rows[status].commitments) == \
            (int(committed), int(on_them), int(count)), status
    assert found.to_date.delivered_pence == delivered, "delivered to date"
    assert found.to_date.committed_pence == sum(int(row[1]) for row in by_status), "committed to date"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commitments", type=int, default=50_000)
    parser.add_argument("--reports-each", type=int, default=4)
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each, taking turns, after a warm-up")
    parser.add_argument("--reuse", action="store_true", help="measure again on the database a previous run loaded")
    args = parser.parse_args()
    app, owner_url, app_url = fresh_app("bench_sv_like_for_like", Path(tempfile.mkdtemp(prefix="bench-lfl-")),
                                        fresh=not args.reuse)
    from portal.extensions import db
    from tenants.models import Network, Organisation

    with app.app_context():
        network_id = db.session.scalar(db.select(Network.id).order_by(Network.id)) if args.reuse else None
    if network_id is None:
        network_id = load(app, owner_url, args.commitments, args.reports_each)
    with app.app_context():
        partner_ids = db.session.scalars(db.select(Organisation.id).where(Organisation.network_id == network_id)).all()
    rebuild(app, network_id)  # warm-up
    ours(app, network_id, partner_ids)
    baseline(app_url, partner_ids)
    (re_times, _), (ours_times, found), (demand_times, found_demand), (base_times, base) = interleaved(
        args.runs, lambda: rebuild(app, network_id), lambda: ours(app, network_id, partner_ids),
        lambda: ours(app, network_id, partner_ids, current=False), lambda: baseline(app_url, partner_ids))
    assert found.from_snapshot and not found_demand.from_snapshot
    check(found, base)
    check(found_demand, base)
    print(machine())
    for name, times in (("rebuild: every partner's like-with-like rows", re_times),
                        ("ours: like_for_like from the snapshots", ours_times),
                        ("on demand: added up from the rows", demand_times),
                        ("baseline: hand-written SQL (to date only)", base_times)):
        print(f"{name:46s} best {min(times) * 1000:6.0f} ms, median {statistics.median(times) * 1000:6.0f} ms"
              f"  ratio best {min(times) / min(base_times):.2f}x, median {statistics.median(times) / statistics.median(base_times):.2f}x")
    print("goal: ours well under the baseline; the rebuild is worker time")


if __name__ == "__main__":
    main()
