"""Cross-tenant probes for the foundation's routes: accounts, home, network set-up."""
from sqlalchemy import select

from portal.extensions import db
from tenants import tenant_context
from tenants.models import Invitation, Membership

from .world import World


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
    "accounts.account": "the caller's own name, email and memberships",
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


