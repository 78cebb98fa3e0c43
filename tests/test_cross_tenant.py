"""Can anyone of partner A reach partner B's rows through any route? (They must get 404.)

Every route of the app needs an entry in PROBES: either a probe that signs in
as someone of partner A (or a lead of another network) and asks for B's
objects, or a stated reason why the route holds no tenant data. A new route
without an entry fails `test_every_route_has_a_cross_tenant_expectation`.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from portal.extensions import db
from tenants import tenant_context
from tenants.models import Invitation, Membership


@dataclass
class World:
    a_admin: object
    b_admin: object
    a_partner: object
    b_partner: object
    b_invitation_id: int
    network: object
    other_network: object
    other_lead: object
    sign_in: object


@pytest.fixture
def world(make_network, make_partner, make_user, sign_in):
    network = make_network("Shared network")
    other_network = make_network("Other network")
    a, b = make_partner("Partner A", network), make_partner("Partner B", network)
    a_admin = make_user(a, "admin", email="admin@a.org")
    b_admin = make_user(b, "admin", email="admin@b.org", name="Bea B-Admin")
    with tenant_context(b.id):
        invitation = Invitation(email="invitee@b.org", name="Invitee of B", role="viewer")
        db.session.add(invitation)
        db.session.commit()
        b_invitation_id = invitation.id
    other_lead = make_user(make_partner("Outsider", other_network), "admin", lead_of=other_network)
    return World(a_admin, b_admin, a, b, b_invitation_id, network, other_network, other_lead, sign_in)


def probe_withdraw_invitation(w: World):
    client = w.sign_in(w.a_admin)
    response = client.post(f"/people/invitations/{w.b_invitation_id}/withdraw")
    assert response.status_code == 404
    with tenant_context(w.b_partner.id):
        assert db.session.get(Invitation, w.b_invitation_id).revoked_at is None


def probe_people(w: World):
    page = w.sign_in(w.a_admin).get("/people").get_data(as_text=True)
    assert "admin@a.org" in page
    assert "invitee@b.org" not in page and "admin@b.org" not in page and "Bea B-Admin" not in page


def probe_home(w: World):
    page = w.sign_in(w.a_admin).get("/").get_data(as_text=True)
    assert "Partner A" in page and "Partner B" not in page


def probe_switch_partner(w: World):
    client = w.sign_in(w.a_admin)
    assert client.post("/switch-partner", data={"organisation_id": w.b_partner.id}).status_code == 404
    assert "Partner B" not in client.get("/").get_data(as_text=True)


def probe_invite(w: World):
    client = w.sign_in(w.a_admin)
    client.post("/people/invite", data={"name": "New", "email": "new@a.org", "role": "viewer"})
    with tenant_context(w.b_partner.id):
        assert db.session.scalars(select(Invitation.email)).all() == ["invitee@b.org"]
    with tenant_context(w.a_partner.id):
        assert db.session.scalars(select(Invitation.email)).all() == ["new@a.org"]


def probe_network_show(w: World):
    assert w.sign_in(w.other_lead).get(f"/network/{w.network.id}").status_code == 404
    assert w.sign_in(w.a_admin).get(f"/network/{w.network.id}").status_code == 404


def probe_network_add_partner(w: World):
    client = w.sign_in(w.other_lead)
    assert client.get(f"/network/{w.network.id}/partners/new").status_code == 404
    response = client.post(
        f"/network/{w.network.id}/partners/new",
        data={"name": "Sneaky", "kind": "other", "admin_name": "S", "admin_email": "s@s.org"},
    )
    assert response.status_code == 404
    assert all(o.name != "Sneaky" for o in w.network.organisations)


def probe_network_index(w: World):
    # A lead is sent to their own network, never to one they do not lead.
    response = w.sign_in(w.other_lead).get("/network/")
    assert response.headers["Location"].endswith(f"/network/{w.other_network.id}")
    assert w.sign_in(w.a_admin).get("/network/").status_code == 403


def probe_accept_invitation(w: World):
    # The tenant comes from a signed link: a forged one is refused and changes nothing.
    client = w.sign_in(w.a_admin)
    assert client.get("/invitation/not-a-real-token").status_code == 400
    assert db.session.scalar(select(db.func.count(Membership.id)).where(Membership.user_id == w.a_admin.id)) == 1


NO_TENANT_DATA = {
    "static": "our own static files",
    "assets.govuk_asset": "GOV.UK Frontend files from npm",
    "assets.govuk_script": "GOV.UK Frontend script from npm",
    "assets.built_asset": "the compiled stylesheet",
    "accounts.login": "the sign-in form; a user, not a tenant",
    "accounts.logout": "ends the caller's own sessions",
    "accounts.change_password": "the caller's own password",
    "accounts.forgotten_password": "answers the same whoever asks",
    "accounts.reset_password": "a signed link for one user; covered in test_accounts",
}

PROBES = {
    "accounts.withdraw_invitation": probe_withdraw_invitation,
    "accounts.people": probe_people,
    "accounts.invite": probe_invite,
    "accounts.switch_partner": probe_switch_partner,
    "accounts.accept_invitation": probe_accept_invitation,
    "home.index": probe_home,
    "network.index": probe_network_index,
    "network.show": probe_network_show,
    "network.add_partner": probe_network_add_partner,
}


def test_every_route_has_a_cross_tenant_expectation(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = endpoints - set(PROBES) - set(NO_TENANT_DATA)
    assert not missing, f"routes with no cross-tenant probe: {sorted(missing)}"


@pytest.mark.parametrize("endpoint", sorted(PROBES))
def test_partner_a_cannot_reach_partner_b(endpoint, world):
    PROBES[endpoint](world)
