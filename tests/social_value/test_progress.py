"""Do the to-date figures and delivery against commitments agree with the same sums done by hand over generated histories?

Each example records a random history through the services (contracts, commitments,
delivery reports, some verified), then compares ``progress`` (added up in SQL), the
workers' snapshot (``progress_snapshot``) and a plain-Python computation over what
was recorded. The policy start date and the day asked for are random too.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.extensions import db
from portal.social_value import (
    commitments,
    contracts,
    delivery,
    progress,
    progress_snapshot,
    spreading,
    totals,
)
from tenants import network_wide, tenant_context

BASE = date(2023, 4, 1)  # the demo measures' first proxy values
MEASURES = ("DEMO-01", "DEMO-02")


@dataclass
class Recorded:
    partner: int
    contract_end: date | None
    measure: int
    committed_on: date
    value_pence: int
    quantity: Decimal
    reports: list  # (period_end, value_pence, quantity, verified)


report_st = st.tuples(st.integers(0, 11), st.integers(0, 40), st.booleans())  # quarter, quantity, verified
commitment_st = st.tuples(st.sampled_from(MEASURES), st.integers(0, 1100), st.integers(1, 200),
                          st.lists(report_st, max_size=4, unique_by=lambda r: r[0]))
contract_st = st.tuples(st.integers(0, 1), st.integers(0, 900), st.one_of(st.none(), st.integers(30, 1200)),
                        st.lists(commitment_st, min_size=1, max_size=2, unique_by=lambda c: c[0]))
history_st = st.lists(contract_st, min_size=1, max_size=5)


def _record(history, partners, users, measure) -> list[Recorded]:
    recorded = []
    for n, (who, start_offset, length, made) in enumerate(history):
        partner = partners[who]
        start = BASE + timedelta(days=start_offset)
        end = None if length is None else start + timedelta(days=length)
        with tenant_context(partner.id):
            contract = contracts.create_contract(db.session, reference=f"H-{n}", title="Generated", start_date=start,
                                                 end_date=end)
            for code, made_offset, quantity, reports in made:
                c = commitments.record_commitment(db.session, contract, measure(code),
                                                  committed_on=BASE + timedelta(days=made_offset), quantity=quantity)
                row = Recorded(partner.id, end, c.measure_id, c.committed_on, c.current_value_pence, c.quantity, [])
                for quarter, delivered, verified in reports:
                    period_start = spreading.add_months(BASE, 3 * quarter)
                    period_end = spreading.add_months(period_start, 3) - timedelta(days=1)
                    r = delivery.record_delivery(db.session, c, period_start=period_start, period_end=period_end,
                                                 quantity=delivered)
                    if verified:
                        delivery.verify_delivery(db.session, r, users[who])
                    row.reports.append((period_end, r.value_pence, r.quantity, verified))
                recorded.append(row)
            db.session.commit()
    return recorded


def _expected(recorded: list[Recorded], since: date | None, as_of: date):
    def made(r):
        return r.committed_on <= as_of and (since is None or r.committed_on >= since)

    def counted(period_end, verified):
        return verified and period_end <= as_of and (since is None or period_end >= since)

    to_date = (
        sum(r.value_pence for r in recorded if made(r)),
        sum(v for r in recorded for end, v, _, ok in r.reports if counted(end, ok)),
    )
    against = defaultdict(lambda: [Decimal(0), 0, Decimal(0), 0])
    for r in recorded:
        if not made(r):
            continue
        status = "completed" if r.contract_end is not None and r.contract_end < as_of else "live"
        on_it = [(v, q) for end, v, q, ok in r.reports if ok and end <= as_of]
        for key in ((status, r.measure), (status, None), ("all", None)):
            row = against[key]
            row[0] += r.quantity if key[1] is not None else 0
            row[1] += r.value_pence
            row[2] += sum((q for _, q in on_it), Decimal(0)) if key[1] is not None else 0
            row[3] += sum(v for v, _ in on_it)
    return to_date, {k: tuple(v) for k, v in against.items()}


def _as_found(rows):
    return {(r.status, r.measure_id): (r.committed_quantity, r.committed_pence, r.delivered_quantity, r.delivered_pence)
            for r in rows}


@given(history=history_st, since=st.one_of(st.none(), st.integers(0, 900)), as_of=st.integers(0, 1500))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_to_date_and_against_commitments_match_a_computation_by_hand(
    history, since, as_of, sv_network, make_partner, make_user, measure,
):
    partners = [make_partner(network=sv_network), make_partner(network=sv_network)]
    users = [make_user(p) for p in partners]
    recorded = _record(history, partners, users, measure)
    sv_network.policy_start_date = None if since is None else BASE + timedelta(days=since)
    db.session.commit()
    day = BASE + timedelta(days=as_of)
    ids = [p.id for p in partners]
    (made, done), against = _expected(recorded, sv_network.policy_start_date, day)

    with network_wide(ids, "test: to date"):
        found = progress.to_date(db.session, sv_network, ids, day)
        assert (found.committed_pence, found.delivered_pence) == (made, done)
        assert _as_found(progress.against_commitments(db.session, sv_network, ids, day)) == against

    for partner in partners:
        with tenant_context(partner.id):
            progress_snapshot.recompute_partner(db.session, sv_network, partner.id, as_of=day)
    db.session.commit()
    with network_wide(ids, "test: to date from the snapshot"):
        stored = progress_snapshot.stored_progress(db.session, sv_network, ids, day)
        if stored is None:  # no rows: nothing was made or delivered in the span
            assert (made, done, against) == (0, 0, {})
        else:
            stored_to_date, stored_against = stored
            assert (stored_to_date.committed_pence, stored_to_date.delivered_pence) == (made, done)
            assert _as_found(stored_against) == against
            # A snapshot of another day is not used.
            assert progress_snapshot.stored_progress(db.session, sv_network, ids, day + timedelta(days=1)) is None


@given(history=history_st)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_spread_commitments_by_year_and_half_add_up_to_what_was_committed(history, sv_network, make_partner, make_user,
                                                                          measure):
    partners = [make_partner(network=sv_network), make_partner(network=sv_network)]
    users = [make_user(p) for p in partners]
    recorded = _record(history, partners, users, measure)
    ids = [p.id for p in partners]
    for partner in partners:
        totals.recompute_partner_totals(db.session, sv_network, partner.id)
    db.session.commit()
    with network_wide(ids, "test: periods"):
        stored = progress_snapshot.stored_periods(db.session, ids)
        # Each partner is spread apart, as the workers do (two partners' commitments over the same dates spread
        # together could place an odd penny elsewhere): the report's on-demand read adds them up the same way.
        assert stored == progress_snapshot.added_up([progress_snapshot.period_rows(db.session, sv_network, i) for i in ids])
        # The report's on-demand read of one year gives that year's rows, reading only what reaches it.
        for year in range(2022, 2028):
            window = (date(year, 4, 1), date(year + 1, 4, 1))
            assert progress_snapshot.added_up([progress_snapshot.period_rows(db.session, sv_network, i, window=window)
                                               for i in ids]) == \
                [row for row in stored if window[0] <= row["period_start"] < window[1]]
    committed = sum(r.value_pence for r in recorded)
    delivered = sum(v for r in recorded for _, v, _, ok in r.reports if ok)
    for kind in ("year", "half"):
        rows = [row for row in stored if row["period_type"] == kind]
        assert sum(row["committed_value_pence"] for row in rows) == committed
        assert sum(row["delivered_value_pence"] for row in rows) == delivered
        for m in {r.measure for r in recorded}:
            assert sum(row["committed_quantity"] for row in rows if row["measure_id"] == m) == \
                sum((r.quantity for r in recorded if r.measure == m), Decimal(0))


def test_rotherham_style_to_date_counts_from_the_policy_start(sv_network, partners, make_contract, make_user, measure):
    council = partners[0]
    officer = make_user(council)
    before, after = make_contract(council, start=date(2023, 4, 1), end=date(2024, 3, 31)), \
        make_contract(council, start=date(2024, 4, 1), end=date(2027, 3, 31))
    with tenant_context(council.id):
        old = commitments.record_commitment(db.session, contracts.get_contract(db.session, before), measure("DEMO-02"),
                                            committed_on=date(2023, 5, 1), quantity=Decimal(100))
        new = commitments.record_commitment(db.session, contracts.get_contract(db.session, after), measure("DEMO-02"),
                                            committed_on=date(2024, 5, 1), quantity=Decimal(100))
        for c, end in ((old, date(2023, 9, 30)), (new, date(2024, 9, 30))):
            r = delivery.record_delivery(db.session, c, period_start=end.replace(day=1), period_end=end, quantity=25)
            delivery.verify_delivery(db.session, r, officer)
        db.session.commit()
        new_value, delivered_new = new.current_value_pence, r.value_pence
    sv_network.policy_start_date = date(2024, 4, 1)
    db.session.commit()
    with tenant_context(council.id):
        found = progress.to_date(db.session, sv_network, [council.id], date(2025, 1, 1))
        rows = progress.against_commitments(db.session, sv_network, [council.id], date(2025, 1, 1))
    assert (found.committed_pence, found.delivered_pence) == (new_value, delivered_new)
    live = next(r for r in rows if r.status == "live" and r.measure_id is None)
    assert live.percent_delivered == Decimal("25.0") and not any(r.status == "completed" for r in rows)


def test_a_profiled_commitment_counts_each_profile_year_in_its_own_year(sv_network, partners, make_contract, measure):
    council = partners[0]
    contract_id = make_contract(council, start=date(2024, 4, 1), end=date(2026, 3, 31))
    plain_id = make_contract(council, start=date(2024, 4, 1), end=date(2026, 3, 31))
    with tenant_context(council.id):
        profiled = commitments.record_commitment(
            db.session, contracts.get_contract(db.session, contract_id), measure("DEMO-02"), committed_on=date(2024, 4, 1),
            profile=[(date(2024, 4, 1), Decimal(30)), (date(2025, 4, 1), Decimal(10))])
        plain = commitments.record_commitment(db.session, contracts.get_contract(db.session, plain_id), measure("DEMO-02"),
                                              committed_on=date(2024, 4, 1), quantity=Decimal(40))
        db.session.commit()
        rows = progress_snapshot.period_rows(db.session, sv_network, council.id)
        total = profiled.current_value_pence + plain.current_value_pence
    years = {row["period_start"]: row for row in rows if row["period_type"] == "year"}
    # 30 + 20 in 2024 to 2025 (the plain 40 split evenly over two 365-day years), 10 + 20 in 2025 to 2026.
    assert [years[date(2024, 4, 1)]["committed_quantity"], years[date(2025, 4, 1)]["committed_quantity"]] == \
        [Decimal("50.000"), Decimal("30.000")]
    assert sum(row["committed_value_pence"] for row in years.values()) == total
    halves = [row for row in rows if row["period_type"] == "half"]
    assert sum(row["committed_quantity"] for row in halves) == Decimal(80)
