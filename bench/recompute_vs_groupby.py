"""A full totals recompute over N lines against one hand-written GROUP BY and a pandas groupby.

    .venv/bin/python bench/recompute_vs_groupby.py [--lines 5000000] [--reuse]

N lines for the four demo partners over three financial years, with the demo supplier pool,
are bulk-loaded with COPY as the table owner (not through the import: that is
import_vs_copy.py's business). Then, as the app role under row-level security:
  1. portal.spend.totals.recompute_all: what the nightly job runs;
  2. one hand-written SELECT ... GROUP BY GROUPING SETS giving the same figures (every
     partner, month / quarter / year, by all / district / category), into a temp table;
     and, as a second baseline, the same statement over the lines first added up per
     partner, month, supplier and category (what the recompute itself does); both are
     checked to give exactly the recompute's rows;
  3. pandas: read the lines, suppliers and calendar from the database, merge and group,
     end to end, as an analyst would.
Goals: the recompute within 1.5x of the GROUP BY, and faster than pandas end to end.
``--reuse`` measures again on the database a previous run loaded (the load takes minutes).
"""
from __future__ import annotations

import argparse
import io
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from benchdb import demo_network, fresh_app, machine, psycopg_url

SHARES = {"council": 0.68, "police": 0.10, "hospital": 0.20, "chamber": 0.02}
YEARS = 3

# The figures both hand-written statements give, by period and key, from rows carrying
# organisation_id, month, quarter_start, year_start, district, category and the measures' inputs.
# The keys are grouped as the recompute groups them: no district or category is the key ''.
_MEASURES = """
       sum({amount}) AS total_pence,
       sum(CASE WHEN is_local THEN {amount} ELSE 0 END) AS local_pence,
       sum(CASE WHEN is_local IS NULL THEN {amount} ELSE 0 END) AS unplaced_pence,
       sum(CASE WHEN is_sme THEN {amount} ELSE 0 END) AS sme_pence,
       sum(CASE WHEN kind = 'vcse' THEN {amount} ELSE 0 END) AS vcse_pence,
       sum(CASE WHEN employee_owned THEN {amount} ELSE 0 END) AS employee_owned_pence,
       sum(CASE WHEN living_wage_accredited THEN {amount} ELSE 0 END) AS living_wage_pence,
       {count} AS line_count,
       sum(CASE WHEN is_local THEN {lines} ELSE 0 END) AS local_line_count"""
_GROUPING_SETS = """
SELECT organisation_id,
       CASE WHEN GROUPING(month) = 0 THEN 'month' WHEN GROUPING(quarter_start) = 0 THEN 'quarter' ELSE 'year' END AS period_type,
       COALESCE(month, quarter_start, year_start) AS period_start,
       CASE WHEN GROUPING(district) = 0 THEN 'district' WHEN GROUPING(category) = 0 THEN 'category' ELSE 'all' END AS breakdown,
       CASE WHEN GROUPING(district) = 0 THEN district WHEN GROUPING(category) = 0 THEN category ELSE '' END AS key,
       {measures}
FROM {source} x
GROUP BY organisation_id, GROUPING SETS (
    (month), (quarter_start), (year_start),
    (month, district), (quarter_start, district), (year_start, district),
    (month, category), (quarter_start, category), (year_start, category))
"""

# 1. The plain statement: every line joined to its calendar row and supplier, grouped nine ways at once.
GROUP_BY = "CREATE TEMP TABLE groupby_totals AS" + _GROUPING_SETS.format(
    measures=_MEASURES.format(amount="amount_pence", count="count(*)", lines="1"),
    source="""(
    SELECT l.organisation_id, l.month, p.quarter_start, p.year_start, l.amount_pence,
           COALESCE(s.postcode_district, '') AS district, COALESCE(l.category, '') AS category,
           s.is_local, s.is_sme, s.kind, s.employee_owned, s.living_wage_accredited
    FROM spend_lines l
    JOIN spend_periods p ON p.network_id = :network_id AND p.month = l.month
    LEFT JOIN suppliers s ON s.id = l.supplier_id)""",
)

# 2. The same figures written the way the recompute now works: the lines added up once per
#    partner, month, supplier and category (a few tens of thousands of rows), then joined and
#    grouped nine ways. The fairest baseline for a recompute that does this.
PREAGGREGATED = "CREATE TEMP TABLE groupby_totals AS" + _GROUPING_SETS.format(
    measures=_MEASURES.format(amount="amount", count="sum(lines)", lines="lines"),
    source="""(
    SELECT f.organisation_id, f.month, p.quarter_start, p.year_start, f.amount, f.lines,
           COALESCE(s.postcode_district, '') AS district, COALESCE(f.category, '') AS category,
           s.is_local, s.is_sme, s.kind, s.employee_owned, s.living_wage_accredited
    FROM (SELECT organisation_id, month, supplier_id, category, sum(amount_pence) AS amount, count(*) AS lines
          FROM spend_lines GROUP BY organisation_id, month, supplier_id, category) f
    JOIN spend_periods p ON p.network_id = :network_id AND p.month = f.month
    LEFT JOIN suppliers s ON s.id = f.supplier_id)""",
)

# Rows where the GROUP BY and the recompute disagree (either missing, or any figure different).
CHECK = """
SELECT count(*) FROM groupby_totals g
FULL JOIN spend_totals t USING (organisation_id, period_type, period_start, breakdown, key)
WHERE (g.total_pence, g.local_pence, g.unplaced_pence, g.sme_pence, g.vcse_pence, g.employee_owned_pence,
       g.living_wage_pence, g.line_count, g.local_line_count)
  IS DISTINCT FROM (t.total_pence, t.local_pence, t.unplaced_pence, t.sme_pence, t.vcse_pence, t.employee_owned_pence,
       t.living_wage_pence, t.line_count, t.local_line_count)
"""


def load(app, owner_url: str, lines: int) -> tuple[int, dict]:
    """Suppliers through the ORM, lines by COPY as the owner; returns (network id, {short: id})."""
    import psycopg

    from portal.demo.spend import (
        CATEGORIES,
        PROFILES,
        latest_complete_financial_year,
        partner_suppliers,
        spelling,
        supplier_pool,
        year_months,
    )
    from portal.extensions import db
    from portal.suppliers.models import Supplier
    from portal.suppliers.services import is_local

    pool = supplier_pool()
    with app.app_context():
        network, partners = demo_network(db.session)
        area = set(network.local_area)
        ids = {}
        for s in pool:
            district = s.postcode.split(" ")[0] if s.postcode else None
            row = Supplier(network_id=network.id, name=s.name, normalised_name=s.normalised_name, company_number=s.company_number,
                           charity_number=s.charity_number, postcode=s.postcode, postcode_district=district, is_sme=s.is_sme,
                           kind=s.kind, employee_owned=s.employee_owned, living_wage_accredited=s.living_wage,
                           is_local=is_local(district, area, None))
            db.session.add(row)
            ids[s.normalised_name] = row
        db.session.flush()
        ids = {k: v.id for k, v in ids.items()}
        network_id, partner_ids = network.id, {k: v.id for k, v in partners.items()}
        db.session.commit()
        db.session.remove()

    last = latest_complete_financial_year()
    months = [m for y in range(YEARS - 1, -1, -1) for m in year_months(date(last.year - y, 4, 1))]
    expense_types = {c: types for c, types, _ in CATEGORIES}
    rng = random.Random(5)
    with psycopg.connect(psycopg_url(owner_url)) as conn:
        # COPY FROM is refused under row-level security; the owner lifts FORCE for the load only.
        conn.execute("ALTER TABLE spend_lines NO FORCE ROW LEVEL SECURITY")
        with conn.cursor() as cursor, cursor.copy(
            "COPY spend_lines (organisation_id, transaction_ref, payment_date, month, amount_pence, supplier_name, "
            "supplier_id, expense_type, service_area, category, created_at, content_key, occurrence) FROM STDIN"
        ) as copy:
            for short, share in SHARES.items():
                profile = PROFILES[short]
                suppliers, weights = partner_suppliers(profile, pool)
                names = [spelling(s, profile.style) for s in suppliers]
                count, number = int(lines * share), 0
                org = partner_ids[short]
                for index, month in enumerate(months):
                    days = ((month + timedelta(days=32)).replace(day=1) - month).days
                    n = count * (index + 1) // len(months) - count * index // len(months)
                    buffer = io.StringIO()
                    for i in rng.choices(range(len(suppliers)), weights, k=n):
                        s = suppliers[i]
                        number += 1
                        pence = max(50_000, int(s.scale_pence * rng.lognormvariate(0, 0.7)))
                        if rng.random() < 0.03:
                            pence = -pence
                        buffer.write(
                            f"{org}\t{short}-{number}\t{month + timedelta(days=rng.randrange(days))}\t{month}\t{pence}\t"
                            f"{names[i]}\t{ids[s.normalised_name]}\t{rng.choice(expense_types[s.category])}\t"
                            f"{rng.choice(profile.service_areas)}\t{s.category}\t2026-01-01 00:00:00+00\t{org}-{number:020d}\t1\n"
                        )
                    copy.write(buffer.getvalue())
        total = conn.execute("SELECT count(*) FROM spend_lines").fetchone()[0]
        conn.execute("ALTER TABLE spend_lines FORCE ROW LEVEL SECURITY")
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE spend_lines")
        conn.execute("VACUUM ANALYZE suppliers")
    print(f"loaded {total:,} lines for {len(partner_ids)} partners over {YEARS} years, {len(pool):,} suppliers")
    return network_id, partner_ids


def existing(app) -> tuple[int, list[int]]:
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.spend.models import SpendLine
    from tenants import network_wide
    from tenants.models import Network, Organisation

    with app.app_context():
        network = db.session.scalar(select(Network))
        ids = sorted(db.session.scalars(select(Organisation.id).where(Organisation.network_id == network.id)))
        with network_wide(ids, reason="benchmark: count the lines"):
            lines = db.session.scalar(select(func.count()).select_from(SpendLine))
        db.session.remove()
    print(f"reusing {lines:,} lines for {len(ids)} partners")
    return network.id, ids


def recompute(app, network_id: int) -> float:
    from portal.extensions import db
    from portal.spend.totals import recompute_all
    from tenants.models import Network

    with app.app_context():
        network = db.session.get(Network, network_id)
        start = time.perf_counter()
        recompute_all(db.session, network)
        db.session.commit()
        seconds = time.perf_counter() - start
        db.session.remove()
    return seconds


def _scoped(conn, partner_ids) -> None:
    """Open the partners' rows for this transaction, signed as the app's scope code signs (tenants/rls.py)."""
    from portal.config import derived_scope_key
    from tenants import TenantScope, rls

    scope = TenantScope(tuple(partner_ids), None, "benchmark")
    rls.sign_transaction(conn, scope, key=derived_scope_key("bench"))  # fresh_app's SECRET_KEY


def group_by(app_url: str, network_id: int, partner_ids, statement: str = GROUP_BY) -> float:
    from sqlalchemy import create_engine, text

    engine = create_engine(app_url)
    with engine.connect() as conn:
        _scoped(conn, partner_ids)
        start = time.perf_counter()
        conn.execute(text(statement), {"network_id": network_id})
        conn.commit()
        seconds = time.perf_counter() - start
        _scoped(conn, partner_ids)  # the scope ends with its transaction
        rows = conn.execute(text("SELECT count(*) FROM groupby_totals")).scalar()
        differ = conn.execute(text(CHECK)).scalar()
    engine.dispose()
    print(f"  (the GROUP BY gave {rows:,} rows; {differ} differ from the recompute's spend_totals)")
    if differ:
        raise SystemExit("the GROUP BY and the recompute disagree: the comparison means nothing")
    return seconds


def with_pandas(app_url: str, network_id: int, partner_ids) -> tuple[float, float]:
    """(seconds to read, seconds end to end) for the same figures in pandas."""
    import pandas as pd
    from sqlalchemy import create_engine, text

    engine = create_engine(app_url)
    start = time.perf_counter()
    with engine.connect() as conn:
        _scoped(conn, partner_ids)
        lines = pd.read_sql_query(
            text("SELECT organisation_id, month, amount_pence, category, supplier_id FROM spend_lines"), conn)
        suppliers = pd.read_sql_query(
            text("SELECT id AS supplier_id, postcode_district, is_local, is_sme, kind, employee_owned, living_wage_accredited "
                 "FROM suppliers WHERE network_id = :n"), conn, params={"n": network_id})
        periods = pd.read_sql_query(
            text("SELECT month, quarter_start, year_start FROM spend_periods WHERE network_id = :n"), conn, params={"n": network_id})
    read = time.perf_counter() - start
    frame = lines.merge(suppliers, on="supplier_id", how="left").merge(periods, on="month", how="inner")
    amount = frame["amount_pence"]
    local = frame["is_local"].eq(True)
    frame = frame.assign(
        local_pence=amount.where(local, 0), unplaced_pence=amount.where(frame["is_local"].isna(), 0),
        sme_pence=amount.where(frame["is_sme"].eq(True), 0), vcse_pence=amount.where(frame["kind"].eq("vcse"), 0),
        employee_owned_pence=amount.where(frame["employee_owned"].eq(True), 0),
        living_wage_pence=amount.where(frame["living_wage_accredited"].eq(True), 0), local_line_count=local.astype(int),
        district=frame["postcode_district"].fillna(""), category=frame["category"].fillna(""),
    )
    measures = {"amount_pence": "sum", "local_pence": "sum", "unplaced_pence": "sum", "sme_pence": "sum", "vcse_pence": "sum",
                "employee_owned_pence": "sum", "living_wage_pence": "sum", "local_line_count": "sum", "organisation_id": "size"}
    results = []
    for period in ("month", "quarter_start", "year_start"):
        for key in (None, "district", "category"):
            keys = ["organisation_id", period] + ([key] if key else [])
            results.append(frame.groupby(keys, sort=False).agg(
                **{name if name != "organisation_id" else "line_count": (name, how) for name, how in measures.items()}))
    engine.dispose()
    print(f"  (pandas gave {sum(len(r) for r in results):,} rows)")
    return read, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5_000_000)
    parser.add_argument("--database", default="bench_recompute")
    parser.add_argument("--reuse", action="store_true", help="skip the load: use the lines a previous run left")
    args = parser.parse_args()
    print(f"{date.today()} on {machine()}")
    with tempfile.TemporaryDirectory(prefix="bench-recompute-") as tmp:
        app, owner_url, app_url = fresh_app(args.database, Path(tmp), fresh=not args.reuse)
        if args.reuse:
            network_id, ids = existing(app)
        else:
            start = time.perf_counter()
            network_id, partner_ids = load(app, owner_url, args.lines)
            print(f"bulk load: {time.perf_counter() - start:.0f}s")
            ids = sorted(partner_ids.values())
        recompute(app, network_id)  # warm-up: fills the calendar and the cache, as on any night but the first
        ours = min(recompute(app, network_id) for _ in range(2))
        print(f"recompute_all: {ours:.1f}s (best of 2, after a warm-up run)")
        baseline = min(group_by(app_url, network_id, ids) for _ in range(2))
        print(f"baseline: one GROUP BY GROUPING SETS of the same figures: {baseline:.1f}s (best of 2)")
        preaggregated = min(group_by(app_url, network_id, ids, PREAGGREGATED) for _ in range(2))
        print(f"second baseline: the lines added up by month, supplier and category first, then GROUPING SETS: "
              f"{preaggregated:.1f}s (best of 2)")
        read, pandas_total = with_pandas(app_url, network_id, ids)
        print(f"pandas: read {read:.1f}s, end to end {pandas_total:.1f}s")
        print(f"ratio recompute / GROUP BY: {ours / baseline:.2f}x (goal: within 1.5x)")
        print(f"ratio recompute / pre-aggregated GROUP BY: {ours / preaggregated:.2f}x")
        print(f"ratio recompute / pandas end to end: {ours / pandas_total:.2f}x (goal: below 1x)")


if __name__ == "__main__":
    main()
