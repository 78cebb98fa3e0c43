"""Do the funnel pages show the counts with small ones suppressed, only to whom they belong, and the public the value won?"""
from __future__ import annotations

from datetime import date

from portal.extensions import db
from portal.opportunities import awards, services
from portal.opportunities.awards import Bidder
from portal.social_value.totals import year_of
from tenants import tenant_context
from tests.opportunities.conftest import details


def _award(partner, business, pence):
    with tenant_context(partner.id):
        opportunity = services.create_opportunity(db.session, details(title=f"Work for {business.name}"))
        awards.record_award(db.session, opportunity, Bidder(business_id=business.id), pence, date.today())
        db.session.commit()


def test_a_partner_sees_its_funnel_and_the_networks_with_small_counts_suppressed(
        make_network, make_partner, make_user, make_business, sign_in, client):
    network = make_network()
    council, police = make_partner(network=network), make_partner(network=network)
    firms = [make_business(f"Firm {n}", network=network, postcode="S60 1AA", size_band="small") for n in range(6)]
    for firm in firms[:5]:
        _award(council, firm, 10_000_00)
    _award(police, firms[5], 2_500_00)
    page = sign_in(make_user(council, "viewer")).get("/partner/funnel").get_data(as_text=True)
    own, whole = page.split('data-testid="funnel-2"')
    assert 'data-testid="registered">6<' in own and 'data-testid="won">5<' in own and "£50,000<" in own
    assert 'data-testid="won">6<' in whole and "£52,500<" in whole
    police_page = sign_in(make_user(police, "viewer")).get("/partner/funnel").get_data(as_text=True)
    assert 'data-testid="won">fewer than 5<' in police_page.split('data-testid="funnel-2"')[0]
    assert "£2,500<" in police_page

    public = client.get(f"/networks/{network.slug}").get_data(as_text=True)
    assert 'data-testid="value-won-local-sme">£52,500<' in public


def test_only_the_lead_sees_the_networks_funnel(make_network, make_partner, make_user, sign_in):
    network = make_network()
    council = make_partner(network=network)
    lead = sign_in(make_user(council, "admin", lead_of=network))
    page = lead.get(f"/network/{network.id}/funnel?year={year_of(network, date.today())}")
    assert page.status_code == 200 and council.name in page.get_data(as_text=True)
    assert sign_in(make_user(council, "admin")).get(f"/network/{network.id}/funnel").status_code == 404


def test_the_funnel_of_businesses_the_partners_supported_counts_only_them(
        make_network, make_partner, make_user, make_business, sign_in):
    """Support given (or an event attended) in the year puts a business in the supported funnel; others stay out."""
    from decimal import Decimal

    from portal.support import records

    network = make_network()
    council = make_partner(network=network)
    firms = [make_business(f"Helped {n}", network=network, postcode="S60 1AA", size_band="small") for n in range(7)]
    for firm in firms:
        _award(council, firm, 1_000_00)
    with tenant_context(council.id):
        for firm in firms[:6]:
            records.record_support(db.session, council, records.SupportDetails(
                business_id=firm.id, kind="bid_writing", given_on=date.today(), hours=Decimal(2), programme="Go For Growth"))
        db.session.commit()
    page = sign_in(make_user(council, "admin", lead_of=network)).get(f"/network/{network.id}/funnel").get_data(as_text=True)
    supported = page.split('data-testid="funnel-2"')[1].split('data-testid="funnel-3"')[0]
    whole = page.split('data-testid="funnel-1"')[1].split('data-testid="funnel-2"')[0]
    assert 'data-testid="won">7<' in whole and "£7,000<" in whole
    assert 'data-testid="won">6<' in supported and "£6,000<" in supported
