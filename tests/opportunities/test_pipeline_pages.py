"""Can an officer move an opportunity through its stages on the pages, and does the public see the forward plan?"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.opportunities import pipeline, services
from portal.opportunities.forward_plan import months_after
from portal.opportunities.models import Opportunity
from portal.social_value.models import Contract, ProposedCommitment
from portal.suppliers.models import Supplier
from tenants import tenant_context

from .conftest import details

TODAY = date.today()
FAR = TODAY + timedelta(days=700)
GUID = "3f2c9a0e-5b1d-4c7e-9f3a-2d8b6e4a1c05"


def _day(d: date) -> list[str]:
    return [str(d.day), str(d.month), str(d.year)]


@pytest.fixture
def officer(council, make_user, sign_in):
    return sign_in(make_user(council, "officer"))


def _planned(council, title="Grounds maintenance for Maltby parks", tender_in_days=90, publish=True, cpv="77314000",
             band="10k_to_50k"):
    with tenant_context(council.id):
        opportunity = services.create_opportunity(
            db.session, details(title=title, cpv_codes=[cpv], value_band=band, closing_date=FAR), stage="planned")
        pipeline.set_expected_dates(db.session, opportunity, market_engagement=None,
                                    tender=TODAY + timedelta(days=tender_in_days), award=None)
        if publish:
            services.publish_opportunity(db.session, opportunity)
        db.session.commit()
        return opportunity.id


def test_an_officer_adds_a_planned_purchase(officer, council):
    from .test_pages_form import GOOD

    assert officer.post("/partner/opportunities/new", data={**GOOD, "stage": "planned"}).status_code == 302
    with tenant_context(council.id):
        assert db.session.scalars(select(Opportunity.stage)).one() == "planned"


def test_an_officer_moves_a_stage_and_a_wrong_move_is_named(officer, council):
    opportunity_id = _planned(council)
    url = f"/partner/opportunities/{opportunity_id}/stage"
    page = officer.get(url).get_data(as_text=True)
    assert "Market engagement" in page and 'value="awarded"' not in page
    refused = officer.post(url, data={"stage": "awarded", "on": _day(TODAY)})
    assert refused.status_code == 400 and "Not a valid choice" in refused.get_data(as_text=True)
    assert officer.post(url, data={"stage": "market_engagement", "on": _day(TODAY)}).status_code == 302
    too_early = officer.post(url, data={"stage": "tender", "on": _day(TODAY - timedelta(days=3))})
    assert too_early.status_code == 400 and "before the last stage began" in too_early.get_data(as_text=True)
    with tenant_context(council.id):
        opportunity = db.session.get(Opportunity, opportunity_id)
        assert (opportunity.stage, opportunity.market_engagement_on) == ("market_engagement", TODAY)
    manage = officer.get(f"/partner/opportunities/{opportunity_id}").get_data(as_text=True)
    assert 'data-testid="stage">Market engagement<' in manage


def test_notices_are_checked_and_shown_as_links(officer, council):
    opportunity_id = _planned(council)
    url = f"/partner/opportunities/{opportunity_id}/plan"
    wrong = officer.post(url, data={"find_a_tender_notice": "2024-123", "contracts_finder_notice": "nope"})
    page = wrong.get_data(as_text=True)
    assert wrong.status_code == 400
    assert "is not a Find a Tender notice number" in page and "is not a Contracts Finder notice id" in page
    ok = officer.post(url, data={"find_a_tender_notice": "000123-2025", "contracts_finder_notice": GUID.upper(),
                                 "expected_tender_on": _day(TODAY + timedelta(days=60))})
    assert ok.status_code == 302
    manage = officer.get(f"/partner/opportunities/{opportunity_id}").get_data(as_text=True)
    assert 'href="https://www.find-tender.service.gov.uk/Notice/000123-2025"' in manage
    assert f'href="https://www.contractsfinder.service.gov.uk/Notice/{GUID}"' in manage


def test_an_officer_records_bids_and_the_award(officer, council, network, make_business):
    winner = make_business("Maltby Mowers", network=network)
    supplier = Supplier(network_id=network.id, name="Wath Gardens Ltd", normalised_name="wath gardens")
    db.session.add(supplier)
    db.session.commit()
    with tenant_context(council.id):
        opportunity = services.create_opportunity(db.session, details(title="Mowing"))
        services.create_ask(db.session, services.AskDetails(kind="volunteering", title="Towpath", opportunity_id=opportunity.id))
        services.publish_opportunity(db.session, opportunity)
        from portal.matching.models import OpportunityInterest

        db.session.add(OpportunityInterest(organisation_id=council.id, business_id=winner.id, network_id=network.id,
                                           opportunity_id=opportunity.id))
        db.session.commit()
        opportunity_id = opportunity.id
    bids_url = f"/partner/opportunities/{opportunity_id}/bids"
    assert f"business-{winner.id}" in officer.get(bids_url).get_data(as_text=True)
    assert officer.post(bids_url, data={"bidder": f"supplier-{supplier.id}"}).status_code == 400  # not a supplier the council pays
    assert officer.post(bids_url, data={"bidder": f"business-{winner.id}"}).status_code == 302
    award_url = f"/partner/opportunities/{opportunity_id}/award"
    bad = officer.post(award_url, data={"bidder": f"business-{winner.id}", "value": "lots", "on": _day(TODAY)})
    assert bad.status_code == 400 and "The value" in bad.get_data(as_text=True)
    done = officer.post(award_url, data={"bidder": f"business-{winner.id}", "value": "£48,500", "on": _day(TODAY)})
    assert done.status_code == 302
    with tenant_context(council.id):
        contract = db.session.scalars(select(Contract)).one()
        assert (contract.value_pence, contract.supplier_name_as_given) == (48_500_00, "Maltby Mowers")
        assert done.headers["Location"].endswith(f"/social-value/contracts/{contract.id}")
        proposal = db.session.scalars(select(ProposedCommitment)).one()
    contract_page = officer.get(f"/social-value/contracts/{contract.id}").get_data(as_text=True)
    assert 'data-testid="proposals"' in contract_page and "Towpath" in contract_page
    again = officer.post(award_url, data={"bidder": f"business-{winner.id}", "value": "1", "on": _day(TODAY)})
    assert again.status_code == 302  # sent back: an awarded opportunity has no award form
    assert officer.post(f"/social-value/proposed-commitments/{proposal.id}", data={"drop": "1"}).status_code == 302
    with tenant_context(council.id):
        assert db.session.scalar(select(func.count(Contract.id))) == 1
        assert db.session.get(ProposedCommitment, proposal.id).status == "dropped"
    bids_page = officer.get(bids_url).get_data(as_text=True)
    assert "Won" in bids_page and "£48,500" in bids_page


def test_a_viewer_sees_bids_but_cannot_record_them(council, make_user, sign_in, make_opportunity):
    opportunity_id = make_opportunity(council)
    viewer = sign_in(make_user(council, "viewer"))
    assert viewer.get(f"/partner/opportunities/{opportunity_id}/bids").status_code == 200
    assert viewer.post(f"/partner/opportunities/{opportunity_id}/bids", data={"bidder": "business-1"}).status_code == 403
    assert viewer.get(f"/partner/opportunities/{opportunity_id}/award").status_code == 403


def test_the_forward_plan_lists_published_planned_purchases_by_division_and_band(client, council, network, make_opportunity):
    soon = _planned(council, "Grounds maintenance for Maltby parks", 90)
    later = _planned(council, "New depot roof", 300, cpv="45261000", band="214k_to_1m")
    too_far = _planned(council, "Fleet replacement", 600, cpv="34100000")
    draft = _planned(council, "Secret plan", 60, publish=False)
    tender = make_opportunity(council, title="Open tender now")
    page = client.get(f"/networks/{network.slug}/forward-plan").get_data(as_text=True)
    assert f'data-testid="planned-{soon}"' in page and f'data-testid="planned-{later}"' in page
    assert f"planned-{too_far}" not in page and "Secret plan" not in page and f"planned-{tender}" not in page
    assert 'data-testid="division-45"' in page and 'data-testid="division-77"' in page
    assert page.index('data-testid="division-45"') < page.index('data-testid="division-77"')
    six = client.get(f"/networks/{network.slug}/forward-plan?months=6").get_data(as_text=True)
    assert f"planned-{soon}" in six and f"planned-{later}" not in six
    assert client.get(f"/networks/{network.slug}/forward-plan?months=99").status_code == 400
    assert f"planned-{soon}" in client.get("/forward-plan").get_data(as_text=True)
    assert draft


def test_planned_purchases_leave_the_open_list_but_are_in_the_feed(client, council, network, make_opportunity):
    planned = _planned(council, "Grounds maintenance for Maltby parks", 90)
    make_opportunity(council, title="Open tender now")
    listing = client.get(f"/networks/{network.slug}/opportunities").get_data(as_text=True)
    assert "Open tender now" in listing and "Grounds maintenance for Maltby parks" not in listing
    assert "forward-plan-link" in listing
    feed = client.get(f"/networks/{network.slug}/opportunities.atom").get_data(as_text=True)
    assert "Grounds maintenance for Maltby parks" in feed and "not out to tender yet, expected to go to tender in" in feed
    public = client.get(f"/networks/{network.slug}/opportunities/{planned}").get_data(as_text=True)
    assert 'data-testid="planned-note"' in public


def test_months_after_keeps_the_day_or_the_months_last():
    assert months_after(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert months_after(date(2026, 12, 3), 18) == date(2028, 6, 3)
