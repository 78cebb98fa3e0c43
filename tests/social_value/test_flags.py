"""Does contract management see every commitment behind its profile, and nothing else's?"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portal.extensions import db
from portal.social_value import commitments, contracts, delivery, flags
from portal.social_value.models import Contract
from tenants import tenant_context


def setup_commitment(partner, make_contract, measure, officer, delivered_quantity, **contract_fields):
    contract_id = make_contract(partner, **contract_fields)
    with tenant_context(partner.id):
        contract = contracts.get_contract(db.session, contract_id)
        c = commitments.record_commitment(
            db.session, contract, measure("DEMO-01"), committed_on=date(2024, 4, 1),
            profile=[(date(2024, 4, 1), 2), (date(2025, 4, 1), 4)],
        )
        if delivered_quantity:
            r = delivery.record_delivery(db.session, c, period_start=date(2024, 4, 1), period_end=date(2025, 3, 31), quantity=delivered_quantity)
            delivery.verify_delivery(db.session, r, officer)
        db.session.commit()
        return c.id


def test_due_is_whole_past_years_and_pro_rata_in_the_current_one(partners, make_contract, measure, make_user, app_ctx):
    council, _ = partners
    cid = setup_commitment(council, make_contract, measure, make_user(council), 0)
    with tenant_context(council.id):
        c = commitments.get_commitment(db.session, cid)
        profile = [(p.year_start, p.quantity) for p in c.profile]
        assert flags.due_by(c, c.contract, profile, date(2024, 4, 1)) == 0
        assert flags.due_by(c, c.contract, profile, date(2025, 4, 1)) == 2
        # The whole first year (2), and 73 of the 365 days from 1/4/2025 of the second year's 4 FTE.
        assert flags.due_by(c, c.contract, profile, date(2025, 6, 13)) == (2 + Decimal(4) * 73 / 365).quantize(Decimal("0.001"))
        assert flags.due_by(c, c.contract, profile, date(2030, 1, 1)) == 6
        # Without a profile: evenly over the contract's term; with no end date, no judgement.
        c.contract.end_date = None
        assert flags.due_by(c, c.contract, [], date(2026, 1, 1)) is None


def test_a_commitment_behind_its_profile_is_flagged_and_one_on_track_is_not(partners, make_contract, measure, make_user, app_ctx):
    council, police = partners
    behind = setup_commitment(council, make_contract, measure, make_user(council), "1.5", reference="BEHIND")
    on_track = setup_commitment(council, make_contract, measure, make_user(council), 2, reference="ON-TRACK")
    setup_commitment(police, make_contract, measure, make_user(police), 0, reference="POLICE")
    with tenant_context(council.id):
        found = flags.contract_management_flags(db.session, today=date(2025, 4, 1))
    behind_flags = [f for f in found if f.kind == "behind_profile"]
    assert [(f.commitment_id, f.contract_reference, f.due, f.delivered) for f in behind_flags] == [
        (behind, "BEHIND", Decimal(2), Decimal("1.5"))]
    assert on_track not in {f.commitment_id for f in found}
    assert {f.organisation_id for f in found} == {council.id}


def test_the_lead_sees_every_partners_flags_and_the_other_kinds(partners, sv_network, make_contract, measure, make_user, app_ctx):
    council, police = partners
    setup_commitment(council, make_contract, measure, make_user(council), 0, reference="A")
    setup_commitment(police, make_contract, measure, make_user(police), 0, reference="B", rlw_in_scope=True)
    pid = setup_commitment(police, make_contract, measure, make_user(police), 0, reference="C")
    with tenant_context(police.id):
        c = commitments.get_commitment(db.session, pid)
        delivery.record_delivery(db.session, c, period_start=date(2024, 4, 1), period_end=date(2024, 9, 30), quantity=1)
        db.session.commit()
    found = flags.network_contract_management_flags(db.session, sv_network, today=date(2025, 4, 1))
    kinds = {(f.kind, f.contract_reference) for f in found}
    assert {("behind_profile", "A"), ("behind_profile", "B"), ("behind_profile", "C"),
            ("rlw_not_paid", "B"), ("awaiting_verification", "C")} <= kinds
    assert {f.organisation_id for f in found} == {council.id, police.id}


def test_one_contracts_flags_are_the_ones_the_full_list_has_for_it(partners, make_contract, measure, make_user, app_ctx):
    """The contract page asks for one contract's flags: the same flags, in the same order, as the partner's whole list."""
    council, police = partners
    officer = make_user(council)
    behind = setup_commitment(council, make_contract, measure, officer, "1.5", reference="BEHIND", rlw_in_scope=True)
    setup_commitment(council, make_contract, measure, officer, 2, reference="ON-TRACK")
    setup_commitment(council, make_contract, measure, officer, 0, reference="OPEN-ENDED", end=None)
    setup_commitment(police, make_contract, measure, make_user(police), 0, reference="POLICE", rlw_in_scope=True)
    with tenant_context(council.id):
        c = commitments.get_commitment(db.session, behind)
        pending = delivery.record_delivery(db.session, c, period_start=date(2025, 4, 1), period_end=date(2025, 6, 30), quantity=1)
        rejected = delivery.record_delivery(db.session, c, period_start=date(2025, 7, 1), period_end=date(2025, 9, 30), quantity=1)
        delivery.reject_delivery(db.session, rejected, officer, "No evidence")
        # A second, unprofiled commitment on the same contract.
        commitments.record_commitment(db.session, c.contract, measure("DEMO-02"), committed_on=date(2024, 5, 1), quantity=52)
        db.session.commit()
        contract_ids = [cid for cid, in db.session.execute(select(Contract.id))]
        kinds_seen = set()
        for today in (date(2024, 4, 1), date(2025, 4, 1), date(2025, 10, 1), date(2028, 1, 1)):
            everything = flags.contract_management_flags(db.session, today=today)
            kinds_seen |= {f.kind for f in everything}
            for contract_id in contract_ids:
                assert flags.contract_management_flags(db.session, today=today, contract_id=contract_id) == [
                    f for f in everything if f.contract_id == contract_id]
        assert kinds_seen == set(flags.FLAG_KINDS) and pending.status == "reported"
        assert flags.contract_management_flags(db.session, contract_id=10_000_000) == []


def test_another_partners_contract_has_no_flags_in_my_context(partners, make_contract, measure, make_user, app_ctx):
    council, police = partners
    setup_commitment(council, make_contract, measure, make_user(council), 0, reference="MINE")
    police_commitment = setup_commitment(police, make_contract, measure, make_user(police), 0, reference="THEIRS", rlw_in_scope=True)
    with tenant_context(police.id):
        police_contract = commitments.get_commitment(db.session, police_commitment).contract_id
    with tenant_context(council.id):
        assert flags.contract_management_flags(db.session, today=date(2025, 4, 1), contract_id=police_contract) == []
