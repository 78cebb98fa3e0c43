"""Cross-tenant probes for matching: an SME never reaches another SME's matches, interest or offers; a partner
never sees the matched or interested businesses of another partner's opportunity; a lead of another network
neither; a forged digest link turns nobody's digest off."""
from __future__ import annotations

from sqlalchemy import select

from portal.accounts.tokens import make_reset_token
from portal.extensions import db
from portal.matching import services
from portal.matching.models import AskOffer, OpportunityInterest
from portal.opportunities import services as opportunity_services
from portal.opportunities.models import SocialValueAsk
from portal.smes.models import SmeProfile
from tenants import business_context, tenant_context

from .opportunities import _details, b_objects
from .smes import _business
from .world import World

SECRET_MESSAGE = "Firm B private pitch to partner B"


def _setting(w: World) -> dict:
    """B's published opportunity and an open ask; Firm A and Firm B both matched; Firm B interested and offering."""
    ids = b_objects(w)
    firm_a = _business(w, "Firm A", "owner@firm-a.example", "Grounds maintenance and grass cutting", codes=("77314000",))
    firm_b = _business(w, "Firm B", "owner@firm-b.example", "Grounds maintenance, hedges", codes=("77314000",))
    with tenant_context(w.b_partner.id):
        ask = db.session.get(SocialValueAsk, ids["ask"])
        ask.opportunity_id = ids["published"]
        db.session.commit()
    services.match_network(db.session, w.network.id)
    db.session.commit()
    with business_context(firm_b.id):
        db.session.add(OpportunityInterest(opportunity_id=ids["published"], organisation_id=w.b_partner.id,
                                           message=SECRET_MESSAGE, contact_email="pitch@firm-b.example"))
        db.session.add(AskOffer(ask_id=ids["ask"], organisation_id=w.b_partner.id, message=SECRET_MESSAGE))
        profile = db.session.scalar(select(SmeProfile))
        profile.wants_weekly_digest = True
        db.session.commit()
    return {**ids, "firm_a": firm_a, "firm_b": firm_b}


def _firm_b_state(s: dict):
    db.session.expire_all()
    with business_context(s["firm_b"].id):
        return (
            db.session.execute(select(OpportunityInterest.id, OpportunityInterest.message,
                                      OpportunityInterest.withdrawn_at)).all(),
            db.session.execute(select(AskOffer.id, AskOffer.message)).all(),
            db.session.scalar(select(SmeProfile.wants_weekly_digest)),
        )


def probe_your_matches(w: World):
    s = _setting(w)
    body = w.sign_in(s["firm_a"].owner).get("/matches").get_data(as_text=True)
    assert f'id="opportunity-{s["published"]}"' in body  # Firm A's own match
    assert SECRET_MESSAGE not in body and "pitch@firm-b.example" not in body and "Firm B" not in body
    assert w.sign_in(w.a_admin).get("/matches").status_code == 403


def probe_interest_in(w: World):
    s = _setting(w)
    client = w.sign_in(s["firm_a"].owner)
    # A draft is no business's to be interested in; nor is another network's opportunity.
    assert client.get(f"/opportunities/{s['draft']}/interest").status_code == 404
    assert client.post(f"/opportunities/{s['draft']}/interest", data={"message": "x"}).status_code == 404
    page = client.get(f"/opportunities/{s['published']}/interest").get_data(as_text=True)
    assert SECRET_MESSAGE not in page and "pitch@firm-b.example" not in page
    assert w.sign_in(w.a_admin).get(f"/opportunities/{s['published']}/interest").status_code == 403


def probe_withdraw_interest(w: World):
    s = _setting(w)
    before = _firm_b_state(s)
    assert w.sign_in(s["firm_a"].owner).post(f"/opportunities/{s['published']}/interest/withdraw").status_code == 404
    assert _firm_b_state(s) == before


def probe_offer(w: World):
    s = _setting(w)
    client = w.sign_in(s["firm_a"].owner)
    page = client.get(f"/social-value-asks/{s['ask']}/offer").get_data(as_text=True)
    assert SECRET_MESSAGE not in page
    with tenant_context(w.b_partner.id):
        ask = db.session.get(SocialValueAsk, s["ask"])
        ask.status = "closed"
        db.session.commit()
    assert client.get(f"/social-value-asks/{s['ask']}/offer").status_code == 404


def probe_withdraw_offer(w: World):
    s = _setting(w)
    before = _firm_b_state(s)
    assert w.sign_in(s["firm_a"].owner).post(f"/social-value-asks/{s['ask']}/offer/withdraw").status_code == 404
    assert _firm_b_state(s) == before


def probe_businesses_for(w: World):
    s = _setting(w)
    url = f"/partner/opportunities/{s['published']}/businesses"
    for person in (w.a_admin, w.a_officer, w.other_lead, w.lead):
        response = w.sign_in(person).get(url)
        assert response.status_code == 404, person.email
        assert SECRET_MESSAGE not in response.get_data(as_text=True)
    assert w.sign_in(s["firm_a"].owner).get(url).status_code == 403
    own = w.sign_in(w.b_admin).get(url).get_data(as_text=True)
    assert SECRET_MESSAGE in own and "Firm A" in own  # the partner does see its own


def probe_interested_business(w: World):
    """Firm B's profile opens for partner B through its interest in B's opportunity, and for nobody else:
    not partner A, nor a lead, nor Firm A; and Firm A, matched but not interested, stays closed even to B."""
    s = _setting(w)
    firm_b, firm_a = s["firm_b"], s["firm_a"]
    url = f"/partner/opportunities/{s['published']}/businesses/{firm_b.id}"
    for person in (w.a_admin, w.a_officer, w.other_lead, w.lead):
        response = w.sign_in(person).get(url)
        assert response.status_code == 404, person.email
        assert "Grounds maintenance, hedges" not in response.get_data(as_text=True)
    # Partner A, through its own opportunity's address, finds no business that never said it was interested in it.
    with tenant_context(w.a_partner.id):
        a_published = opportunity_services.create_opportunity(db.session, _details("Partner A's own work"))
        opportunity_services.publish_opportunity(db.session, a_published)
        db.session.commit()
        a_published = a_published.id
    assert w.sign_in(w.a_admin).get(f"/partner/opportunities/{a_published}/businesses/{firm_b.id}").status_code == 404
    assert w.sign_in(firm_a.owner).get(url).status_code == 403
    own = w.sign_in(w.b_admin)
    assert "Grounds maintenance, hedges" in own.get(url).get_data(as_text=True)
    assert own.get(f"/partner/opportunities/{s['published']}/businesses/{firm_a.id}").status_code == 404


def probe_unsubscribe(w: World):
    s = _setting(w)
    client = w.sign_in(s["firm_a"].owner)
    # A link signed for another purpose (a password reset) is not a digest link.
    forged = make_reset_token(s["firm_b"].owner)
    assert client.post(f"/weekly-digest/stop/{forged}").status_code == 400
    assert client.post("/weekly-digest/stop/forged-token").status_code == 400
    assert _firm_b_state(s)[2] is True


PROBES = {
    "matching.your_matches": probe_your_matches,
    "matching.interest_in": probe_interest_in,
    "matching.withdraw_interest": probe_withdraw_interest,
    "matching.offer": probe_offer,
    "matching.withdraw_offer": probe_withdraw_offer,
    "matching.businesses_for": probe_businesses_for,
    "matching.interested_business": probe_interested_business,
    "matching.unsubscribe": probe_unsubscribe,
}
