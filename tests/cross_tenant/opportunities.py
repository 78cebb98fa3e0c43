"""Cross-tenant probes for opportunities and social value asks.

Partner A's people asking for partner B's opportunity or ask (to read, change,
publish, close or withdraw it) get 404 and change nothing; the public pages never
show a draft, nor an ask on a draft, and a network's pages 404 for another
network's opportunity.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.opportunities import services
from portal.opportunities.models import Opportunity, SocialValueAsk
from portal.opportunities.services import AskDetails, OpportunityDetails
from tenants import tenant_context

from .social_value import B_TITLE
from .world import World

# Contains B's secret title, so the isolation matrix watches for it in every answer too.
B_DRAFT = f"{B_TITLE}: draft opportunity"
B_ASK = f"{B_TITLE}: ask on the draft"
B_PUBLISHED = "Grounds maintenance for B's depots"


def _details(title: str) -> OpportunityDetails:
    return OpportunityDetails(
        title=title, description="Private until published.", cpv_codes=["77314000"], value_band="10k_to_50k",
        estimated_value_pence=None, delivery_location="", delivery_districts=["S60"], suitable_for_sme=True,
        suitable_for_vcse=False, closing_date=date.today() + timedelta(days=20), contact_name="Bea",
        contact_email="bea@b.org",
    )


def b_objects(w: World) -> dict:
    """Partner B's draft opportunity with an ask on it, and a published opportunity."""
    with tenant_context(w.b_partner.id):
        draft = services.create_opportunity(db.session, _details(B_DRAFT))
        ask = services.create_ask(db.session, AskDetails(kind="mentoring", title=B_ASK, opportunity_id=draft.id))
        published = services.create_opportunity(db.session, _details(B_PUBLISHED))
        services.publish_opportunity(db.session, published)
        db.session.commit()
        return {"draft": draft.id, "ask": ask.id, "published": published.id}


def matrix_targets(base, other_sme) -> dict:
    """The isolation matrix's URL arguments: B's draft, the ask on it, and an action."""
    b = b_objects(base)
    return {"opportunity_id": b["draft"], "ask_id": b["ask"], "action": "publish"}


def _b_state(w: World):
    db.session.expire_all()
    with tenant_context(w.b_partner.id):
        return (
            db.session.execute(select(Opportunity.id, Opportunity.title, Opportunity.status).order_by(Opportunity.id)).all(),
            db.session.execute(select(SocialValueAsk.id, SocialValueAsk.status, SocialValueAsk.title)).all(),
        )


def _partner_probe(requests_for):
    """A's officer, admin and the network's lead (an officer of A) get 404; B's rows are unchanged; B itself gets 200."""

    def probe(w: World):
        b = b_objects(w)
        before = _b_state(w)
        for client in (w.sign_in(w.a_officer), w.sign_in(w.a_admin), w.sign_in(w.lead)):
            for method, url, data in requests_for(b):
                response = client.open(url, method=method.upper(), data=data)
                assert response.status_code == 404, (method, url, response.status_code)
                assert B_DRAFT.encode() not in response.data and B_ASK.encode() not in response.data
        assert _b_state(w) == before
        owner = w.sign_in(w.b_admin)
        for method, url, _ in requests_for(b):
            if method == "get":
                assert owner.get(url).status_code == 200, url

    return probe


def _own_list_probe(url: str):
    """A's pages list A's rows only: B's draft and ask never appear."""

    def probe(w: World):
        b_objects(w)
        for client in (w.sign_in(w.a_officer), w.sign_in(w.lead)):
            response = client.get(url)
            assert response.status_code == 200
            assert B_DRAFT.encode() not in response.data and B_ASK.encode() not in response.data
            assert B_PUBLISHED.encode() not in response.data

    return probe


def _new_with_b_opportunity(w: World):
    """A's officer cannot hang an ask on B's opportunity."""
    b = b_objects(w)
    before = _b_state(w)
    client = w.sign_in(w.a_officer)
    response = client.post("/partner/asks/new", data={"kind": "mentoring", "title": "Hijack", "opportunity_id": b["draft"]})
    assert response.status_code == 400
    assert B_DRAFT.encode() not in response.data
    assert _b_state(w) == before
    with tenant_context(w.a_partner.id):
        assert db.session.scalar(select(SocialValueAsk.id)) is None


def _new_opportunity(w: World):
    """A new opportunity is A's own: B's list is unchanged and B cannot open it."""
    b_objects(w)
    before = _b_state(w)
    client = w.sign_in(w.a_officer)
    response = client.post("/partner/opportunities/new", data={
        "title": "A's own work", "description": "Painting", "cpv": "45442100", "value_band": "under_10k",
        "closing_date": ["1", "1", str(date.today().year + 1)],
        "contact_name": "Al", "contact_email": "al@a.org", "lots-0-title": "",
    })
    assert response.status_code == 302
    assert _b_state(w) == before
    new_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    assert w.sign_in(w.b_admin).get(f"/partner/opportunities/{new_id}").status_code == 404


def _public_probe(url_for_b, *, other_network_404=True):
    """Anyone, signed in or not, never sees B's draft or its ask; the other network's address 404s."""

    def probe(w: World):
        b = b_objects(w)
        slug, other = w.network.slug, w.other_network.slug
        clients = (w.sign_in(w.a_officer), w.sign_in(w.other_lead), w.sign_in.app.test_client())
        for client in clients:
            response = client.get(url_for_b(slug, b))
            assert response.status_code in (200, 404)
            assert B_DRAFT.encode() not in response.data and B_ASK.encode() not in response.data
            if other_network_404:
                assert client.get(url_for_b(other, b)).status_code == 404

    return probe


def _published_page(w: World):
    """The published opportunity is public in its own network, and 404 under another network's address."""
    b = b_objects(w)
    client = w.sign_in(w.other_lead)
    assert client.get(f"/networks/{w.network.slug}/opportunities/{b['published']}").status_code == 200
    assert client.get(f"/networks/{w.other_network.slug}/opportunities/{b['published']}").status_code == 404
    assert client.get(f"/networks/{w.network.slug}/opportunities/{b['draft']}").status_code == 404


def _other_network_lists(endpoint_url):
    """Another network's list shows none of this network's opportunities or asks."""

    def probe(w: World):
        b_objects(w)
        response = w.sign_in(w.a_officer).get(endpoint_url(w.other_network.slug))
        assert response.status_code == 200
        assert B_PUBLISHED.encode() not in response.data
        assert B_DRAFT.encode() not in response.data and B_ASK.encode() not in response.data

    return probe


def _both(first, second):
    def probe(w: World):
        first(w)
        db.session.rollback()
        second(w)

    return probe


PROBES = {
    "opportunities.mine": _own_list_probe("/partner/opportunities"),
    "opportunities.my_asks": _own_list_probe("/partner/asks"),
    "opportunities.new": _new_opportunity,
    "opportunities.new_ask": _new_with_b_opportunity,
    "opportunities.manage": _partner_probe(lambda b: [("get", f"/partner/opportunities/{b['draft']}", None)]),
    "opportunities.edit": _partner_probe(lambda b: [
        ("get", f"/partner/opportunities/{b['draft']}/edit", None),
        ("post", f"/partner/opportunities/{b['draft']}/edit", {"title": "Hijacked"}),
    ]),
    "opportunities.change_status": _partner_probe(lambda b: [
        ("post", f"/partner/opportunities/{b['draft']}/publish", {}),
        ("post", f"/partner/opportunities/{b['published']}/close", {}),
        ("post", f"/partner/opportunities/{b['published']}/withdraw", {}),
    ]),
    "opportunities.ask": _partner_probe(lambda b: [("get", f"/partner/asks/{b['ask']}", None)]),
    "opportunities.ask_status": _partner_probe(lambda b: [("post", f"/partner/asks/{b['ask']}/status", {"status": "closed"})]),
    "opportunities.public_list": _public_probe(lambda slug, b: "/opportunities?q=secret", other_network_404=False),
    "opportunities.network_list": _other_network_lists(lambda slug: f"/networks/{slug}/opportunities"),
    "opportunities.public_opportunity": _published_page,
    "opportunities.feed": _both(
        _public_probe(lambda slug, b: f"/networks/{slug}/opportunities.atom", other_network_404=False),
        _other_network_lists(lambda slug: f"/networks/{slug}/opportunities.atom"),
    ),
    "opportunities.ocds_package": _both(
        _public_probe(lambda slug, b: f"/networks/{slug}/opportunities.ocds.json", other_network_404=False),
        _other_network_lists(lambda slug: f"/networks/{slug}/opportunities.ocds.json"),
    ),
    "opportunities.ocds_opportunity": _public_probe(lambda slug, b: f"/networks/{slug}/opportunities/{b['published']}.ocds.json"),
    "opportunities.public_asks": _public_probe(lambda slug, b: "/social-value-asks", other_network_404=False),
    "opportunities.network_asks": _public_probe(lambda slug, b: f"/networks/{slug}/social-value-asks", other_network_404=False),
}
