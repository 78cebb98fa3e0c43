"""Can an operator set up a network from the command line, and does the demo print its logins?"""
from sqlalchemy import func, select

from portal.extensions import db
from tenants.models import Membership, Network, NetworkLead, Organisation, User


def test_create_network_organisation_and_user(app, app_ctx):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-network", "Rotherham Anchor Network", "--local-area", "S60-S63, S25"])
    assert result.exit_code == 0, result.output
    assert "S60, S61, S62, S63" in result.output
    network = db.session.scalar(select(Network))
    assert network.local_area == ["S25", "S60", "S61", "S62", "S63"]

    result = runner.invoke(args=["create-organisation", network.slug, "Rotherham Council", "--kind", "council"])
    assert result.exit_code == 0, result.output
    organisation = db.session.scalar(select(Organisation))

    result = runner.invoke(args=["create-user", "Lead@Example.org", "Lee Lead", "--password", "a long enough passphrase here",
                                 "--organisation", organisation.slug, "--role", "admin", "--lead-of", network.slug])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert user.email == "lead@example.org"
    assert db.session.scalar(select(Membership.role)) == "admin"
    assert db.session.scalar(select(func.count(NetworkLead.id))) == 1


def test_bad_input_on_the_command_line_is_refused_clearly(app, app_ctx):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-network", "Bad", "--local-area", "S60-M3"])
    assert result.exit_code != 0 and "not a range of districts in one postcode area" in result.output
    result = runner.invoke(args=["create-user", "x@example.org", "X", "--password", "password"])
    assert result.exit_code != 0 and "at least 12 characters" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0
    assert db.session.scalar(select(func.count(Network.id))) == 0


def test_error_pages_use_the_portal_layout(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page not found" in page and "govuk-template" in page and "Anchor Network Portal" in page


def test_a_server_error_page_says_nothing_was_saved(app):
    from portal import errors

    with app.test_request_context("/"):
        body, status = errors._server_error(RuntimeError("boom"))
    assert status == 500 and "Sorry, there is a problem with the service" in body and "Nothing you entered was saved" in body
    assert "boom" not in body


def test_the_demo_registers_local_smes_publishes_opportunities_and_codes_categories(app, app_ctx):
    """Does the demo (without its year of spend, which takes half a minute) fill the SME side, once?"""
    from portal.demo import build_demo
    from portal.demo.smes import BUSINESS_COUNT, SME_LOGIN
    from portal.gaps import queries as gap_queries
    from portal.matching.models import AskOffer, OpportunityInterest, OpportunityMatch
    from portal.opportunities.models import Opportunity, OpportunityLot, SocialValueAsk
    from portal.smes.models import SmeCategory, SmeProfile
    from tenants import network_wide
    from tenants.businesses import Business

    logins = build_demo(db.session, with_spend=False)
    db.session.commit()
    assert (SME_LOGIN, "a local SME registered with South Yorkshire Demo Anchor Network") in logins
    network = db.session.scalar(select(Network))
    partner_ids = [o.id for o in network.organisations]

    def counts():
        with network_wide(partner_ids, "test: the demo", business_networks=[network.id]):
            return {
                model.__name__: db.session.scalar(select(func.count()).select_from(model))
                for model in (Business, SmeProfile, SmeCategory, Opportunity, OpportunityLot, SocialValueAsk, OpportunityInterest,
                              OpportunityMatch, AskOffer)
            }

    first = counts()
    assert BUSINESS_COUNT - 20 <= first["Business"] == first["SmeProfile"] <= BUSINESS_COUNT
    assert first["SmeCategory"] > first["Business"] and first["Opportunity"] == (12 + 3) * len(partner_ids)  # 3 planned: the forward plan
    assert first["OpportunityLot"] > 0 and first["SocialValueAsk"] > first["Opportunity"] // 2 and first["OpportunityInterest"] >= 25
    assert first["OpportunityMatch"] > first["Opportunity"]  # the full match ran once
    with network_wide(partner_ids, "test: the demo", business_networks=[network.id]):
        published = db.session.scalar(select(func.count(Opportunity.id)).where(Opportunity.status == "published"))
        owner = db.session.scalar(select(User).where(User.email == SME_LOGIN))
        profile = db.session.scalar(select(SmeProfile).where(SmeProfile.business_id == owner.business_id))
        assert published == (10 + 3) * len(partner_ids) - 1 and owner.email_verified_at is not None  # one awarded (closed)
        assert profile.cooperative and profile.is_local
        # The demo SME's matches page has something on it, and it offered to meet an ask.
        assert db.session.scalar(select(func.count(OpportunityMatch.id)).where(OpportunityMatch.business_id == owner.business_id)) >= 2
        assert db.session.scalar(select(func.count(AskOffer.id)).where(AskOffer.business_id == owner.business_id)) == 1
    assert first["AskOffer"] > 10
    supply = gap_queries.local_supply(db.session, network)
    assert supply["45"].businesses > supply["72"].businesses > 0 and sum(s.cooperatives for s in supply.values()) > 0
    assert sum(s.employee_owned for s in supply.values()) > 0

    # A second run adds nothing.
    build_demo(db.session, with_spend=False)
    db.session.commit()
    assert counts() == first
