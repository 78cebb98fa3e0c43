"""Is delivery ever counted twice, and do reports hold counts but never people?"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.extensions import db
from portal.social_value import commitments, contracts, delivery
from portal.social_value.models import DeliveryBeneficiaryCount, DeliveryReport
from portal.social_value.problems import SocialValueProblem
from tenants import tenant_context


@pytest.fixture
def commitment(partners, make_contract, measure):
    council, _ = partners
    contract_id = make_contract(council)
    with tenant_context(council.id):
        contract = contracts.get_contract(db.session, contract_id)
        c = commitments.record_commitment(db.session, contract, measure("DEMO-02"), committed_on=date(2024, 4, 1), quantity=104)
        db.session.commit()
        return c.id


def delivered(commitment_id):
    found = delivery.delivered_by_commitment(db.session, [commitment_id])
    return (found[commitment_id].quantity, found[commitment_id].value_pence) if commitment_id in found else (Decimal(0), 0)


def test_editing_or_reverifying_a_report_never_counts_it_twice(partners, commitment, make_user, app_ctx):
    council, _ = partners
    officer = make_user(council)
    with tenant_context(council.id):
        c = commitments.get_commitment(db.session, commitment)
        report = delivery.record_delivery(db.session, c, period_start=date(2024, 4, 1), period_end=date(2024, 6, 30), quantity=10)
        assert delivered(commitment) == (0, 0)  # reported, not yet verified
        delivery.verify_delivery(db.session, report, officer)
        delivery.verify_delivery(db.session, report, officer)
        assert delivered(commitment) == (Decimal(10), 10 * 21_000)
        delivery.edit_delivery(db.session, report, quantity=12)
        assert report.status == "reported" and report.revision == 2 and report.verified_at is None
        assert delivered(commitment) == (0, 0)  # the edit counts only once verified
        delivery.verify_delivery(db.session, report, officer)
        delivery.verify_delivery(db.session, report, officer)
        db.session.commit()
        assert delivered(commitment) == (Decimal(12), 12 * 21_000)
        assert db.session.query(DeliveryReport).count() == 1


def test_a_rejected_report_needs_a_reason_and_does_not_count(partners, commitment, make_user, app_ctx):
    council, _ = partners
    officer = make_user(council)
    with tenant_context(council.id):
        c = commitments.get_commitment(db.session, commitment)
        report = delivery.record_delivery(db.session, c, period_start=date(2024, 4, 1), period_end=date(2024, 6, 30), quantity=10)
        delivery.verify_delivery(db.session, report, officer)
        with pytest.raises(SocialValueProblem, match="why"):
            delivery.reject_delivery(db.session, report, officer, " ")
        delivery.reject_delivery(db.session, report, officer, "No timesheets attached")
        assert report.rejection_reason == "No timesheets attached" and delivered(commitment) == (0, 0)


def test_two_reports_of_one_commitment_cannot_cover_the_same_days(partners, commitment, app_ctx):
    council, _ = partners
    with tenant_context(council.id):
        c = commitments.get_commitment(db.session, commitment)
        delivery.record_delivery(db.session, c, period_start=date(2024, 4, 1), period_end=date(2024, 6, 30), quantity=10)
        with pytest.raises(SocialValueProblem, match="already reported"):
            delivery.record_delivery(db.session, c, period_start=date(2024, 6, 1), period_end=date(2024, 9, 30), quantity=5)
        later = delivery.record_delivery(db.session, c, period_start=date(2024, 7, 1), period_end=date(2024, 9, 30), quantity=5)
        with pytest.raises(SocialValueProblem, match="already reported"):
            delivery.edit_delivery(db.session, later, period_start=date(2024, 6, 30))


def test_beneficiaries_are_counts_by_ward_and_group_and_nothing_personal(partners, commitment, app_ctx):
    council, _ = partners
    with tenant_context(council.id):
        c = commitments.get_commitment(db.session, commitment)
        report = delivery.record_delivery(
            db.session, c, period_start=date(2024, 4, 1), period_end=date(2024, 6, 30), quantity=10,
            beneficiaries=[("Boston Castle", "Disability", 2), ("Boston Castle", "", 5), (None, "Age 16-24", 3)],
        )
        db.session.commit()
        assert [(b.ward, b.protected_group, b.count) for b in report.beneficiaries] == [
            ("", "Age 16-24", 3), ("Boston Castle", "", 5), ("Boston Castle", "Disability", 2)]
        with pytest.raises(SocialValueProblem, match="twice"):
            delivery.edit_delivery(db.session, report, beneficiaries=[("A", "B", 1), ("A", "B", 2)])
        with pytest.raises(SocialValueProblem, match="whole number"):
            delivery.edit_delivery(db.session, report, beneficiaries=[("A", "B", -1)])
    columns = set(DeliveryBeneficiaryCount.__table__.columns.keys())
    assert columns == {"id", "organisation_id", "delivery_report_id", "ward", "protected_group", "count"}
    personal = ("name", "email", "birth", "address", "postcode", "phone", "ni_number", "person")
    for table in (DeliveryBeneficiaryCount.__table__, DeliveryReport.__table__):
        assert not [name for name in table.columns.keys() if any(p in name for p in personal)]  # noqa: SIM118


def test_a_report_belongs_to_one_commitment_of_one_contract(app_ctx):
    fks = {fk.parent.name: fk.column.table.name for fk in DeliveryReport.__table__.foreign_keys}
    assert fks["commitment_id"] == "sv_commitments" and not DeliveryReport.__table__.c.commitment_id.nullable
    assert "contract_id" not in DeliveryReport.__table__.c  # its contract is the commitment's: one, always
