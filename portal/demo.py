"""A demo anchor network shaped like the one in the papers (council, police, hospital, chamber)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.services import create_user, find_user
from portal.network import services as network_services
from tenants.models import Membership, Network, NetworkLead

DEMO_PASSWORD = "demo anchor portal 2026"
DEMO_NETWORK = "South Yorkshire Demo Anchor Network"
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
        from portal.demo_registers import DEMO_AREA, DEMO_REGION, DEMO_WIDER_AREA

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
        from portal.demo_registers import load_demo_registers
        from portal.demo_spend import load_demo_spend

        load_demo_registers(session, network)

        load_demo_spend(session, network, partners)
    from portal.demo_smes import load_demo_smes

    logins += load_demo_smes(session, network, partners)
    from portal.demo_pipeline import load_demo_pipeline

    load_demo_pipeline(session, network, partners)
    return logins
