"""Cross-tenant probes for managing people: partner B's members and the shared network's lead team.

Partner A's admin, officer and the other network's lead aim every action at B's admin and at
the shared network's lead team: each gets 404 (403 for a role too low), and nothing of B's
people or of the lead team changes.
"""
from sqlalchemy import select

from portal.extensions import db
from portal.passwords import hash_password
from tenants.models import Membership, NetworkLead, User

from .world import World

PARTNER_ACTIONS = (("role", {"role": "viewer"}), ("remove", {}), ("disable", {}), ("enable", {}))
LEAD_ACTIONS = ("remove", "disable", "enable")


def _b_admins_membership(w: World) -> Membership:
    return db.session.scalar(select(Membership).filter_by(user_id=w.b_admin.id, organisation_id=w.b_partner.id))


def _b_people(w: World) -> tuple:
    db.session.expire_all()
    b_admin = db.session.get(User, w.b_admin.id)
    return b_admin.active, b_admin.session_version, _b_admins_membership(w).role


def co_lead(network) -> NetworkLead:
    """A second lead of the network, on the lead team only (the one a lead may legitimately act on)."""
    user = User(email=f"co-lead@network-{network.id}.org", name="Cora Co-lead", password_hash=hash_password("co-lead passphrase 1"))
    db.session.add(user)
    db.session.flush()
    lead = NetworkLead(user_id=user.id, network_id=network.id)
    db.session.add(lead)
    db.session.commit()
    return lead


def matrix_targets(base, other_sme) -> dict:
    """For the isolation matrix: B's admin's membership, and a lead of the shared network."""
    return {"membership_id": _b_admins_membership(base).id, "lead_id": co_lead(base.network).id}


def _probe_partner_action(action: str, data: dict):
    def probe(w: World):
        target = _b_admins_membership(w).id
        before = _b_people(w)
        for actor, refused in ((w.a_admin, 404), (w.a_officer, 403), (w.other_lead, 404)):
            client = w.sign_in(actor)
            assert client.get(f"/people/{target}/{action}").status_code == refused
            assert client.post(f"/people/{target}/{action}", data=data).status_code == refused
        assert _b_people(w) == before
        assert w.sign_in(w.a_admin).get("/people").status_code == 200  # A's admin still manages A's own people

    return probe


def probe_lead_team(w: World):
    co_lead(w.network)
    for actor in (w.a_admin, w.other_lead, w.b_admin):
        assert w.sign_in(actor).get(f"/network/{w.network.id}/lead-team").status_code == 404
    assert "Cora Co-lead" in w.sign_in(w.lead).get(f"/network/{w.network.id}/lead-team").get_data(as_text=True)
    # The other network's lead sees their own team, with nobody of the shared network's.
    page = w.sign_in(w.other_lead).get(f"/network/{w.other_network.id}/lead-team").get_data(as_text=True)
    assert "Cora Co-lead" not in page and "lead@a.org" not in page


def _probe_lead_action(action: str):
    def probe(w: World):
        lead = co_lead(w.network)
        lead_id, user_id = lead.id, lead.user_id
        for actor in (w.a_admin, w.other_lead, w.b_admin):
            client = w.sign_in(actor)
            assert client.get(f"/network/{w.network.id}/lead-team/{lead_id}/{action}").status_code == 404
            assert client.post(f"/network/{w.network.id}/lead-team/{lead_id}/{action}").status_code == 404
        # Through the other network's address, the shared network's lead is not on that team.
        client = w.sign_in(w.other_lead)
        assert client.post(f"/network/{w.other_network.id}/lead-team/{lead_id}/{action}").status_code == 404
        db.session.expire_all()
        assert db.session.get(NetworkLead, lead_id) is not None
        user = db.session.get(User, user_id)
        assert user.active and user.session_version == 1

    return probe


PROBES = {f"people.{'change_role' if action == 'role' else action}": _probe_partner_action(action, data)
          for action, data in PARTNER_ACTIONS}
PROBES["network.lead_team"] = probe_lead_team
PROBES.update({f"network.{action}_lead": _probe_lead_action(action) for action in LEAD_ACTIONS})
