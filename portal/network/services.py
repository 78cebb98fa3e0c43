"""Setting up a network: plain functions on a session; the caller commits."""
from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.accounts.services import invite, record
from tenants import tenant_context
from tenants.models import Membership, Network, Organisation, User

from .supplier_register import pending_count

POSTCODE_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")


class SetupProblem(ValueError):
    """The request cannot be carried out; the message says why."""


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80] or "partner"


def parse_local_area(text: str) -> list[str]:
    """Postcode districts from "S60-S66, S35" style text; ranges expand within one area."""
    districts: list[str] = []
    for part in re.split(r"[\s,;]+", text.upper().strip()):
        if not part:
            continue
        match = re.fullmatch(r"([A-Z]{1,2})(\d{1,2})[-–]([A-Z]{1,2})?(\d{1,2})", part)
        if match:
            area, start, area2, end = match.group(1), int(match.group(2)), match.group(3), int(match.group(4))
            if (area2 and area2 != area) or end < start:
                raise SetupProblem(f"{part} is not a range of districts in one postcode area")
            districts.extend(f"{area}{n}" for n in range(start, end + 1))
        elif POSTCODE_DISTRICT.match(part):
            districts.append(part)
        else:
            raise SetupProblem(f"{part} is not a postcode district, like S60")
    return sorted(set(districts), key=lambda d: (re.sub(r"\d.*", "", d), int(re.sub(r"\D", "", d)[:2] or 0), d))


def create_network(session: Session, name: str, local_area: str = "", financial_year_start_month: int = 4,
                   area_codes: str = "") -> Network:
    """A network whose area is local authority districts by GSS code (or, as first kept, postcode districts)."""
    from portal.registers.area import AreaProblem, parse_district_codes

    if session.scalar(select(Network.id).where(func.lower(Network.name) == name.strip().lower())):
        raise SetupProblem(f"A network called {name} already exists")
    try:
        codes = parse_district_codes(area_codes or "")
    except AreaProblem as problem:
        raise SetupProblem(str(problem)) from None
    districts = parse_local_area(local_area or "")
    if not codes and not districts:
        raise SetupProblem("Give the local area: local authority district codes, like E08000018")
    network = Network(
        name=name.strip(), slug=_unique_slug(session, Network, name), local_area=districts, area_codes=codes,
        financial_year_start_month=financial_year_start_month,
    )
    session.add(network)
    session.flush()
    return network


def _unique_slug(session: Session, model, name: str) -> str:
    base = slugify(name)
    slug, n = base, 1
    while session.scalar(select(model.id).where(model.slug == slug)):
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_organisation(session: Session, network: Network, name: str, kind: str) -> Organisation:
    if session.scalar(
        select(Organisation.id).where(Organisation.network_id == network.id, func.lower(Organisation.name) == name.strip().lower())
    ):
        raise SetupProblem(f"{name} is already a partner in {network.name}")
    organisation = Organisation(network_id=network.id, name=name.strip(), kind=kind, slug=_unique_slug(session, Organisation, name))
    session.add(organisation)
    session.flush()
    return organisation


def add_partner(session: Session, network: Network, lead: User, name: str, kind: str, admin_name: str, admin_email: str) -> Organisation:
    """A lead adds a partner and invites its first admin."""
    organisation = create_organisation(session, network, name, kind)
    invite(session, organisation, admin_email, admin_name, "admin", lead)
    with tenant_context(organisation.id):
        record(session, "partner.created", lead, name=organisation.name, kind=kind)
        session.flush()
    return organisation


def partner_rows(session: Session, network: Network) -> list[dict]:
    """Each partner with its number of people, for the lead's network page."""
    counts = dict(
        session.execute(
            select(Membership.organisation_id, func.count(Membership.id)).group_by(Membership.organisation_id)
            .where(Membership.organisation_id.in_([o.id for o in network.organisations]))
        ).all()
    )
    return [{"organisation": o, "people": counts.get(o.id, 0)} for o in network.organisations]


def pending_review_count(session: Session, network: Network) -> int:
    """How many possible duplicate suppliers wait for the lead's decision: the review queue's own count,
    so a pair whose company or charity numbers disagree (never offered) is not counted either."""
    return pending_count(session, network)
