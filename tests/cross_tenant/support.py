"""Cross-tenant probes for support, events, conduit partners and VCSEs' asks.

Partner A's people asking for partner B's event, registrations, follow-up list, a VCSE's ask sent to B
or an offer on B's ask get 404 and change nothing; a business sees only its own support and events,
and another network's business none of this network's events.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.matching.models import AskOffer
from portal.opportunities import services as opportunity_services
from portal.opportunities.models import SocialValueAsk
from portal.smes.models import SmeProfile
from portal.support.models import BusinessAsk, EventRegistration, SupportEvent, SupportRecord
from tenants import business_context, tenant_context
from tenants.businesses import Business
from tenants.models import User

from .world import World

B_EVENT = "Partner B private supplier day"
B_PROGRAMME = "Partner B private programme"
X_CONTACT = "Xena of Business X"
X_ASK = "Business X private ask"


def _business(network, name: str, vcse: bool = False) -> Business:
    business = Business(network_id=network.id, name=name)
    db.session.add(business)
    db.session.flush()
    business_id = business.id
    db.session.add(User(email=f"owner@{business_id}.business.example", name=f"Owner of {name}", business_id=business_id,
                        email_verified_at=datetime.now(UTC), password_hash="x"))
    db.session.commit()
    with business_context(business_id):
        db.session.add(SmeProfile(postcode="S60 1AA", postcode_district="S60", size_band="small", charity=vcse))
        db.session.commit()
    return business


def support_rows(b_partner, business, ask_id: int | None = None, past: bool = True) -> dict:
    """B's event (past, or future), the business's registration and support from B, its ask to B, its offer on B's ask."""
    starts = datetime.now(UTC) + (timedelta(days=-2) if past else timedelta(days=12))
    # Ids read once: on PostgreSQL an expired partner row cannot be read again outside its own scope.
    b_id, business_id = b_partner.id, business.id
    with tenant_context(b_id):
        event = SupportEvent(kind="supplier_day", title=B_EVENT, starts_at=starts, place="B's depot", capacity=5)
        db.session.add(event)
        db.session.flush()
        db.session.add(SupportRecord(organisation_id=b_id, business_id=business_id, kind="mentoring", given_on=date(2025, 6, 1), hours=2,
                                     programme=B_PROGRAMME, notes="B's notes"))
        if ask_id is None:
            ask_id = opportunity_services.create_ask(db.session, opportunity_services.AskDetails(
                kind="mentoring", title="B's open ask")).id
        db.session.commit()
        event_id = event.id
    with business_context(business_id):
        db.session.add(EventRegistration(event_id=event_id, organisation_id=b_id, contact_name=X_CONTACT,
                                         contact_email="xena@x.example"))
        ask = BusinessAsk(organisation_id=b_id, kind="mentoring", title=X_ASK, description="Private detail")
        offer = AskOffer(ask_id=ask_id, organisation_id=b_id, message=X_CONTACT)
        db.session.add_all([ask, offer])
        db.session.commit()
        return {"event_id": event_id, "business_ask_id": ask.id, "offer_id": offer.id, "ask_id": ask_id}


def matrix_targets(base, other_sme) -> dict:
    """The isolation matrix's URL arguments: B's past event, the other SME's ask to B and its offer on B's ask."""
    b_id = base.b_partner.id
    with tenant_context(b_id):
        ask_id = db.session.scalar(select(SocialValueAsk.id).order_by(SocialValueAsk.id))
    rows = support_rows(base.b_partner, other_sme, ask_id)
    with tenant_context(b_id):
        # The matrix's secret words, on rows of B and of the other SME.
        db.session.get(SupportEvent, rows["event_id"]).description = base_secret()
        db.session.commit()
    return {k: rows[k] for k in ("event_id", "business_ask_id", "offer_id")}


def base_secret() -> str:
    from tests.isolation.world import OTHER_SME_SECRET

    return OTHER_SME_SECRET


def _state(w: World, business_id: int):
    db.session.expire_all()
    with tenant_context(w.b_partner.id):
        b = (db.session.execute(select(SupportEvent.id, SupportEvent.title, SupportEvent.capacity)).all(),
             db.session.execute(select(EventRegistration.id, EventRegistration.attended, EventRegistration.contact_name)).all(),
             db.session.execute(select(BusinessAsk.id, BusinessAsk.status, BusinessAsk.ask_id)).all(),
             db.session.execute(select(AskOffer.id, AskOffer.accepted_at, AskOffer.commitment_id)).all(),
             db.session.execute(select(SocialValueAsk.id, SocialValueAsk.status)).all())
    return b


def _partner_probe(requests_for):
    """A's officer, admin and the network's lead get 404 for B's rows; nothing changes; B's admin reads its own."""

    def probe(w: World):
        x = _business(w.network, "Business X")
        rows = support_rows(w.b_partner, x)
        before = _state(w, x.id)
        for client in (w.sign_in(w.a_officer), w.sign_in(w.a_admin), w.sign_in(w.lead)):
            for method, url, data in requests_for(rows):
                response = client.open(url, method=method.upper(), data=data)
                assert response.status_code == 404, (method, url, response.status_code)
                assert X_CONTACT.encode() not in response.data and B_EVENT.encode() not in response.data
        assert _state(w, x.id) == before
        owner = w.sign_in(w.b_admin)
        for method, url, _ in requests_for(rows):
            if method == "get":
                assert owner.get(url).status_code == 200, url

    return probe


def _own_list_probe(url: str):
    """A's lists show none of B's events, support or VCSE asks."""

    def probe(w: World):
        x = _business(w.network, "Business X")
        support_rows(w.b_partner, x)
        for client in (w.sign_in(w.a_officer), w.sign_in(w.lead)):
            response = client.get(url)
            assert response.status_code == 200
            for secret in (B_EVENT, B_PROGRAMME, X_ASK, X_CONTACT):
                assert secret.encode() not in response.data, (url, secret)
        assert w.sign_in(w.b_admin).get(url).status_code == 200

    return probe


def _new_rows_are_own(url: str, data):
    """What A's officer records is A's: B's rows are unchanged."""

    def probe(w: World):
        x = _business(w.network, "Business X")
        support_rows(w.b_partner, x)
        before = _state(w, x.id)
        response = w.sign_in(w.a_officer).post(url, data=data(x))
        assert response.status_code in (302, 400)
        assert _state(w, x.id) == before

    return probe


def _business_probe(url_for_rows, *, own_words=()):
    """Another business of the network, and a business of another network, see nothing of Business X's or B's private rows."""

    def probe(w: World):
        x = _business(w.network, "Business X")
        rows = support_rows(w.b_partner, x, past=False)
        before = _state(w, x.id)
        for other in (_business(w.network, "Business Z", vcse=True), _business(w.other_network, "Business Y")):
            client = w.sign_in(db.session.scalar(select(User).where(User.business_id == other.id)))
            for method, url, data in url_for_rows(rows):
                response = client.open(url, method=method.upper(), data=data)
                assert response.status_code < 500
                for secret in (B_PROGRAMME, X_CONTACT, X_ASK):
                    assert secret.encode() not in response.data, (url, secret)
                if other.network_id != w.network.id:
                    assert B_EVENT.encode() not in response.data
        assert _state(w, x.id)[:4] == before[:4]
        own = w.sign_in(db.session.scalar(select(User).where(User.business_id == x.id)))
        for method, url, _ in url_for_rows(rows):
            if method == "get":
                page = own.get(url)
                assert page.status_code in (200, 403, 404)
                for word in own_words:
                    assert word.encode() in page.data

    return probe


def _other_network_cannot_register(w: World):
    x = _business(w.network, "Business X")
    rows = support_rows(w.b_partner, x, past=False)
    y = _business(w.other_network, "Business Y")
    client = w.sign_in(db.session.scalar(select(User).where(User.business_id == y.id)))
    assert client.get(f"/events/{rows['event_id']}/register").status_code == 404
    assert client.post(f"/events/{rows['event_id']}/register", data={"contact_name": "Y", "contact_email": "y@y.example"}).status_code == 404
    assert client.post(f"/events/{rows['event_id']}/cancel").status_code == 404
    with business_context(y.id):
        assert db.session.scalars(select(EventRegistration)).all() == []


def _network_figures(w: World):
    """Only the network's lead reads its support figures; another network's lead and A's admin get 404."""
    for client in (w.sign_in(w.other_lead), w.sign_in(w.a_admin)):
        assert client.get(f"/network/{w.network.id}/support").status_code == 404
    assert w.sign_in(w.lead).get(f"/network/{w.network.id}/support").status_code == 200


PROBES = {
    "support.partner_support": _own_list_probe("/partner/support"),
    "support.partner_events": _own_list_probe("/partner/events"),
    "support.sent_asks": _own_list_probe("/partner/vcse-asks"),
    "support.new_support": _new_rows_are_own("/partner/support/new", lambda x: {
        "business_id": str(x.id), "kind": "mentoring", "given_on": ["1", "6", "2025"], "hours": "1"}),
    "support.new_event": _new_rows_are_own("/partner/events/new", lambda x: {
        "kind": "supplier_day", "title": "A's day", "day": ["1", "1", str(date.today().year + 1)], "starts": "09:00",
        "place": "A's hall", "capacity": "10"}),
    "support.event": _partner_probe(lambda r: [("get", f"/partner/events/{r['event_id']}", None)]),
    "support.attendance": _partner_probe(lambda r: [("post", f"/partner/events/{r['event_id']}/attendance", {})]),
    "support.follow_up": _partner_probe(lambda r: [("get", f"/partner/events/{r['event_id']}/follow-up.csv", None)]),
    "support.sent_ask": _partner_probe(lambda r: [
        ("get", f"/partner/vcse-asks/{r['business_ask_id']}", None),
        ("post", f"/partner/vcse-asks/{r['business_ask_id']}", {"decision": "publish"}),
    ]),
    "support.accept_offer": _partner_probe(lambda r: [
        ("get", f"/partner/asks/{r['ask_id']}/offers/{r['offer_id']}/accept", None),
        ("post", f"/partner/asks/{r['ask_id']}/offers/{r['offer_id']}/accept", {"contract_id": "1", "measure_id": "1", "quantity": "1"}),
    ]),
    "support.business_home": _business_probe(lambda r: [("get", "/your-support", None)], own_words=(B_PROGRAMME, B_EVENT)),
    "support.upcoming": _business_probe(lambda r: [("get", "/events", None)]),
    "support.register": _other_network_cannot_register,
    "support.cancel": _business_probe(lambda r: [("post", f"/events/{r['event_id']}/cancel", {})]),
    "support.business_asks_list": _business_probe(lambda r: [("get", "/your-asks", None)], own_words=(X_ASK,)),
    "support.new_business_ask": _business_probe(lambda r: [
        ("get", "/your-asks/new", None), ("post", "/your-asks/new", {"partner_id": "1", "kind": "mentoring", "title": "Z's"})]),
    "support.asks_near_you": _business_probe(lambda r: [("get", "/social-value-asks/near-you", None)]),
    "support.network_figures": _network_figures,
}
