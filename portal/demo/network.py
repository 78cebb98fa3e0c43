"""A demo anchor network shaped like the one in the papers (council, police, hospital, chamber)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.services import create_user, find_user
from portal.network import services as network_services
from tenants.models import Membership, Network, NetworkLead

DEMO_PASSWORD = "demo anchor portal 2026"
DEMO_NETWORK = "South Yorkshire Demo Anchor Network"
# The Chamber is a conduit partner: it reports no spend; it supports businesses and runs events.
CONDUIT_PARTNERS = {"chamber"}
DEMO_PARTNERS = [
    ("Demo Metropolitan Borough Council", "council", "council"),
    ("Demo Police", "police", "police"),
    ("Demo Hospital NHS Foundation Trust", "health", "hospital"),
    ("Demo Chamber of Commerce", "chamber", "chamber"),
]


def build_demo(session: Session, with_spend: bool = True) -> list[tuple[str, str]]:
    """Create (or reuse) the demo network, one user per role and a year of spend; returns (email, description)."""
    network = session.scalar(select(Network).where(Network.name == DEMO_NETWORK))
    if network is None:
        from portal.demo.registers import DEMO_AREA, DEMO_REGION, DEMO_WIDER_AREA

        # Rotherham by GSS code, South Yorkshire as the wider tier. The postcode districts the
        # network was first kept by stay beside them for what has no full postcode to place by.
        network = network_services.create_network(session, DEMO_NETWORK, "S60-S66, S25, S26, S35",
                                                  area_codes=", ".join(DEMO_AREA))
        network.wider_area_name, network.wider_area_codes = DEMO_WIDER_AREA[0], list(DEMO_WIDER_AREA[1])
        network.region_code = DEMO_REGION
    organisations = {o.name: o for o in network.organisations}
    logins: list[tuple[str, str]] = []
    partners = {}
    for name, kind, short in DEMO_PARTNERS:
        organisation = organisations.get(name) or network_services.create_organisation(session, network, name, kind)
        partners[short] = organisation
        organisation.conduit = short in CONDUIT_PARTNERS
        for role in ("admin", "officer", "viewer"):
            email = f"{role}@{short}.demo"
            user = find_user(session, email) or create_user(session, email, f"Demo {short} {role}", DEMO_PASSWORD)
            if not session.scalar(select(Membership).filter_by(user_id=user.id, organisation_id=organisation.id)):
                session.add(Membership(user_id=user.id, organisation_id=organisation.id, role=role))
            logins.append((email, f"{role} of {name}"))
    lead = find_user(session, "lead@council.demo") or create_user(session, "lead@council.demo", "Demo network lead", DEMO_PASSWORD)
    if not session.scalar(select(NetworkLead).filter_by(user_id=lead.id, network_id=network.id)):
        session.add(NetworkLead(user_id=lead.id, network_id=network.id))
    session.flush()
    # The lead usually sits in the council's social value team.
    session.expire(network, ["organisations"])
    council = next(o for o in network.organisations if o.kind == "council")
    if not session.scalar(select(Membership).filter_by(user_id=lead.id, organisation_id=council.id)):
        session.add(Membership(user_id=lead.id, organisation_id=council.id, role="officer"))
    session.flush()
    logins.insert(0, ("lead@council.demo", f"network lead of {network.name}"))
    if with_spend:
        from portal.demo.registers import load_demo_registers
        from portal.demo.spend import leave_a_correction_waiting, load_demo_spend

        load_demo_registers(session, network)

        # The chamber is a conduit partner: it supports businesses and reports no spend.
        load_demo_spend(session, network, {short: p for short, p in partners.items() if not p.conduit})
        leave_a_correction_waiting(session, partners["police"], "police")
    from portal.demo.smes import load_demo_smes
    from portal.demo.social_value import load_demo_social_value
    from portal.demo.support import load_demo_support

    logins += load_demo_smes(session, network, partners)
    load_demo_social_value(session, network, partners)
    # After the contracts: a VCSE's ask is met by an offer that becomes a commitment on one of them.
    load_demo_support(session, network, partners)
    # A forward plan, and an award to a business the portal had matched.
    from portal.demo.pipeline import load_demo_pipeline

    load_demo_pipeline(session, network, partners)
    return logins
