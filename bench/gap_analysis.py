"""The lead's local market gap analysis at scale: 20,000 registered businesses, a network's category totals.

The analysis reads the network's yearly totals by category (however many lines are
behind them: a few hundred to a few thousand rows) and counts local businesses by CPV
division in SQL. Loaded with COPY as the owner: 20,000 businesses with accounts and
profiles, about three CPV codes each, and ``--categories`` spend categories (each with a
suggested code). Ours: ``portal.gaps.analysis.gap_analysis`` for all divisions, and for
one division's groups, as the page builds them (with the list of years), through the app role and row-level
security. Baseline: the same two figures (spend by division, local businesses by division)
in two hand-written statements through psycopg as the owner (the network's businesses opened
for its row-level security policy, as ours are). Figures checked equal.
"""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import psycopg
from benchdb import demo_network, fresh_app, machine, open_scope, psycopg_url

YEAR = date(2024, 4, 1)
LOCAL = ["S60", "S61", "S62", "S63", "S64", "S65", "S66", "S25", "S26", "S35"]
ELSEWHERE = ["S1", "S2", "DN1", "LS1", "M1"]

BASELINE_SPEND = """
SELECT substr(c.cpv_code, 1, 2), sum(t.total_pence), sum(t.local_pence), sum(t.unplaced_pence)
FROM network_spend_totals t JOIN category_cpv c ON c.network_id = t.network_id AND c.category = t.key
WHERE t.network_id = %(n)s AND t.period_type = 'year' AND t.period_start = %(y)s AND t.breakdown = 'category'
GROUP BY 1
"""
BASELINE_SUPPLY = """
SELECT substr(c.cpv_code, 1, 2), count(DISTINCT c.business_id),
       count(DISTINCT c.business_id) FILTER (WHERE p.cooperative), count(DISTINCT c.business_id) FILTER (WHERE p.employee_owned),
       count(DISTINCT c.business_id) FILTER (WHERE p.social_enterprise)
FROM sme_categories c JOIN sme_profiles p ON p.business_id = c.business_id
WHERE p.network_id = %(n)s AND p.postcode_district = ANY(%(area)s)
  AND (p.size_band <> 'large' OR p.charity OR p.social_enterprise OR p.organisation_type IN ('charity', 'cio', 'community_interest_company'))
  AND EXISTS (SELECT 1 FROM users u WHERE u.business_id = p.business_id AND u.email_verified_at IS NOT NULL)
GROUP BY 1
"""


def load(owner_url: str, network_id: int, businesses: int, categories: int) -> None:
    from portal.cpv import catalogue

    rng = random.Random(2026)
    codes = sorted(catalogue())
    with psycopg.connect(psycopg_url(owner_url)) as conn:
        with conn.cursor() as cur:
            # COPY FROM is refused under row-level security: the owner lifts FORCE for the load only.
            copied = ("businesses", "users", "network_spend_totals", "category_cpv")
            for table in copied:
                cur.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
            with cur.copy("COPY businesses (id, network_id, name, created_at) FROM STDIN") as copy:
                for i in range(1, businesses + 1):
                    copy.write_row((i, network_id, f"Business {i}", "2026-01-01"))
            with cur.copy("COPY users (email, name, active, session_version, created_at, business_id, email_verified_at) FROM STDIN") as copy:
                for i in range(1, businesses + 1):
                    copy.write_row((f"b{i}@bench.example", f"Owner {i}", True, 1, "2026-01-01", i, "2026-01-02" if i % 10 else None))
            # The business tables keep theirs: INSERT with the network's businesses opened, as the workers do.
            open_scope(conn, business_networks=(network_id,))
            profiles, categories_rows = [], []
            for i in range(1, businesses + 1):
                district = rng.choice(LOCAL) if rng.random() < 0.8 else rng.choice(ELSEWHERE)
                profiles.append((i, network_id, "company", f"{district} 1AA", district, district in LOCAL,
                                 rng.choice(["micro", "small", "medium", "large"]), rng.random() < 0.05, rng.random() < 0.05,
                                 rng.random() < 0.1, False, False, "[]", "", "[]", "", "", "", "", "", False, "2026-01-01"))
                categories_rows += [(i, network_id, code) for code in set(rng.sample(codes, rng.randint(1, 5)))]
            cur.executemany(
                "INSERT INTO sme_profiles (business_id, network_id, organisation_type, postcode, postcode_district, is_local, size_band, "
                "employee_owned, cooperative, social_enterprise, charity, living_wage_accredited, accreditations, what_we_do, "
                "social_value_offers, social_value_detail, contact_name, contact_email, phone, website, wants_weekly_digest, "
                "updated_at) VALUES (" + ", ".join(["%s"] * 22) + ")", profiles)
            cur.executemany("INSERT INTO sme_categories (business_id, network_id, cpv_code) VALUES (%s, %s, %s)", categories_rows)
            with cur.copy("COPY network_spend_totals (network_id, period_type, period_start, breakdown, key, total_pence, local_pence, "
                          "unplaced_pence, sme_pence, vcse_pence, employee_owned_pence, living_wage_pence, line_count, local_line_count, "
                          "partner_count, computed_at) FROM STDIN") as copy:
                for k in range(categories):
                    total = rng.randint(1_000_00, 5_000_000_00)
                    local = rng.randint(0, total)
                    copy.write_row((network_id, "year", YEAR, "category", f"Category {k}", total, local, rng.randint(0, total - local),
                                    0, 0, 0, 0, 1, 0, 4, "2026-01-01"))
                copy.write_row((network_id, "year", YEAR, "all", "", 1, 0, 0, 0, 0, 0, 0, 1, 0, 4, "2026-01-01"))
            with cur.copy("COPY category_cpv (network_id, category, cpv_code, source, note) FROM STDIN") as copy:
                for k in range(categories):
                    if k % 20:  # one in twenty has no code yet
                        copy.write_row((network_id, f"Category {k}", rng.choice(codes), "suggested", ""))
            cur.execute("SELECT setval('businesses_id_seq', %s)", (businesses,))
            for table in copied:
                cur.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        conn.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--businesses", type=int, default=20_000)
    parser.add_argument("--categories", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    instance = tempfile.mkdtemp(prefix="bench-gaps-")
    app, owner_url, _ = fresh_app("bench_gaps", Path(instance))
    from portal.extensions import db
    from portal.gaps import analysis

    with app.app_context():
        network, _ = demo_network(db.session)
        network_id, area = network.id, list(network.local_area)
        load(owner_url, network_id, args.businesses, args.categories)

        def ours(division=None):
            db.session.expire_all()
            gaps = analysis.gap_analysis(db.session, db.session.get(type(network), network_id), YEAR, division=division)
            db.session.rollback()
            return gaps

        def baseline():
            with psycopg.connect(psycopg_url(owner_url)) as conn:
                open_scope(conn, business_networks=(network_id,))
                spend = conn.execute(BASELINE_SPEND, {"n": network_id, "y": YEAR}).fetchall()
                supply = conn.execute(BASELINE_SUPPLY, {"n": network_id, "area": area}).fetchall()
            return spend, supply

        gaps = ours()
        spend, supply = baseline()
        want = {k: (t, lo, u) for k, t, lo, u in spend}
        got = {r.key: (r.total_pence, r.local_pence, r.unplaced_pence) for r in gaps.rows if r.total_pence or r.key in want}
        assert got == want, "spend by division differs from the baseline"
        assert {r.key: (r.supply.businesses, r.supply.cooperatives, r.supply.employee_owned, r.supply.social_enterprises)
                for r in gaps.rows if r.supply.businesses} == {k: tuple(v) for k, *v in supply}, "local supply differs"
        times = {"ours: all divisions": [], "ours: the groups of division 45": [], "baseline: two statements, owner": []}
        for _ in range(args.runs):
            for name, work in zip(times, (ours, lambda: ours("45"), baseline)):
                start = time.perf_counter()
                work()
                times[name].append(time.perf_counter() - start)
    print(machine())
    print(f"{args.businesses:,} businesses, {args.categories:,} spend categories; figures equal")
    for name, values in times.items():
        print(f"{name:38s} best {min(values) * 1000:6.1f} ms, median {statistics.median(values) * 1000:6.1f} ms")
    ratio = min(times["ours: all divisions"]) / min(times["baseline: two statements, owner"])
    print(f"all divisions against the baseline: {ratio:.2f}x (best of {args.runs}, taking turns)")


if __name__ == "__main__":
    main()
