"""Can a small business register for a partner's event from its account and be marked as attended? And can a
VCSE post its own ask that a supplier's offer fulfils, accepted by the officer as a commitment on its contract?"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.extensions import db
from portal.smes.models import SmeProfile
from portal.social_value.models import Commitment, Contract
from portal.suppliers.models import Supplier
from portal.support.models import EventRegistration, SupportEvent
from tenants import business_context, tenant_context
from tests.social_value.conftest import sv_network  # noqa: F401 - the ask journey's network, with measures in use

from .conftest import sign_in

pytestmark = [pytest.mark.browser]

EVENT = "Meet the buyer: highways and grounds"


@pytest.fixture
def event_world(make_network, make_partner, make_user, make_business):
    network = make_network(name="Rother Valley Anchor Network", local_area=("S60", "S61"))
    chamber = make_partner(name="Rotherham Chamber", network=network, kind="chamber")
    chamber.conduit = True
    db.session.commit()
    officer = make_user(partner=chamber, role="officer", name="Cal Chamber")
    business = make_business("Valley Slate Roofing Ltd", network)
    with tenant_context(chamber.id):
        event = SupportEvent(kind="meet_the_buyer", title=EVENT, place="Rotherham Town Hall", capacity=30,
                             starts_at=datetime.now(UTC) + timedelta(days=14))
        db.session.add(event)
        db.session.commit()
    return officer, business


def test_an_sme_registers_for_an_event_and_is_marked_attended(journey, another_journey, event_world):
    officer, business = event_world
    page = journey.page
    sign_in(journey, business.owner.email)
    page.get_by_role("link", name="Support and events").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your support and events")
    journey.check("business-support-empty")
    page.get_by_role("link", name="Events you can register for").click()
    expect(page.get_by_role("main")).to_contain_text(EVENT)
    journey.check("upcoming-events")
    page.get_by_role("link", name=f"Register for {EVENT}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Register for")
    journey.check("register-for-event")
    page.get_by_label("Who will come").fill("Rita Roofer")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_test_id("your-events")).to_contain_text(EVENT)
    expect(page.get_by_test_id("your-events")).to_contain_text("Registered")
    journey.check("business-registered")

    chamber = another_journey()
    sign_in(chamber, officer.email)
    chamber.page.get_by_role("link", name="Support and events").first.click()
    chamber.page.get_by_role("link", name="Your events").click()
    chamber.page.get_by_role("link", name=EVENT).click()
    expect(chamber.page.get_by_test_id("registrations")).to_contain_text("Rita Roofer")
    chamber.check("event-registrations")
    chamber.page.get_by_label("Attended").check()
    chamber.page.get_by_role("button", name="Save attendance").click()
    expect(chamber.page.locator(".govuk-notification-banner")).to_contain_text("Attendance saved")
    expect(chamber.page.get_by_test_id("follow-up")).to_be_visible()
    # A conduit partner has no spend pages in its menu.
    expect(chamber.page.get_by_role("link", name="Imports")).to_have_count(0)

    page.reload()
    expect(page.get_by_test_id("your-events")).to_contain_text("Attended")
    with business_context(business.id):
        (registration,) = db.session.scalars(select(EventRegistration)).all()
        assert registration.attended is True and registration.contact_name == "Rita Roofer"


@pytest.fixture
def ask_world(sv_network, make_partner, make_user, make_business):  # noqa: F811 - the imported fixture
    council = make_partner("Rotherham Metropolitan Borough Council", sv_network)
    officer = make_user(partner=council, role="officer", name="Priya Officer")
    vcse = make_business("Rotherham Youth Centre", sv_network, charity=True, organisation_type="charity")
    supplier = Supplier(network_id=sv_network.id, name="Valley Grounds Ltd", normalised_name="valley grounds")
    db.session.add(supplier)
    db.session.commit()
    firm = make_business("Valley Grounds Ltd", sv_network, postcode="S60 2BB")
    with business_context(firm.id):
        profile = db.session.scalar(select(SmeProfile))
        profile.supplier_id, profile.claimed_supplier_id, profile.claim_status = supplier.id, supplier.id, "confirmed"
        db.session.commit()
    with tenant_context(council.id):
        contract = Contract(reference="GM-2024", title="Grounds maintenance", supplier_id=supplier.id,
                            start_date=date(2024, 4, 1), end_date=date(2027, 3, 31))
        db.session.add(contract)
        db.session.commit()
    return council, officer, vcse, firm


def test_a_vcse_posts_an_ask_that_a_suppliers_offer_fulfils(journey, another_journey, ask_world):
    council, officer, vcse, firm = ask_world
    page = journey.page
    sign_in(journey, vcse.owner.email)
    page.goto("/your-asks")
    journey.check("vcse-asks")
    page.get_by_role("button", name="Ask for help").click()
    page.get_by_label("Send it to").select_option(label=council.name)
    page.get_by_label("Mentoring").check()
    page.get_by_label("What you need").fill("Mentoring for our treasurer")
    page.get_by_label("Postcode district (optional)").fill("S60")
    journey.check("vcse-ask-form")
    page.get_by_role("button", name="Send ask").click()
    expect(page.get_by_test_id("your-asks")).to_contain_text("Waiting for the partner")

    partner = another_journey()
    sign_in(partner, officer.email)
    partner.page.goto("/partner/vcse-asks")
    partner.page.get_by_role("link", name="Mentoring for our treasurer").click()
    partner.check("vcse-ask-decision")
    partner.page.get_by_label("Publish it as one of our asks").check()
    partner.page.get_by_role("button", name="Save decision").click()
    expect(partner.page.get_by_role("heading", level=1)).to_have_text("Mentoring for our treasurer")

    supplier = another_journey()
    sign_in(supplier, firm.owner.email)
    supplier.page.goto("/social-value-asks/near-you")
    expect(supplier.page.get_by_test_id("asks-near-you")).to_contain_text("(your district)")
    supplier.check("asks-near-you")
    supplier.page.get_by_role("link", name="Offer to help with Mentoring for our treasurer").click()
    supplier.page.get_by_label("What you could offer (optional)").fill("Our finance director will mentor")
    supplier.page.get_by_role("button", name="Send your offer").click()

    partner.page.reload()
    partner.page.get_by_role("link", name="Accept the offer of Valley Grounds Ltd").click()
    partner.check("accept-offer")
    partner.page.get_by_label("Contract").select_option(label="Grounds maintenance (GM-2024)")
    partner.page.get_by_label("Measure").select_option(index=1)
    partner.page.get_by_label("Quantity").fill("12")
    partner.page.get_by_role("button", name="Accept the offer").click()
    expect(partner.page.locator(".govuk-notification-banner")).to_contain_text("Offer accepted")
    partner.check("offer-became-commitment")

    page.reload()
    expect(page.get_by_test_id("your-asks")).to_contain_text("Met by a supplier")
    with tenant_context(council.id):
        (commitment,) = db.session.scalars(select(Commitment)).all()
        assert commitment.quantity == 12 and commitment.contract.reference == "GM-2024"
