"""Do the social value totals (GROUP BY in the database, on demand and in the workers' snapshots) equal the same figures added up in Python?

``build_sv_world`` makes generated data the report tests use too: three
partners, measures with two editions, commitments before and after a re-base,
delivery reports reported, verified, rejected, edited and verified again.
``expected`` adds the final rows up in plain Python, independently of the SQL.
"""
from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.social_value import commitments, contracts, delivery, targets, totals
from portal.social_value import tasks as sv_tasks
from portal.social_value.models import (
    Commitment,
    Contract,
    DeliveryReport,
    Measure,
    NetworkSocialValueBeneficiaryTotal,
    NetworkSocialValueTotal,
    SocialValueBeneficiaryTotal,
    SocialValueTotal,
    SocialValueTotalsPending,
)
from tenants import network_wide, tenant_context

CODES = ["DEMO-01", "DEMO-02", "DEMO-03", "DEMO-04", "DEMO-06", "DEMO-07", "DEMO-08"]
# Only these have an edition in force before April 2024.
EARLY_CODES = ["DEMO-01", "DEMO-02"]
ROUTES = ["procurement", "grants", "planning_and_development", "commissioning"]
WARDS = ["Boston Castle", "Keppel", "Rother Vale", ""]
GROUPS = ["Disability", "Age 16-24", "Care leaver", ""]
QUARTERS = [(date(2023, 4, 1), date(2023, 6, 30)), (date(2023, 10, 1), date(2023, 12, 31)),
            (date(2024, 1, 1), date(2024, 3, 31)), (date(2024, 4, 1), date(2024, 6, 30)),
            (date(2024, 7, 1), date(2024, 9, 30)), (date(2025, 1, 1), date(2025, 3, 31)),
            (date(2025, 4, 1), date(2025, 6, 30))]


@dataclass
class SvWorld:
    network: object
    partners: list
    officers: dict


def _contract(rng, partner, n):
    with tenant_context(partner.id):
        contract = contracts.create_contract(
            db.session, reference=f"{partner.name[:3].upper()}-{n:03d}", title=f"Contract {n} of {partner.name}",
            start_date=date(2023, 4, 1), end_date=rng.choice([None, date(2024, 12, 31), date(2027, 3, 31)]),
            supplier_name_as_given=rng.choice(["=HYPERLINK(\"http://x\")", "Acme Ltd", "Valley Care CIC"]),
            value_pence=rng.randrange(10**6, 10**9), route=rng.choice(ROUTES),
            rlw_in_scope=rng.random() < 0.5, supplier_pays_rlw=rng.choice(["yes", "no", "unknown"]),
        )
        db.session.commit()
        return contract.id


def _commit(rng, partner, contract_id, network, when):
    codes = EARLY_CODES if when < date(2024, 4, 1) else CODES
    with tenant_context(partner.id):
        contract = contracts.get_contract(db.session, contract_id)
        for code in rng.sample(codes, rng.randint(1, min(3, len(codes)))):
            measure = db.session.scalar(select(Measure).where(Measure.network_id == network.id, Measure.code == code))
            if any(c.measure_id == measure.id for c in contract.commitments):
                continue
            commitments.record_commitment(db.session, contract, measure, committed_on=when,
                                          quantity=Decimal(rng.randint(1, 4000)) / 4)
        db.session.commit()


def _report(rng, partner, officer):
    with tenant_context(partner.id):
        for commitment in db.session.scalars(select(Commitment).order_by(Commitment.id)).all():
            for start, end in rng.sample(QUARTERS, rng.randint(0, 4)):
                report = delivery.record_delivery(
                    db.session, commitment, period_start=start, period_end=end, quantity=Decimal(rng.randint(0, 800)) / 8,
                    beneficiaries=[(w, g, rng.randint(0, 9)) for w, g in {(rng.choice(WARDS), rng.choice(GROUPS)) for _ in range(3)}],
                )
                fate = rng.random()
                if fate < 0.55:
                    delivery.verify_delivery(db.session, report, officer)
                    if rng.random() < 0.3:  # verified twice: still once
                        delivery.verify_delivery(db.session, report, officer)
                elif fate < 0.7:
                    delivery.reject_delivery(db.session, report, officer, "No evidence")
                elif fate < 0.85:
                    # Verified, then edited (back to "reported"), and maybe verified again.
                    delivery.verify_delivery(db.session, report, officer)
                    delivery.edit_delivery(db.session, report, quantity=Decimal(rng.randint(0, 800)) / 8,
                                           beneficiaries=[(rng.choice(WARDS[:3]), rng.choice(GROUPS), rng.randint(1, 5))])
                    if rng.random() < 0.6:
                        delivery.verify_delivery(db.session, report, officer)
        db.session.commit()


def build_sv_world(sv_network, make_partner, make_user, seed: int = 7, contracts_each: int = 6) -> SvWorld:
    """Three partners' contracts, commitments and delivery over three financial years, one re-base between."""
    rng = random.Random(seed)
    partners = [make_partner(name, sv_network) for name in ("Council", "Police", "Hospital")]
    officers = {p.id: make_user(p) for p in partners}
    ids = {p.id: [_contract(rng, p, n) for n in range(1, contracts_each + 1)] for p in partners}
    for p in partners:
        for contract_id in ids[p.id][: contracts_each // 2]:
            _commit(rng, p, contract_id, sv_network, date(2023, 5, 1) + timedelta(days=rng.randrange(300)))
    # The lead re-bases everything made so far to the 2024 edition; what comes after is valued once.
    commitments.rebase(db.session, sv_network, "demo-2024")
    db.session.commit()
    for p in partners:
        for contract_id in ids[p.id][contracts_each // 2:]:
            _commit(rng, p, contract_id, sv_network, date(2024, 4, 1) + timedelta(days=rng.randrange(500)))
    for p in partners:
        _report(rng, p, officers[p.id])
    return SvWorld(sv_network, partners, officers)


# -- The same figures, added up in Python ----------------------------------------------------------

def fy(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def rows(network, organisation_ids):
    """Every commitment (with its contract and measure) and every report of these partners, read as objects."""
    with network_wide(organisation_ids, "test: the rows behind the totals"):
        made = db.session.execute(
            select(Commitment, Contract, Measure).join(Contract, Contract.id == Commitment.contract_id)
            .join(Measure, Measure.id == Commitment.measure_id)).all()
        done = db.session.execute(
            select(DeliveryReport, Commitment, Contract, Measure).join(Commitment, Commitment.id == DeliveryReport.commitment_id)
            .join(Contract, Contract.id == Commitment.contract_id).join(Measure, Measure.id == Commitment.measure_id)).all()
        beneficiaries = [(r, [(b.ward, b.protected_group, b.count) for b in r.beneficiaries]) for r, *_ in done]
    return made, done, beneficiaries


def current(row, original):
    return row.rebased_value_pence if row.rebased_value_pence is not None else original


def expected(network, organisation_ids, group):
    """{(year, key): [quantity, £ as committed, £ current, count]} for committed and for delivered."""
    made, done, _ = rows(network, organisation_ids)

    def key(commitment, contract, measure):
        return {"theme": measure.theme_id, "measure": measure.id, "partner": contract.organisation_id,
                "route": contract.route, "contract": contract.id, "all": None}[group]

    committed_sums, delivered_sums = defaultdict(lambda: [Decimal(0), 0, 0, 0]), defaultdict(lambda: [Decimal(0), 0, 0, 0])
    for c, contract, measure in made:
        s = committed_sums[(fy(c.committed_on), key(c, contract, measure))]
        s[0] += c.quantity
        s[1] += c.committed_value_pence
        s[2] += c.rebased_value_pence if c.rebased_edition else c.committed_value_pence
        s[3] += 1
    for r, c, contract, measure in done:
        if r.status != "verified":
            continue
        s = delivered_sums[(fy(r.period_end), key(c, contract, measure))]
        s[0] += r.quantity
        s[1] += r.value_pence
        s[2] += current(r, r.value_pence)
        s[3] += 1
    return dict(committed_sums), dict(delivered_sums)


def as_dict(result):
    """Totals grouped by ("year", group) in the shape ``expected`` gives."""
    return {(int(t.key[0]), t.key[1]): [t.quantity, t.value_pence, t.current_value_pence, t.count] for t in result}


@pytest.fixture
def world(sv_network, make_partner, make_user):
    return build_sv_world(sv_network, make_partner, make_user)


@pytest.mark.parametrize("group", ["theme", "measure", "partner", "route", "contract"])
def test_committed_and_delivered_by_year_and_group_equal_the_rows_added_up(world, group, app_ctx):
    network, ids = world.network, [p.id for p in world.partners]
    want_made, want_done = expected(network, ids, group)
    with network_wide(ids, "test"):
        got_made = totals.committed(db.session, network, ids, by=("year", group))
        got_done = totals.delivered(db.session, network, ids, by=("year", group))
    assert as_dict(got_made) == want_made
    assert as_dict(got_done) == want_done
    assert len({y for y, _ in want_made}) >= 2 and len({y for y, _ in want_done}) >= 2  # the data spans years


def test_a_financial_year_range_is_the_same_as_grouping_by_year(world, app_ctx):
    network, ids = world.network, [p.id for p in world.partners]
    want_made, want_done = expected(network, ids, "all")
    with network_wide(ids, "test"):
        for year in (2023, 2024, 2025):
            start, end = totals.year_range(network, year)
            made = totals.grand_total(totals.committed(db.session, network, ids, start=start, end=end))
            done = totals.grand_total(totals.delivered(db.session, network, ids, start=start, end=end))
            zero = [Decimal(0), 0, 0, 0]
            assert [made.quantity, made.value_pence, made.current_value_pence, made.count] == want_made.get((year, None), zero)
            assert [done.quantity, done.value_pence, done.current_value_pence, done.count] == want_done.get((year, None), zero)


def test_re_based_figures_differ_from_the_originals_only_where_the_network_re_based(world, app_ctx):
    network, ids = world.network, [p.id for p in world.partners]
    made, _, _ = rows(network, ids)
    assert any(c.rebased_edition for c, *_ in made) and any(not c.rebased_edition for c, *_ in made)
    with network_wide(ids, "test"):
        early = totals.grand_total(totals.committed(db.session, network, ids, start=date(2023, 4, 1), end=date(2024, 4, 1)))
        late = totals.grand_total(totals.committed(db.session, network, ids, start=date(2024, 4, 1)))
    assert early.current_value_pence != early.value_pence  # DEMO-01/02 cost more in the 2024 edition
    assert late.current_value_pence == late.value_pence


def test_delivered_counts_only_verified_reports_once_each(world, app_ctx):
    network, ids = world.network, [p.id for p in world.partners]
    _, done, _ = rows(network, ids)
    statuses = {r.status for r, *_ in done}
    assert statuses == {"reported", "verified", "rejected"}
    assert any(r.revision > 1 and r.status == "verified" for r, *_ in done)  # edited and verified again
    verified = [r for r, *_ in done if r.status == "verified"]
    with network_wide(ids, "test"):
        everything = totals.grand_total(totals.delivered(db.session, network, ids))
    assert everything.count == len(verified)
    assert everything.quantity == sum((r.quantity for r in verified), Decimal(0))


def test_a_partner_sees_its_own_totals_only(world, app_ctx):
    network = world.network
    council = world.partners[0]
    want_made, want_done = expected(network, [council.id], "partner")
    with tenant_context(council.id):
        # Even asked for everyone's, the tenant filter (and on PostgreSQL row-level security) keeps to the council.
        everyone = [p.id for p in world.partners]
        got_made = totals.committed(db.session, network, everyone, by=("year", "partner"))
        got_done = totals.delivered(db.session, network, everyone, by=("year", "partner"))
    assert as_dict(got_made) == want_made and as_dict(got_done) == want_done
    assert {k for _, k in as_dict(got_made)} == {council.id}


def headline_codes(network, tag):
    return db.session.scalars(select(Measure.code).where(Measure.id.in_(totals.headline_measures(network, tag)))).all()


def test_headline_figures_are_the_measures_the_catalogue_tags(world, app_ctx):
    network, ids = world.network, [p.id for p in world.partners]
    # As the shipped demo table tags them; DEMO-03 (training weeks) and DEMO-07 (FTE) are not headlines.
    assert headline_codes(network, "apprenticeship_weeks") == ["DEMO-02"]
    assert headline_codes(network, "local_fte") == ["DEMO-01"]
    assert headline_codes(network, "local_sme_spend") == ["DEMO-05"]
    _, done, _ = rows(network, ids)
    for year in (2023, 2024):
        start, end = totals.year_range(network, year)
        want = sum((r.quantity for r, c, _, m in done if r.status == "verified" and m.code == "DEMO-02" and fy(r.period_end) == year), Decimal(0))
        with network_wide(ids, "test"):
            got = totals.grand_total(totals.delivered(db.session, network, ids, start=start, end=end,
                                                      measure_ids=totals.headline_measures(network, "apprenticeship_weeks")))
        assert got.quantity == want


def test_a_measure_is_a_headline_only_when_tagged_whatever_its_words_say(world, app_ctx):
    """Does a measure about local apprentices count only once the catalogue tags it, and stop when untagged?"""
    network = world.network
    training = db.session.scalars(select(Measure).where(Measure.network_id == network.id, Measure.code == "DEMO-03")).one()
    training.description, training.unit = "Weeks of local apprenticeships (FTE)", "weeks"
    db.session.flush()
    assert "DEMO-03" not in headline_codes(network, "apprenticeship_weeks")
    training.headline = "apprenticeship_weeks"
    apprentices = db.session.scalars(select(Measure).where(Measure.network_id == network.id, Measure.code == "DEMO-02")).one()
    apprentices.headline = None
    db.session.flush()
    assert headline_codes(network, "apprenticeship_weeks") == ["DEMO-03"]
    assert headline_codes(network, "local_fte") == ["DEMO-01"]


def test_beneficiaries_by_ward_and_group_are_sums_of_counts_on_verified_reports(world, app_ctx):
    network, ids = world.network, [p.id for p in world.partners]
    _, _, counted = rows(network, ids)
    for year in (2023, 2024):
        start, end = totals.year_range(network, year)
        by_ward, by_group = defaultdict(int), defaultdict(int)
        for report, counts in counted:
            if report.status == "verified" and fy(report.period_end) == year:
                for ward, group, n in counts:
                    by_ward[ward] += n
                    by_group[group] += n
        with network_wide(ids, "test"):
            assert dict(totals.beneficiaries(db.session, ids, by="ward", start=start, end=end)) == dict(by_ward)
            assert dict(totals.beneficiaries(db.session, ids, by="protected_group", start=start, end=end)) == dict(by_group)


def test_targets_performance_is_what_the_report_uses(world, app_ctx):
    network = world.network
    targets.set_network_target(db.session, network, subject="total_value", period_start=date(2024, 4, 1),
                               period_end=date(2025, 3, 31), target_value_pence=1)
    db.session.commit()
    _, want_done = expected(network, [p.id for p in world.partners], "all")
    [performance] = targets.performance_against_targets(db.session, network, period_start=date(2024, 4, 1),
                                                        period_end=date(2025, 3, 31))
    assert performance.achieved_value_pence == want_done[(2024, None)][2]


@pytest.mark.parametrize("source", ["committed", "delivered"])
def test_the_one_statement_breakdowns_equal_each_grouping_on_its_own(world, source, app_ctx):
    network, ids = world.network, [p.id for p in world.partners]
    start, end = totals.year_range(network, 2024)
    each = totals.committed if source == "committed" else totals.delivered
    with network_wide(ids, "test"):
        together = totals.breakdowns(db.session, network, ids, source=source, start=start, end=end)
        for group in ("theme", "measure", "partner", "route"):
            assert together[group] == each(db.session, network, ids, by=(group,), start=start, end=end), group
        assert together["all"] == each(db.session, network, ids, start=start, end=end)


# -- The snapshots the workers keep ---------------------------------------------------------------

SNAPSHOT_TABLES = (SocialValueTotal, NetworkSocialValueTotal, SocialValueBeneficiaryTotal, NetworkSocialValueBeneficiaryTotal)


@pytest.fixture
def queued(monkeypatch):
    """Record the totals tasks queued after each commit instead of sending them; ``run()`` runs them in order, as a worker would."""
    calls = []
    for task in (sv_tasks.recompute_social_value_totals, sv_tasks.recompute_network_social_value_totals):
        monkeypatch.setattr(task, "apply_async", lambda args=(), kwargs=None, task=task, **_: calls.append((task, args)))

    class Queue:
        def run(self):
            while calls:
                task, args = calls.pop(0)
                task.run(*args)  # the task's own body, committing as in the worker
            return self

    return Queue()


def snapshot(network, organisation_ids):
    """Every snapshot row of the network and these partners, without ids and times, sorted."""
    found = {}
    with network_wide(organisation_ids, "test: snapshot rows"):
        for table in SNAPSHOT_TABLES:
            skip = {"id", "computed_at"}
            columns = [c for c in table.__table__.columns if c.name not in skip]
            owner = table.network_id == network.id if hasattr(table, "network_id") else table.organisation_id.in_(organisation_ids)
            found[table.__tablename__] = sorted(
                tuple(str(Decimal(str(v)).quantize(Decimal("0.001"))) if c.name.endswith("quantity") else v
                      for c, v in zip(columns, row)) for row in db.session.execute(select(*columns).where(owner)))
        db.session.rollback()
    return found


def pending(organisation_ids):
    with network_wide(organisation_ids, "test: waiting marks"):
        return db.session.scalars(select(func.count()).select_from(SocialValueTotalsPending)).one()


def _a_series_of_changes(world, queued):
    """After the world's own commitments, deliveries, verifications, edits and re-base: more, across years and routes."""
    council, police, _ = world.partners
    officer = world.officers[council.id]
    with tenant_context(council.id):
        verified = db.session.scalars(select(DeliveryReport).where(DeliveryReport.status == "verified").order_by(DeliveryReport.id)).all()
        # A verified report moved into another year, edited and verified again.
        moved = verified[0]
        delivery.edit_delivery(db.session, moved, period_start=date(2025, 4, 1), period_end=date(2025, 6, 30), quantity=Decimal("7.5"))
        delivery.verify_delivery(db.session, moved, officer)
        db.session.commit()
        queued.run()
        delivery.reject_delivery(db.session, verified[1], officer, "Counted twice")
        db.session.commit()
        queued.run()
        commitment = db.session.scalars(select(Commitment).where(~Commitment.profile.any()).order_by(Commitment.id)).first()
        commitments.update_commitment(db.session, commitment, quantity=commitment.quantity + 3)
        contracts.update_contract(db.session, commitment.contract, route="non_treasury_investments")
        db.session.commit()
        queued.run()
    # Re-based again: the commitments made since the first re-base get their re-based figures too.
    commitments.rebase(db.session, world.network, "demo-2024")
    db.session.commit()
    queued.run()
    with tenant_context(police.id):
        report = db.session.scalars(select(DeliveryReport).where(DeliveryReport.status == "reported").order_by(DeliveryReport.id)).first()
        delivery.verify_delivery(db.session, report, world.officers[police.id])
        db.session.commit()
    queued.run()


def test_incremental_recomputes_after_every_change_equal_a_full_recompute_row_for_row(sv_network, make_partner, make_user, queued, app_ctx):
    """Does the snapshot kept up by each change's own (partial) recompute hold exactly what a recompute from scratch gives?"""
    world = build_sv_world(sv_network, make_partner, make_user)
    queued.run()
    ids = [p.id for p in world.partners]
    _a_series_of_changes(world, queued)
    assert pending(ids) == 0
    incremental = snapshot(sv_network, ids)
    assert incremental["sv_totals"] and incremental["sv_network_totals"] and incremental["sv_beneficiary_totals"]
    totals.recompute_all(db.session, sv_network)
    db.session.commit()
    assert snapshot(sv_network, ids) == incremental


def test_the_nightly_task_gives_exactly_the_same_numbers(queued, world, app_ctx):
    """Does the nightly full recompute leave every snapshot row as the changes' own recomputes made it?"""
    queued.run()
    ids = [p.id for p in world.partners]
    before = snapshot(world.network, ids)
    assert sv_tasks.recompute_all_social_value_totals.run() >= 1
    queued.run()
    assert snapshot(world.network, ids) == before and before["sv_totals"]


@pytest.mark.parametrize("group", ["all", "measure", "route"])
def test_the_partners_snapshot_equals_its_rows_added_up(queued, world, group, app_ctx):
    """Is each partner's snapshot row the sum of its commitments and verified reports of that year?"""
    queued.run()
    for partner in world.partners:
        made, done = expected(world.network, [partner.id], group)
        with tenant_context(partner.id):
            got = db.session.scalars(select(SocialValueTotal).where(SocialValueTotal.breakdown == group)).all()
            for row in got:
                key = None if group == "all" else (row.key if group == "route" else int(row.key))
                zero = [Decimal(0), 0, 0, 0]
                m, d = made.get((row.year, key), zero), done.get((row.year, key), zero)
                assert (row.committed_value_pence, row.committed_current_value_pence, row.committed_count) == tuple(m[1:])
                assert (row.delivered_value_pence, row.delivered_current_value_pence, row.delivered_count) == tuple(d[1:])
                assert Decimal(str(row.committed_quantity)) == m[0] and Decimal(str(row.delivered_quantity)) == d[0]
            assert len(got) == len(set(made) | set(done))


def test_a_partner_cannot_read_another_partners_snapshot_rows(queued, world, app_ctx):
    """Can the council read the police's or the hospital's snapshot rows, through the ORM or in raw SQL?"""
    from sqlalchemy import text

    queued.run()
    council = world.partners[0]
    with tenant_context(council.id):
        for table in (SocialValueTotal, SocialValueBeneficiaryTotal, SocialValueTotalsPending):
            assert {row.organisation_id for row in db.session.scalars(select(table))} <= {council.id}
        assert db.session.scalars(select(SocialValueTotal)).first() is not None
        if db.session.get_bind().dialect.name == "postgresql":  # row-level security: the second wall
            for name in ("sv_totals", "sv_beneficiary_totals"):
                owners = set(db.session.scalars(text(f"SELECT DISTINCT organisation_id FROM {name}")))
                assert owners == {council.id}, name


def test_a_change_marks_the_partners_year_as_waiting_until_its_recompute(queued, world, app_ctx):
    """Does verifying a report leave a mark for its year (so the report adds up on demand) that the recompute clears?"""
    queued.run()
    council = world.partners[0]
    with tenant_context(council.id):
        report = db.session.scalars(select(DeliveryReport).where(DeliveryReport.status == "reported")).first()
        delivery.verify_delivery(db.session, report, world.officers[council.id])
        db.session.commit()
        assert [m.year for m in db.session.scalars(select(SocialValueTotalsPending))] == [fy(report.period_end)]
        assert not totals.snapshot_is_current(db.session, [council.id])
    queued.run()
    assert pending([council.id]) == 0
