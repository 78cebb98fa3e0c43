"""Can the lead set when the policy began, see figures to date and against commitments, and set targets beyond social value?"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.formatting import pounds
from portal.social_value import commitments, contracts, delivery, totals
from portal.social_value.models import NetworkTarget
from tenants import network_wide, tenant_context
from tenants.models import AuditEvent, Network


@pytest.fixture
def lead(sv_network, partners, make_user, sign_in):
    return sign_in(make_user(partners[0], "officer", lead_of=sv_network))


def test_the_lead_sets_the_policy_start_and_it_is_logged(lead, sv_network, partners):
    url = f"/network/{sv_network.id}/social-value-policy"
    assert "No date is set" in lead.get(url).get_data(as_text=True)
    bad = lead.post(url, data={"policy_start_date": ["31", "2", "2019"]})
    assert bad.status_code == 400 and "real date" in bad.get_data(as_text=True)
    assert lead.post(url, data={"policy_start_date": ["1", "4", "2019"]}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Network, sv_network.id).policy_start_date == date(2019, 4, 1)
    assert "1 April 2019" in lead.get(url).get_data(as_text=True)
    # Every partner's to-date figures count from the old date: all wait for the workers' recompute.
    with network_wide([p.id for p in partners], "test: waiting"):
        assert not totals.snapshot_is_current(db.session, [p.id for p in partners])
    with tenant_context(partners[0].id):
        assert "social_value.policy_start_set" in db.session.scalars(select(AuditEvent.action)).all()


def test_the_report_shows_to_date_and_delivery_against_the_same_commitments(
    lead, sv_network, partners, make_contract, make_user, measure,
):
    council = partners[0]
    officer = make_user(council)
    live = make_contract(council, start=date(2024, 4, 1), end=date(2099, 3, 31))
    done = make_contract(council, start=date(2023, 4, 1), end=date(2024, 3, 31))
    with tenant_context(council.id):
        c1 = commitments.record_commitment(db.session, contracts.get_contract(db.session, live), measure("DEMO-02"),
                                           committed_on=date(2024, 5, 1), quantity=Decimal(40))
        c2 = commitments.record_commitment(db.session, contracts.get_contract(db.session, done), measure("DEMO-02"),
                                           committed_on=date(2023, 5, 1), quantity=Decimal(10))
        report = delivery.record_delivery(db.session, c2, period_start=date(2023, 4, 1), period_end=date(2023, 6, 30),
                                          quantity=Decimal(10))
        delivery.verify_delivery(db.session, report, officer)
        db.session.commit()
        committed_pence = c1.current_value_pence + c2.current_value_pence
        delivered_pence = report.value_pence
    totals.recompute_all(db.session, sv_network)
    db.session.commit()
    page = lead.get(f"/network/{sv_network.id}/social-value-report?year=2024").get_data(as_text=True)
    assert "since records began" in page and f"/network/{sv_network.id}/social-value-policy" in page
    assert pounds(committed_pence) in page and pounds(delivered_pence) in page
    assert 'data-testid="against-completed"' in page and "100.0%" in page  # the completed contract, fully delivered
    assert 'data-testid="against-live"' in page and "0.0%" in page
    assert "First half (H1)" in page and "1 April 2024 to 30 September 2024" in page
    assert 'data-testid="table-year-measures"' in page
    sheet = lead.get(f"/network/{sv_network.id}/social-value-report.csv?year=2024").get_data(as_text=True)
    assert "Delivery against commitments since records began" in sheet and "Completed contracts" in sheet


def test_the_lead_sets_a_half_year_local_share_target_and_sees_it_missed(lead, sv_network):
    url = f"/network/{sv_network.id}/targets"
    form = {"subject": "local_share", "basis": "delivered", "target_percent": "40",
            "period_start": ["1", "4", "2024"], "period_end": ["30", "9", "2024"]}
    bad = lead.post(url, data={**form, "target_percent": "140"})
    assert bad.status_code == 400 and "between 0 and 100" in bad.get_data(as_text=True)
    assert lead.post(url, data={**form, "target_percent": ""}).status_code == 400
    assert lead.post(url, data=form).status_code == 302
    target = db.session.scalars(select(NetworkTarget)).one()
    assert (target.subject, target.target_percent) == ("local_share", Decimal("40.00"))
    page = lead.get(url).get_data(as_text=True)
    assert "Local share of procurable spend" in page and "Missed" in page  # no spend: 0% of a past half-year
    assert "H1 2024 to 2025" in page
