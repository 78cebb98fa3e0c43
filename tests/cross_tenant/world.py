"""The world every cross-tenant probe runs in: two partners of one network, and an outsider."""
from __future__ import annotations

from dataclasses import dataclass

from portal.extensions import db
from tenants import tenant_context
from tenants.models import Invitation


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
    a_officer: object = None
    lead: object = None  # leads the shared network; an officer of partner A


def build_world(make_network, make_partner, make_user, sign_in):
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
    a_officer = make_user(a, "officer", email="officer@a.org")
    lead = make_user(a, "officer", email="lead@a.org", lead_of=network)
    return World(a_admin, b_admin, a, b, b_invitation_id, network, other_network, other_lead, sign_in, a_officer, lead)


