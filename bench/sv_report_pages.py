"""Every social value report page under 300 ms at the issue's size, read from the workers' snapshots.

    .venv/bin/python bench/sv_report_pages.py [--contracts 50000] [--commitments-each 4] [--reports-each 5]
                                              [--requests 30] [--reuse]

The demo network's four partners share ``--contracts`` contracts (2021 to 2028, so they
are live and completed, spread over years and halves), each with ``--commitments-each``
commitments to demo measures and ``--reports-each`` quarterly delivery reports per commitment
(60% verified), one report in ten with a beneficiary count; COPY as the table owner (loading is
not what is measured). The default is the issue's size: 50,000 contracts, 200,000 commitments
and 1,000,000 delivery reports. Then:
  1. the workers' snapshots: ``totals.recompute_all`` (yearly totals, beneficiaries, spread
     periods and to-date rows), timed once, committed;
  2. ours: the partner's report page (``/social-value/report``, the council's officer) and the
     network's (``/network/<id>/social-value-report``, the lead) through the Flask test client,
     the whole request: sign-in session, tenant scope, report, template;
  3. the baseline: a bare SELECT of the snapshot rows the page reads (the partner's or the
     network's yearly totals and beneficiaries, and the partners' period and to-date rows),
     through psycopg in the same signed scope, the least any page built on the snapshots can do;
taking turns, after a warm-up; p50 and p95 of each and the ratio of ours to the baseline.
Goal: every report page under 300 ms.
"""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from benchdb import demo_network, fresh_app, machine, open_scope, psycopg_url

YEAR = 2024
GOAL_MS = 300
QUARTERS = [(date(y, m, 1), date(y + (m == 10), (m + 3) % 12 or 12, 1)) for y in range(2021, 2026) for m in (1, 4, 7, 10)]
ROUTES = ["procurement", "commissioning", "grants", "planning_and_development", "asset_transfers"]
WARDS = [f"Ward {n}" for n in range(1, 22)]
GROUPS = ["Age", "Disability", "Race", "Sex", ""]


def _copy(cursor, table: str, columns: list[str], rows) -> int:
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def load(app, owner_url: str, contracts: int, commitments_each: int, reports_each: int, network_id: int | None = None) -> int:
    """The network (a new demo one, or ``network_id``'s), its measures and the generated history (COPY as the owner);
    returns the network's id."""
    import psycopg
    from sqlalchemy import select

    from portal.extensions import db
    from portal.social_value import measures
    from portal.social_value.models import ProxyValue
    from tenants.models import Network

    with app.app_context():
        if network_id is None:
            network, partners = demo_network(db.session)
        else:
            network = db.session.get(Network, network_id)
            partners = {o.id: o for o in network.organisations}
        for partner in partners.values():
            partner.shares_lines_with_lead = True  # the lead's report lists every partner's contracts
        measures.load_demo_measures(db.session, network)
        db.session.commit()
        proxies: dict[int, list] = {}
        for pv in db.session.scalars(select(ProxyValue).where(ProxyValue.network_id == network.id).order_by(ProxyValue.valid_from)):
            proxies.setdefault(pv.measure_id, []).append(pv)
        network_id, partner_ids = network.id, [p.id for p in partners.values()]
    rng = random.Random(2025)
    measure_ids = sorted(proxies)
    now = datetime.now(UTC)
    contract_rows, commitment_rows = [], []
    for contract_id in range(1, contracts + 1):
        partner = rng.choice(partner_ids)
        start = date(rng.randint(2021, 2024), rng.choice((1, 4, 7, 10)), 1)
        end = date(start.year + rng.randint(1, 4), start.month, 1).replace(day=1)
        end = date.fromordinal(end.toordinal() - 1)
        contract_rows.append((contract_id, partner, f"C-{contract_id:06d}", f"Contract {contract_id}",
                              f"Supplier {contract_id % 900}", rng.randrange(10**6, 10**10), start, end, rng.choice(ROUTES),
                              rng.random() < 0.3, rng.choice(["yes", "no", "unknown"]), 1, now))
        for measure_id in rng.sample(measure_ids, commitments_each):
            committed_on = date.fromordinal(start.toordinal() + rng.randint(0, 60))
            pv = ([p for p in proxies[measure_id] if p.valid_from <= committed_on][-1:] or proxies[measure_id][:1])[0]
            quantity = rng.randint(1, 400)
            commitment_rows.append((len(commitment_rows) + 1, partner, contract_id, measure_id, quantity, committed_on,
                                    pv.id, pv.edition, pv.value_pence, round(quantity * pv.value_pence), now))
    counts: list[tuple] = []

    def reports():
        report_id = 0
        for commitment_id, partner, _contract, _measure, _q, _on, _pv, _ed, pence, _v, _now in commitment_rows:
            for period_start, after in rng.sample(QUARTERS, reports_each):
                report_id += 1
                q = rng.randint(0, 40)
                fate = rng.random()
                status = "verified" if fate < 0.6 else ("reported" if fate < 0.85 else "rejected")
                if rng.random() < 0.1:
                    counts.append((len(counts) + 1, partner, report_id, rng.choice(WARDS), rng.choice(GROUPS), rng.randint(0, 12)))
                yield (report_id, partner, commitment_id, period_start, date.fromordinal(after.toordinal() - 1), q,
                       round(q * pence), "", status, "No evidence" if status == "rejected" else None, "user", now, 1,
                       now if status == "verified" else None)

    tables = ("sv_contracts", "sv_commitments", "sv_delivery_reports", "sv_delivery_beneficiary_counts")
    with psycopg.connect(psycopg_url(owner_url)) as conn, conn.cursor() as cursor:
        for table in tables:  # COPY FROM is refused under row-level security: lifted for the load only
            cursor.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        _copy(cursor, "sv_contracts", ["id", "organisation_id", "reference", "title", "supplier_name_as_given", "value_pence",
                                       "start_date", "end_date", "route", "rlw_in_scope", "supplier_pays_rlw",
                                       "supplier_link_version", "created_at"], contract_rows)
        _copy(cursor, "sv_commitments", ["id", "organisation_id", "contract_id", "measure_id", "quantity", "committed_on",
                                         "proxy_value_id", "proxy_edition", "proxy_value_pence", "committed_value_pence",
                                         "created_at"], commitment_rows)
        report_count = _copy(cursor, "sv_delivery_reports", [
            "id", "organisation_id", "commitment_id", "period_start", "period_end", "quantity", "value_pence", "narrative",
            "status", "rejection_reason", "reported_via", "reported_at", "revision", "verified_at"], reports())
        _copy(cursor, "sv_delivery_beneficiary_counts", ["id", "organisation_id", "delivery_report_id", "ward",
                                                         "protected_group", "count"], counts)
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            cursor.execute(f"ANALYZE {table}")
    print(f"loaded {len(contract_rows):,} contracts, {len(commitment_rows):,} commitments, {report_count:,} delivery reports, "
          f"{len(counts):,} beneficiary counts")
    return network_id


def recompute(app, network_id: int) -> float:
    from portal.extensions import db
    from portal.social_value import totals
    from tenants.models import Network

    with app.app_context():
        start = time.perf_counter()
        totals.recompute_all(db.session, db.session.get(Network, network_id))
        db.session.commit()
        return time.perf_counter() - start


def signed_in_clients(app, network_id: int) -> tuple[object, object, int]:
    """A test client signed in as the council's officer, one as the network's lead; and the council's id."""
    from flask import session
    from sqlalchemy import select

    from portal.accounts.views import start_session
    from portal.extensions import db
    from tenants.models import Membership, NetworkLead, Organisation, User

    with app.app_context():
        council = db.session.scalars(select(Organisation).where(Organisation.network_id == network_id)
                                     .order_by(Organisation.id)).first()
        officer = db.session.scalar(select(User).where(User.email == "bench-officer@example.org"))
        if officer is None:
            officer = User(email="bench-officer@example.org", name="Officer", password_hash="x")
            lead = User(email="bench-lead@example.org", name="Lead", password_hash="x")
            db.session.add_all([officer, lead])
            db.session.flush()
            db.session.add_all([Membership(user_id=officer.id, organisation_id=council.id, role="officer"),
                                NetworkLead(user_id=lead.id, network_id=network_id)])
            db.session.commit()
        users = [officer.id, db.session.scalar(select(User.id).where(User.email == "bench-lead@example.org"))]
        council_id = council.id
    clients = []
    for user_id in users:
        client = app.test_client()
        with app.app_context(), app.test_request_context():
            start_session(db.session.get(User, user_id))  # as the sign-in page starts it, without the password check
            started = dict(session)
            db.session.remove()
        with client.session_transaction() as cookie:
            cookie.update(started)
        clients.append(client)
    return clients[0], clients[1], council_id


def snapshot_reader(app_url: str, partner_ids: list[int], network_id: int, council_id: int):
    """The baseline: bare SELECTs of the snapshot rows each page reads, in the same signed scope."""
    import psycopg

    conn = psycopg.connect(psycopg_url(app_url))

    def read(scope: list[int], network: bool):
        with conn.transaction():
            open_scope(conn, scope)
            if network:
                rows = conn.execute("SELECT * FROM sv_network_totals WHERE network_id = %s", (network_id,)).fetchall()
                rows += conn.execute("SELECT * FROM sv_network_beneficiary_totals WHERE network_id = %s AND year = %s",
                                     (network_id, YEAR)).fetchall()
            else:
                rows = conn.execute("SELECT * FROM sv_totals WHERE organisation_id = %s", (council_id,)).fetchall()
                rows += conn.execute("SELECT * FROM sv_beneficiary_totals WHERE organisation_id = %s AND year = %s",
                                     (council_id, YEAR)).fetchall()
            rows += conn.execute("SELECT * FROM sv_period_totals WHERE organisation_id = ANY(%s)", (scope,)).fetchall()
            rows += conn.execute("SELECT * FROM sv_progress_totals WHERE organisation_id = ANY(%s)", (scope,)).fetchall()
            return len(rows)

    return conn, read


def percentile(times: list[float], p: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=50_000)
    parser.add_argument("--commitments-each", type=int, default=4)
    parser.add_argument("--reports-each", type=int, default=5)
    parser.add_argument("--requests", type=int, default=30, help="timed requests of each page, taking turns, after a warm-up")
    parser.add_argument("--reuse", action="store_true", help="time the pages again on the database a previous run loaded")
    args = parser.parse_args()
    app, owner_url, app_url = fresh_app("bench_sv_report_pages", Path(tempfile.mkdtemp(prefix="bench-sv-pages-")),
                                        fresh=not args.reuse)
    from sqlalchemy import select

    from portal.extensions import db
    from portal.social_value import totals
    from tenants import network_wide
    from tenants.models import Network, Organisation

    with app.app_context():
        network_id = db.session.scalar(select(Network.id).order_by(Network.id)) if args.reuse else None
    if network_id is None:
        network_id = load(app, owner_url, args.contracts, args.commitments_each, args.reports_each)
        print(f"the workers' snapshots (totals.recompute_all): {recompute(app, network_id):.1f} s")
    with app.app_context():
        partner_ids = list(db.session.scalars(select(Organisation.id).where(Organisation.network_id == network_id)))
        with network_wide(partner_ids, reason="benchmark: is anything waiting for the workers"):
            current = totals.snapshot_is_current(db.session, partner_ids)
        assert current, "nothing may wait for the workers: the pages must read the snapshots"
    officer, lead, council_id = signed_in_clients(app, network_id)
    pages = {
        "partner's report": (officer, f"/social-value/report?year={YEAR}"),
        "network's report": (lead, f"/network/{network_id}/social-value-report?year={YEAR}"),
    }
    conn, read = snapshot_reader(app_url, partner_ids, network_id, council_id)
    baselines = {"partner's report": lambda: read([council_id], False), "network's report": lambda: read(partner_ids, True)}
    times: dict[str, list[float]] = {name: [] for name in pages}
    base: dict[str, list[float]] = {name: [] for name in pages}
    for name, (client, url) in pages.items():  # warm-up: templates, first connections, caches
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        baselines[name]()
    for _ in range(args.requests):
        for name, (client, url) in pages.items():
            start = time.perf_counter()
            response = client.get(url)
            times[name].append(time.perf_counter() - start)
            assert response.status_code == 200
            start = time.perf_counter()
            baselines[name]()
            base[name].append(time.perf_counter() - start)
    conn.close()
    print(machine())
    print(f"{args.requests} requests of each page, taking turns with the baseline, after a warm-up")
    worst = 0.0
    for name in pages:
        p50, p95 = statistics.median(times[name]) * 1000, percentile(times[name], 95) * 1000
        b50, b95 = statistics.median(base[name]) * 1000, percentile(base[name], 95) * 1000
        worst = max(worst, p95)
        print(f"{name}: p50 {p50:.0f} ms, p95 {p95:.0f} ms; bare SELECT of its snapshot rows p50 {b50:.1f} ms, "
              f"p95 {b95:.1f} ms; ratio (p50) {p50 / b50:.1f}x")
    print(f"every report page under {GOAL_MS} ms (p95): {'yes' if worst < GOAL_MS else 'NO'} (slowest p95 {worst:.0f} ms)")


if __name__ == "__main__":
    main()
