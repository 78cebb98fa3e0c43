"""What an SME and a partner see and do on the matching pages, and the weekly digest."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.accounts.tokens import make_digest_unsubscribe_token
from portal.extensions import db
from portal.mail.models import OutgoingEmail
from portal.matching import digest, services
from portal.matching.models import DigestSent, OpportunityInterest
from portal.smes.models import SmeProfile
from tenants import business_context, tenant_context
from tests.test_accounts import delivered


@pytest.fixture
def matched(make_network, make_partner, make_user, make_business, make_opportunity):
    network = make_network()
    council, police = make_partner("Council", network), make_partner("Police", network)
    roofer = make_business("Slate & Co", network, cpv_codes=("45261000",), what_we_do="Slate roofing and guttering",
                           wants_weekly_digest=True)
    rival = make_business("Rival Roofs", network, cpv_codes=("45261000",), what_we_do="Roofing")
    roof = make_opportunity(council, "Depot roof repairs", "Slate roofing", ("45261000",))
    police_roof = make_opportunity(police, "Station roof", "Slate roofing", ("45261000",))
    services.match_network(db.session, network.id)
    db.session.commit()
    return {"network": network, "council": council, "police": police, "roofer": roofer, "rival": rival, "roof": roof,
            "police_roof": police_roof, "council_officer": make_user(council, "officer"),
            "police_officer": make_user(police, "officer")}


def test_does_an_sme_see_its_matches_with_reasons(matched, sign_in):
    page = sign_in(matched["roofer"].owner).get("/matches").get_data(as_text=True)
    assert "Depot roof repairs" in page and "Station roof" in page
    assert "delivered in S60, where you are" in page and "value within your band" in page


def test_is_saying_interested_twice_one_row_and_can_it_be_withdrawn(matched, sign_in):
    client = sign_in(matched["roofer"].owner)
    url = f"/opportunities/{matched['roof']}/interest"
    for message in ("We roof depots", "We roof depots, and quickly"):
        assert client.post(url, data={"message": message, "contact_email": "jo@slate.example"}).status_code == 302
    with business_context(matched["roofer"].id):
        rows = db.session.scalars(select(OpportunityInterest)).all()
        assert [(r.message, r.organisation_id, r.withdrawn_at) for r in rows] == [
            ("We roof depots, and quickly", matched["council"].id, None)]
    assert client.post(f"{url}/withdraw").status_code == 302
    assert "You said you are interested" not in client.get("/matches").get_data(as_text=True)


def test_is_a_bad_email_address_refused_with_a_message(matched, sign_in):
    response = sign_in(matched["roofer"].owner).post(
        f"/opportunities/{matched['roof']}/interest", data={"contact_email": "not an address"})
    assert response.status_code == 200 and "Enter an email address like name@example.org" in response.get_data(as_text=True)


def test_does_a_partner_see_interest_in_its_own_opportunities_only(matched, sign_in):
    sign_in(matched["roofer"].owner).post(f"/opportunities/{matched['roof']}/interest",
                                          data={"message": "Council pitch", "contact_email": "jo@slate.example"})
    council = sign_in(matched["council_officer"])
    page = council.get(f"/partner/opportunities/{matched['roof']}/businesses").get_data(as_text=True)
    assert "Council pitch" in page and "jo@slate.example" in page and "Rival Roofs" in page
    assert council.get(f"/partner/opportunities/{matched['police_roof']}/businesses").status_code == 404
    police = sign_in(matched["police_officer"])
    page = police.get(f"/partner/opportunities/{matched['police_roof']}/businesses").get_data(as_text=True)
    assert "Council pitch" not in page and "Slate &amp; Co" in page
    with tenant_context(matched["police"].id):
        assert db.session.scalar(select(func.count()).select_from(OpportunityInterest)) == 0


def test_does_the_digest_go_to_those_who_opted_in_once_a_week(matched, app):
    today = date.today()
    with app.test_request_context():
        first = digest.send_weekly_digests(db.session, today)
        db.session.commit()
        again = digest.send_weekly_digests(db.session, today)
        db.session.commit()
    assert (first, again) == (1, 0)
    emails = db.session.scalars(select(OutgoingEmail)).all()
    assert [e.recipient for e in emails] == [matched["roofer"].owner.email]
    body = delivered(emails[0])
    assert "Depot roof repairs" in body and "/weekly-digest/stop/" in body
    with business_context(matched["roofer"].id):
        assert db.session.scalar(select(DigestSent.week_start)) == digest.week_of(today)


def test_does_the_link_in_the_digest_turn_it_off(matched, client, app):
    with app.test_request_context():
        token = make_digest_unsubscribe_token(matched["roofer"].id)
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        assert "Stop the weekly email" in client.get(f"/weekly-digest/stop/{token}").get_data(as_text=True)
        assert client.post(f"/weekly-digest/stop/{token}").status_code == 200
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    with business_context(matched["roofer"].id):
        assert db.session.scalar(select(SmeProfile.wants_weekly_digest)) is False
