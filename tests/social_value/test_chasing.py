"""Is a supplier reminded once when a return falls due, and is the manager told after the network's N days?"""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select, text

from portal.extensions import db
from portal.mail.models import OutgoingEmail
from portal.social_value import chasing, commitments, contracts, delivery, supplier_link
from portal.social_value.models import ReturnReminder
from tenants import tenant_context
from tenants.models import Network

from ..test_accounts import delivered, emails_to

SUPPLIER = "returns@roadworks.example"
Q1 = chasing.ReportingPeriod(date(2024, 4, 1), date(2024, 6, 30))


@pytest.fixture
def chased(partners, make_contract, make_user, measure):
    """The council's quarterly contract with a commitment, a supplier contact and a named manager."""
    council = partners[0]
    manager = make_user(council, "officer", email="manager@council.example", name="Mo Manager")
    contract_id = make_contract(council, reference="RD-7", title="Road repairs", reporting_frequency="quarterly",
                                supplier_contact_email=SUPPLIER, contract_manager_id=manager.id)
    with tenant_context(council.id):
        contract = contracts.get_contract(db.session, contract_id)
        commitment = commitments.record_commitment(db.session, contract, measure("DEMO-02"),
                                                   committed_on=date(2024, 4, 1), quantity=52)
        db.session.commit()
        return council.id, contract_id, commitment.id


def reminders(council_id) -> list[ReturnReminder]:
    db.session.expire_all()
    with tenant_context(council_id):
        return list(db.session.scalars(select(ReturnReminder).order_by(ReturnReminder.id)))


def chase(council_id, day: date) -> chasing.ChaseResult:
    result = chasing.chase_partner(db.session, council_id, day)
    db.session.commit()
    return result


@pytest.mark.parametrize(("day", "frequency", "start", "end"), [
    (date(2024, 5, 20), "quarterly", date(2024, 4, 1), date(2024, 6, 30)),
    (date(2025, 2, 1), "quarterly", date(2025, 1, 1), date(2025, 3, 31)),
    (date(2024, 12, 31), "half_yearly", date(2024, 10, 1), date(2025, 3, 31)),
    (date(2024, 3, 31), "annual", date(2023, 4, 1), date(2024, 3, 31)),
])
def test_are_reporting_periods_aligned_to_the_financial_year(day, frequency, start, end):
    assert chasing.period_containing(day, frequency, 4) == chasing.ReportingPeriod(start, end)


def test_is_the_latest_due_period_the_one_that_ended_before_today():
    assert chasing.latest_due_period(date(2024, 7, 1), "quarterly", 4) == Q1
    assert chasing.latest_due_period(date(2024, 9, 30), "quarterly", 4) == Q1
    assert Q1.due_on == date(2024, 7, 1)


def test_is_the_supplier_emailed_its_signed_link_once_when_a_return_falls_due(chased, app_ctx):
    council_id, contract_id, commitment_id = chased
    assert chase(council_id, date(2024, 6, 30)).reminded == 0, "not due before its period ends"
    assert chase(council_id, date(2024, 7, 1)).reminded == 1
    assert chase(council_id, date(2024, 7, 2)).reminded == 0
    assert chasing.chase_all(db.session, date(2024, 7, 3)).reminded == 0
    db.session.commit()
    [reminder] = reminders(council_id)
    assert (reminder.period_start, reminder.period_end, reminder.due_on, reminder.sent_to) == (
        Q1.start, Q1.end, date(2024, 7, 1), SUPPLIER)

    [email] = emails_to(SUPPLIER)
    stored = repr(db.session.execute(text("SELECT * FROM outgoing_emails")).all())
    assert "supplier-report/" not in stored, "the link is made when the email is sent, never stored"
    body = delivered(email)
    assert "RD-7" in body and "1 April 2024 to 30 June 2024" in body
    token = re.search(r"/supplier-report/(\S+)", body).group(1)
    assert supplier_link.read_supplier_link(token).contract_id == contract_id
    # The link works: the supplier reports, and the return is met.
    supplier_link.submit_supplier_delivery(db.session, token, commitment_id, period_start=Q1.start,
                                           period_end=Q1.end, quantity=3)
    db.session.commit()
    with tenant_context(council_id):
        assert chasing.return_met(db.session, contract_id, Q1.start, Q1.end)


def test_is_a_return_already_sent_never_chased(chased, app_ctx):
    council_id, _, commitment_id = chased
    with tenant_context(council_id):
        delivery.record_delivery(db.session, commitments.get_commitment(db.session, commitment_id),
                                 period_start=date(2024, 5, 1), period_end=date(2024, 5, 31), quantity=2)
        db.session.commit()
    assert chase(council_id, date(2024, 7, 1)).reminded == 0
    assert reminders(council_id) == [] and emails_to(SUPPLIER) == []


def test_is_a_reminder_dropped_if_the_return_arrives_before_it_is_sent(chased, app_ctx):
    council_id, _, commitment_id = chased
    chase(council_id, date(2024, 7, 1))
    with tenant_context(council_id):
        delivery.record_delivery(db.session, commitments.get_commitment(db.session, commitment_id),
                                 period_start=Q1.start, period_end=Q1.end, quantity=2)
        db.session.commit()
    [email] = emails_to(SUPPLIER)
    assert delivered(email) is None


def test_is_the_manager_told_once_after_the_networks_days_without_a_return(chased, sv_network, app_ctx):
    council_id, _, _ = chased
    db.session.get(Network, sv_network.id).chase_manager_after_days = 10
    db.session.commit()
    chase(council_id, date(2024, 7, 1))
    assert chase(council_id, date(2024, 7, 10)).escalated == 0, "nine days: not yet"
    assert chase(council_id, date(2024, 7, 11)).escalated == 1
    assert chase(council_id, date(2024, 7, 12)).escalated == 0, "told once"
    [reminder] = reminders(council_id)
    assert reminder.escalated_to == "manager@council.example" and reminder.escalated_at is not None
    [email] = emails_to("manager@council.example")
    body = delivered(email)
    assert "RD-7" in body and SUPPLIER in body and re.search(r"/social-value/contracts/\d+", body)


def test_is_the_manager_not_told_when_the_return_came_in_time(chased, sv_network, app_ctx):
    council_id, _, commitment_id = chased
    chase(council_id, date(2024, 7, 1))
    with tenant_context(council_id):
        delivery.record_delivery(db.session, commitments.get_commitment(db.session, commitment_id),
                                 period_start=Q1.start, period_end=Q1.end, quantity=2)
        db.session.commit()
    assert chase(council_id, date(2024, 9, 1)).escalated == 0
    assert emails_to("manager@council.example") == []


def test_are_contracts_that_are_not_chased_or_not_running_left_alone(partners, make_contract, app_ctx):
    council = partners[0]
    make_contract(council, reference="NONE", reporting_frequency="none")
    make_contract(council, reference="LATER", start=date(2024, 8, 1), reporting_frequency="quarterly",
                  supplier_contact_email=SUPPLIER)
    assert chase(council.id, date(2024, 7, 1)).reminded == 0
    assert db.session.scalars(select(OutgoingEmail)).all() == []


def test_does_chasing_refuse_a_frequency_without_a_contact(partners, make_contract, app_ctx):
    from portal.social_value.problems import SocialValueProblem

    with pytest.raises(SocialValueProblem, match="supplier contact"):
        make_contract(partners[0], reporting_frequency="quarterly")
    db.session.rollback()


def test_must_the_contract_manager_be_one_of_the_partners_people(partners, make_contract, make_user, app_ctx):
    from portal.social_value.problems import SocialValueProblem

    outsider = make_user(partners[1], "officer")
    with pytest.raises(SocialValueProblem, match="contract manager"):
        make_contract(partners[0], contract_manager_id=outsider.id)
    db.session.rollback()
