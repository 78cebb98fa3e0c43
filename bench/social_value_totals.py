"""The annual social value report's totals over 50,000 commitments and 200,000 delivery reports, against hand-written SQL.

    .venv/bin/python bench/social_value_totals.py [--commitments 50000] [--reports-each 4] [--reuse]

A network of the four demo partners with the demo measures (two editions for two of them)
gets 6,250 contracts with 8 commitments each (half re-based) and 4 quarterly delivery
reports per commitment (60% verified, 25% reported, 15% rejected), each with two
beneficiary counts, bulk-loaded with COPY as the table owner. Then, as the app role under
row-level security, for the financial year 2024:
  1. recompute: ``portal.social_value.totals.recompute_all``, what the workers' nightly job
     does: every partner's snapshot rows for every year (by measure, route, overall, and
     beneficiaries by ward and group) and the network's, INSERT ... SELECT, committed;
  2. ours: ``portal.social_value.report.network_report``, the whole network report as the
     lead's page builds it, reading those snapshots (the top contracts and the Real Living
     Wage list on demand);
  3. on demand: the same report added up from the rows, as it is while a change is still
     waiting for its recompute;
  4. the baseline: hand-written SQL for the same figures (GROUPING SETS over commitments and
     over reports, one statement per other figure) through psycopg;
each run 7 times taking turns after a warm-up (best and median printed);
and checks the headline and by-theme figures agree. Goal: the recompute within 1.5x of the baseline.
"""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime

from benchdb import demo_network, fresh_app, machine, open_scope, psycopg_url

YEAR = 2024
QUARTERS = [(date(y, m, 1), e) for y, m, e in (
    (2023, 4, date(2023, 6, 30)), (2023, 7, date(2023, 9, 30)), (2023, 10, date(2023, 12, 31)), (2024, 1, date(2024, 3, 31)),
    (2024, 4, date(2024, 6, 30)), (2024, 7, date(2024, 9, 30)), (2024, 10, date(2024, 12, 31)), (2025, 1, date(2025, 3, 31)),
    (2025, 4, date(2025, 6, 30)))]
ROUTES = ["procurement", "commissioning", "grants", "planning_and_development", "asset_transfers"]
WARDS = [f"Ward {n}" for n in range(1, 22)]
GROUPS = ["Disability", "Age 16-24", "Care leaver", "Ethnic minority", ""]

BASELINE = {
    "committed": """
SELECT GROUPING(m.theme_id) AS g_theme, GROUPING(c.measure_id) AS g_measure, GROUPING(c.organisation_id) AS g_partner,
       GROUPING(k.route) AS g_route, m.theme_id, c.measure_id, c.organisation_id, k.route,
       sum(c.quantity), sum(c.committed_value_pence), sum(COALESCE(c.rebased_value_pence, c.committed_value_pence)), count(*)
FROM sv_commitments c JOIN sv_measures m ON m.id = c.measure_id JOIN sv_contracts k ON k.id = c.contract_id
WHERE c.committed_on >= %(start)s AND c.committed_on < %(end)s
GROUP BY GROUPING SETS ((), (m.theme_id), (c.measure_id), (c.organisation_id), (k.route))""",
    "delivered": """
SELECT GROUPING(m.theme_id), GROUPING(c.measure_id), GROUPING(c.organisation_id), GROUPING(k.route),
       m.theme_id, c.measure_id, c.organisation_id, k.route,
       sum(r.quantity), sum(r.value_pence), sum(COALESCE(r.rebased_value_pence, r.value_pence)), count(*)
FROM sv_delivery_reports r JOIN sv_commitments c ON c.id = r.commitment_id
JOIN sv_measures m ON m.id = c.measure_id JOIN sv_contracts k ON k.id = c.contract_id
WHERE r.status = 'verified' AND r.period_end >= %(start)s AND r.period_end < %(end)s
GROUP BY GROUPING SETS ((), (m.theme_id), (c.measure_id), (c.organisation_id), (k.route))""",
    "committed_by_year": """
SELECT extract(year FROM committed_on) - CASE WHEN extract(month FROM committed_on) < 4 THEN 1 ELSE 0 END AS y,
       sum(committed_value_pence), sum(COALESCE(rebased_value_pence, committed_value_pence)), count(*)
FROM sv_commitments GROUP BY 1 ORDER BY 1""",
    "delivered_by_year": """
SELECT extract(year FROM period_end) - CASE WHEN extract(month FROM period_end) < 4 THEN 1 ELSE 0 END AS y,
       sum(value_pence), sum(COALESCE(rebased_value_pence, value_pence)), count(*)
FROM sv_delivery_reports WHERE status = 'verified' GROUP BY 1 ORDER BY 1""",
    "top_committed": """
WITH made AS (SELECT contract_id, sum(COALESCE(rebased_value_pence, committed_value_pence)) AS v FROM sv_commitments
              WHERE committed_on >= %(start)s AND committed_on < %(end)s GROUP BY contract_id),
     done AS (SELECT c.contract_id, sum(COALESCE(r.rebased_value_pence, r.value_pence)) AS v
              FROM sv_delivery_reports r JOIN sv_commitments c ON c.id = r.commitment_id
              WHERE r.status = 'verified' AND r.period_end >= %(start)s AND r.period_end < %(end)s GROUP BY c.contract_id)
SELECT k.id, k.reference, k.title, made.v, COALESCE(done.v, 0) FROM sv_contracts k JOIN made ON made.contract_id = k.id
LEFT JOIN done ON done.contract_id = k.id ORDER BY made.v DESC, k.reference LIMIT 10""",
    "top_delivered": """
WITH made AS (SELECT contract_id, sum(COALESCE(rebased_value_pence, committed_value_pence)) AS v FROM sv_commitments
              WHERE committed_on >= %(start)s AND committed_on < %(end)s GROUP BY contract_id),
     done AS (SELECT c.contract_id, sum(COALESCE(r.rebased_value_pence, r.value_pence)) AS v
              FROM sv_delivery_reports r JOIN sv_commitments c ON c.id = r.commitment_id
              WHERE r.status = 'verified' AND r.period_end >= %(start)s AND r.period_end < %(end)s GROUP BY c.contract_id)
SELECT k.id, k.reference, k.title, COALESCE(made.v, 0), done.v FROM sv_contracts k JOIN done ON done.contract_id = k.id
LEFT JOIN made ON made.contract_id = k.id ORDER BY done.v DESC, k.reference LIMIT 10""",
    "living_wage": """
SELECT id, organisation_id, reference, title, supplier_name_as_given, end_date, supplier_pays_rlw FROM sv_contracts
WHERE rlw_in_scope AND start_date < %(end)s AND (end_date IS NULL OR end_date >= %(start)s) ORDER BY organisation_id, reference""",
    "beneficiaries": """
SELECT GROUPING(b.ward), b.ward, b.protected_group, sum(b.count)
FROM sv_delivery_beneficiary_counts b JOIN sv_delivery_reports r ON r.id = b.delivery_report_id
WHERE r.status = 'verified' AND r.period_end >= %(start)s AND r.period_end < %(end)s
GROUP BY GROUPING SETS ((b.ward), (b.protected_group))""",
}


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def load(app, owner_url: str, commitments: int, reports_each: int) -> int:
    """The network, its measures, and the generated contracts, commitments and reports (COPY as the owner)."""
    import psycopg
    from sqlalchemy import select

    from portal.extensions import db
    from portal.social_value import measures
    from portal.social_value.models import ProxyValue

    with app.app_context():
        network, partners = demo_network(db.session)
        # The lead's report lists the contracts of partners that share their lines (issue 14): all of them here.
        for partner in partners.values():
            partner.shares_lines_with_lead = True
        measures.load_demo_measures(db.session, network)
        db.session.commit()
        proxies: dict[int, list] = {}
        for pv in db.session.scalars(select(ProxyValue).where(ProxyValue.network_id == network.id).order_by(ProxyValue.valid_from)):
            proxies.setdefault(pv.measure_id, []).append(pv)
        rebase_to = {m: pvs[-1] for m, pvs in proxies.items()}
        network_id, partner_ids = network.id, [p.id for p in partners.values()]
    rng = random.Random(2024)
    measure_ids = sorted(proxies)
    contracts_n = commitments // len(measure_ids)
    now = datetime.now(UTC)
    contract_rows, commitment_rows, report_rows, count_rows = [], [], [], []
    commitment_id = report_id = count_id = 0
    for contract_id in range(1, contracts_n + 1):
        partner = rng.choice(partner_ids)
        start = date(2023, rng.randint(4, 12), 1)
        contract_rows.append((contract_id, partner, f"C-{contract_id:06d}", f"Contract {contract_id}", f"Supplier {contract_id % 900}",
                              rng.randrange(10**6, 10**10), start, date(2026, 3, 31), rng.choice(ROUTES),
                              rng.random() < 0.3, rng.choice(["yes", "no", "unknown"]), 1, now))
        for measure_id in measure_ids:
            commitment_id += 1
            committed_on = date(rng.choice([2023, 2024]), rng.randint(4, 12), rng.randint(1, 28))
            pv = [p for p in proxies[measure_id] if p.valid_from <= committed_on][-1:] or proxies[measure_id][:1]
            pv = pv[0]
            quantity = rng.randint(1, 400)
            value = round(quantity * pv.value_pence)
            rebased = rng.random() < 0.5
            rb = rebase_to[measure_id]
            commitment_rows.append((commitment_id, partner, contract_id, measure_id, quantity, committed_on, pv.id, pv.edition,
                                    pv.value_pence, value, rb.edition if rebased else None, rb.value_pence if rebased else None,
                                    round(quantity * rb.value_pence) if rebased else None, now if rebased else None, now))
            for period_start, period_end in rng.sample(QUARTERS, reports_each):
                report_id += 1
                q = rng.randint(0, 40)
                fate = rng.random()
                status = "verified" if fate < 0.6 else ("reported" if fate < 0.85 else "rejected")
                report_rows.append((report_id, partner, commitment_id, period_start, period_end, q, round(q * pv.value_pence),
                                    round(q * rb.value_pence) if rebased else None, "", status,
                                    "No evidence" if status == "rejected" else None, "user", now, 1, now))
                for ward, group in {(rng.choice(WARDS), rng.choice(GROUPS)) for _ in range(2)}:
                    count_id += 1
                    count_rows.append((count_id, partner, report_id, ward, group, rng.randint(0, 12)))
    tables = ("sv_contracts", "sv_commitments", "sv_delivery_reports", "sv_delivery_beneficiary_counts")
    with psycopg.connect(psycopg_url(owner_url)) as conn, conn.cursor() as cursor:
        # COPY FROM is refused under row-level security; the owner lifts FORCE for the load only.
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        _copy(cursor, "sv_contracts", ["id", "organisation_id", "reference", "title", "supplier_name_as_given", "value_pence",
                                       "start_date", "end_date", "route", "rlw_in_scope", "supplier_pays_rlw",
                                       "supplier_link_version", "created_at"], contract_rows)
        _copy(cursor, "sv_commitments", ["id", "organisation_id", "contract_id", "measure_id", "quantity", "committed_on",
                                         "proxy_value_id", "proxy_edition", "proxy_value_pence", "committed_value_pence",
                                         "rebased_edition", "rebased_proxy_value_pence", "rebased_value_pence", "rebased_at",
                                         "created_at"], commitment_rows)
        _copy(cursor, "sv_delivery_reports", ["id", "organisation_id", "commitment_id", "period_start", "period_end", "quantity",
                                              "value_pence", "rebased_value_pence", "narrative", "status", "rejection_reason",
                                              "reported_via", "reported_at", "revision", "verified_at"], report_rows)
        _copy(cursor, "sv_delivery_beneficiary_counts", ["id", "organisation_id", "delivery_report_id", "ward",
                                                         "protected_group", "count"], count_rows)
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            cursor.execute(f"ANALYZE {table}")
    print(f"loaded {len(contract_rows):,} contracts, {len(commitment_rows):,} commitments, {len(report_rows):,} delivery reports, "
          f"{len(count_rows):,} beneficiary counts")
    return network_id


def recompute(app, network_id: int) -> None:
    from portal.extensions import db
    from portal.social_value import totals
    from tenants.models import Network

    with app.app_context():
        totals.recompute_all(db.session, db.session.get(Network, network_id))
        db.session.commit()


def ours(app, network_id: int, waiting: bool = False):
    """The network report: from the snapshots, or (``waiting``) added up on demand behind a waiting mark."""
    from portal.extensions import db
    from portal.social_value import report, totals
    from tenants.models import Network

    current = totals.snapshot_is_current
    with app.app_context():
        if waiting:
            totals.snapshot_is_current = lambda *args: False  # as when a change waits for the worker
        try:
            r = report.network_report(db.session, db.session.get(Network, network_id), YEAR)
        finally:
            totals.snapshot_is_current = current
        db.session.rollback()
        return r


def baseline(app_url: str, partner_ids: list[int]):
    import psycopg

    params = {"start": date(YEAR, 4, 1), "end": date(YEAR + 1, 4, 1)}
    with psycopg.connect(psycopg_url(app_url)) as conn:
        open_scope(conn, partner_ids)
        return {name: conn.execute(sql, params).fetchall() for name, sql in BASELINE.items()}


def interleaved(runs: int, *works) -> list[tuple[list[float], object]]:
    """Each work ``runs`` times, taking turns (so a busy spell on a shared machine hits both): times and last result."""
    found = [([], None) for _ in works]
    for _ in range(runs):
        for index, work in enumerate(works):
            start = time.perf_counter()
            result = work()
            found[index] = (found[index][0] + [time.perf_counter() - start], result)
    return found


def check(r, base) -> None:
    """Stop unless ours and the hand-written SQL give the same headline and by-theme figures."""
    made = next(row for row in base["committed"] if all(row[:4]))
    done = next(row for row in base["delivered"] if all(row[:4]))
    assert (r.headline("committed").original_pence, r.headline("committed").pence) == (int(made[9]), int(made[10])), "committed"
    assert (r.headline("delivered").original_pence, r.headline("delivered").pence) == (int(done[9]), int(done[10])), "delivered"
    themes = {row[4]: int(row[10]) for row in base["committed"] if row[0] == 0}
    assert {row.key: row.committed_pence for row in r.by_theme} == themes, "by theme"
    assert [c.contract_id for c in r.top_delivered] == [row[0] for row in base["top_delivered"]], "top delivered"
    assert len(r.living_wage) == len(base["living_wage"]), "living wage"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commitments", type=int, default=50_000)
    parser.add_argument("--reports-each", type=int, default=4)
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each, taking turns, after a warm-up")
    parser.add_argument("--reuse", action="store_true", help="measure again on the database a previous run loaded")
    args = parser.parse_args()
    instance = tempfile.mkdtemp(prefix="bench-sv-")
    app, owner_url, app_url = fresh_app("bench_social_value", __import__("pathlib").Path(instance), fresh=not args.reuse)
    from portal.extensions import db
    from tenants.models import Network, Organisation

    with app.app_context():
        network_id = db.session.scalar(db.select(Network.id).order_by(Network.id)) if args.reuse else None
    if network_id is None:
        network_id = load(app, owner_url, args.commitments, args.reports_each)
    with app.app_context():
        partner_ids = db.session.scalars(db.select(Organisation.id).where(Organisation.network_id == network_id)).all()
    recompute(app, network_id)  # warm-up: caches, the first connection, the templates of SQL compilation
    ours(app, network_id)
    ours(app, network_id, waiting=True)
    baseline(app_url, partner_ids)
    (re_times, _), (ours_times, r), (demand_times, r_demand), (base_times, base) = interleaved(
        args.runs, lambda: recompute(app, network_id), lambda: ours(app, network_id),
        lambda: ours(app, network_id, waiting=True), lambda: baseline(app_url, partner_ids))
    assert r.from_snapshot and not r_demand.from_snapshot
    check(r, base)
    check(r_demand, base)
    print(machine())
    for name, times in (("recompute: every snapshot row, committed", re_times),
                        ("ours: network_report from the snapshots", ours_times),
                        ("on demand: network_report added up now", demand_times),
                        ("baseline: hand-written SQL", base_times)):
        print(f"{name:42s} best {min(times) * 1000:6.0f} ms, median {statistics.median(times) * 1000:6.0f} ms"
              f"  ratio best {min(times) / min(base_times):.2f}x, median {statistics.median(times) / statistics.median(base_times):.2f}x")
    print("goal: the recompute within 1.5x of the baseline")


if __name__ == "__main__":
    main()
