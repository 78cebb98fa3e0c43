"""Can an officer, by keyboard, take a planned purchase through market engagement and tender to an award?"""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.matching.models import OpportunityInterest
from portal.opportunities import pipeline, services
from portal.opportunities.services import AskDetails, OpportunityDetails
from tenants import tenant_context

from .conftest import sign_in
from .keyboard import submit_by_keyboard

pytestmark = pytest.mark.browser
TODAY = date.today()


def _day(field_id: str, d: date) -> dict[str, str]:
    return {f"{field_id}-day": str(d.day), f"{field_id}-month": str(d.month), f"{field_id}-year": str(d.year)}


@pytest.fixture
def planned(make_network, make_partner, make_user, make_business):
    """A published planned purchase with an ask, and a local firm that said it was interested."""
    network = make_network(name="Rother Valley Anchor Network", local_area=("S66",))
    partner = make_partner(name="Rotherham Metropolitan Borough Council", network=network)
    officer = make_user(partner=partner, role="officer", name="Priya Officer")
    firm = make_business("Maltby Landscapes Ltd", network=network, postcode="S66 8AA")
    with tenant_context(partner.id):
        opportunity = services.create_opportunity(db.session, OpportunityDetails(
            title="Grounds maintenance for Maltby parks", description="Mowing, hedges and winter gritting of paths.",
            cpv_codes=["77314000"], value_band="10k_to_50k", estimated_value_pence=None, delivery_location="Maltby",
            delivery_districts=["S66"], suitable_for_sme=True, suitable_for_vcse=False,
            closing_date=TODAY + timedelta(days=60), contact_name="Priya Officer", contact_email=officer.email,
        ), stage="planned")
        pipeline.set_expected_dates(db.session, opportunity, market_engagement=None,
                                    tender=TODAY + timedelta(days=30), award=None)
        services.create_ask(db.session, AskDetails(kind="volunteering", title="Volunteers to clear a canal towpath",
                                                   opportunity_id=opportunity.id))
        services.publish_opportunity(db.session, opportunity)
        db.session.add(OpportunityInterest(organisation_id=partner.id, business_id=firm.id, network_id=network.id,
                                           opportunity_id=opportunity.id))
        db.session.commit()
        return officer, network, opportunity.id


def _move(journey, stage_label: str, label: str) -> None:
    page = journey.page
    page.get_by_role("link", name="Move to another stage").click()
    journey.check(f"stage-{label}")
    page.get_by_label(stage_label).check()
    submit_by_keyboard(page, page.get_by_role("button", name="Move to this stage"))
    expect(page.get_by_test_id("stage")).to_have_text(stage_label)


def test_an_officer_moves_an_opportunity_from_planned_to_awarded(journey, planned):
    officer, network, opportunity_id = planned
    page = journey.page
    page.goto(f"/networks/{network.slug}/forward-plan")
    expect(page.get_by_role("link", name="Grounds maintenance for Maltby parks")).to_be_visible()
    journey.check("forward-plan")

    sign_in(journey, officer.email)
    page.get_by_role("link", name="Opportunities").first.click()
    page.get_by_role("link", name="Grounds maintenance for Maltby parks").click()
    expect(page.get_by_test_id("stage")).to_have_text("Planned")
    journey.check("planned-opportunity")

    page.get_by_role("link", name="Change the expected dates and notices").click()
    journey.check("plan")
    submit_by_keyboard(page, page.get_by_role("button", name="Save the plan"), typed={
        "find_a_tender_notice": "000123-2025", **_day("expected_tender_on", TODAY + timedelta(days=30))})
    expect(page.get_by_test_id("fts-link")).to_have_attribute(
        "href", "https://www.find-tender.service.gov.uk/Notice/000123-2025")

    _move(journey, "Market engagement", "market-engagement")
    _move(journey, "Tender", "tender")

    page.get_by_role("link", name="Record the award").click()
    journey.check("award")
    page.get_by_label("Who won").select_option(label="Maltby Landscapes Ltd (registered business)")
    submit_by_keyboard(page, page.get_by_role("button", name="Record the award"), typed={"value": "38,750"})
    expect(page).to_have_url(re.compile(r"/social-value/contracts/\d+(#main-content)?$"))
    expect(page.get_by_test_id("proposals")).to_contain_text("Volunteers to clear a canal towpath")
    journey.check("awarded-contract")

    page.goto(f"/partner/opportunities/{opportunity_id}")
    expect(page.get_by_test_id("stage")).to_have_text("Awarded")
    page.get_by_role("link", name="Bids and the winner").click()
    expect(page.get_by_test_id("bids")).to_contain_text("Won")
    journey.check("bids")
