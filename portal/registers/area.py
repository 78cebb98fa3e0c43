"""A network's area by GSS code: reading the codes, naming them, and moving the older postcode-district lists over.

The area was first kept as postcode districts (S60, S61 ...). Districts straddle boroughs, so the
area is now local authority districts by GSS code, as councils report it; the district list is kept
only to migrate from (``area_from_districts``, run after each postcode directory load).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tenants.models import Network, Organisation

from .models import RegisterAreaName, RegisterPostcode

# Local authority districts: unitary (E06), non-metropolitan (E07), metropolitan (E08), London
# boroughs (E09), Welsh (W06), Scottish council areas (S12), Northern Irish (N09).
DISTRICT_CODE = re.compile(r"(E06|E07|E08|E09|W06|S12|N09)[0-9]{6}")
# English regions (E12) and the nations as the directory's region column gives them (W92, S92, N92).
REGION_CODE = re.compile(r"(E12|W92|S92|N92)[0-9]{6}")


class AreaProblem(ValueError):
    """The codes cannot be read; the message says which and why."""


def parse_district_codes(text: str | Iterable[str] | None) -> list[str]:
    """Local authority district GSS codes from text (commas, spaces or new lines between), sorted, each once.

    :raise AreaProblem: naming the first entry that is not a district code.
    """
    parts = re.split(r"[\s,;]+", text) if isinstance(text, str) else list(text or [])
    codes = set()
    for part in parts:
        code = part.strip().upper()
        if not code:
            continue
        if not DISTRICT_CODE.fullmatch(code):
            raise AreaProblem(f"{part.strip()} is not a local authority district code, like E08000018")
        codes.add(code)
    return sorted(codes)


def parse_region_code(text: str | None) -> str | None:
    code = (text or "").strip().upper()
    if not code:
        return None
    if not REGION_CODE.fullmatch(code):
        raise AreaProblem(f"{text.strip()} is not a region code, like E12000003")
    return code


def area_names(session: Session, codes: Iterable[str]) -> dict[str, str]:
    """The names of these GSS codes the directory's names file gave (none before it is loaded)."""
    codes = sorted({c for c in codes if c})
    if not codes:
        return {}
    return dict(session.execute(select(RegisterAreaName.code, RegisterAreaName.name).where(RegisterAreaName.code.in_(codes))).all())


def named(session: Session, codes: Iterable[str]) -> list[str]:
    """Each code with its name when known: "Rotherham (E08000018)"."""
    codes = list(codes or [])
    names = area_names(session, codes)
    return [f"{names[c]} ({c})" if c in names else c for c in codes]


def districts_of_outward_code(session: Session, outward: str) -> dict[str, int]:
    """How many live postcodes of one postcode district lie in each local authority district."""
    return dict(session.execute(
        select(RegisterPostcode.district_code, func.count()).where(
            RegisterPostcode.postcode.like(f"{outward} %"), RegisterPostcode.terminated.is_(False),
            RegisterPostcode.district_code.is_not(None))
        .group_by(RegisterPostcode.district_code)
    ).all())


def districts_of_postcode(session: Session, postcode: str | None, outward: str | None = None) -> set[str]:
    """The local authority district a postcode lies in; for one the directory does not hold, every district
    its postcode district (outward code) reaches. Empty before the directory is loaded."""
    if postcode:
        found = session.scalar(select(RegisterPostcode.district_code).where(RegisterPostcode.postcode == postcode))
        if found:
            return {found}
    outward = outward or (postcode.split(" ")[0] if postcode else "")
    return set(districts_of_outward_code(session, outward)) if outward else set()


def outward_codes_in(session: Session, district_codes: Iterable[str]) -> set[str]:
    """The postcode districts (outward codes) with a live postcode in any of these local authority districts."""
    codes = sorted(set(district_codes))
    if not codes:
        return set()
    # The directory writes a postcode with one space before its three-character inward code.
    outward = func.substr(RegisterPostcode.postcode, 1, func.length(RegisterPostcode.postcode) - 4)
    return set(session.scalars(select(outward).distinct().where(
        RegisterPostcode.district_code.in_(codes), RegisterPostcode.terminated.is_(False))))


def area_from_districts(session: Session, network: Network) -> list[str]:
    """Move a network's postcode-district area to GSS codes; return the codes (empty when there is nothing to move).

    Only for a network with a district list and no area codes yet. Each postcode district counts
    for the local authority district holding most of its live postcodes (S25 goes to Rotherham
    if most of S25's addresses are there). A district the directory does not hold yet is left for
    the next load. The change is written to the audit log of every partner of the network (it
    moves every partner's figures), and the network's suppliers are placed again.
    """
    if network.area_codes or not network.local_area:
        return []
    chosen, unplaced = set(), []
    for outward in network.local_area:
        counts = districts_of_outward_code(session, outward)
        if counts:
            chosen.add(max(counts.items(), key=lambda item: (item[1], item[0]))[0])
        else:
            unplaced.append(outward)
    if not chosen:
        return []
    network.area_codes = sorted(chosen)
    session.flush()
    _record_for_every_partner(session, network, "network.area_migrated", districts=list(network.local_area),
                              area_codes=network.area_codes, districts_not_in_directory=unplaced)
    from .placing import place_suppliers

    place_suppliers(session, network)
    return network.area_codes


def migrate_every_area(session: Session) -> dict[int, list[str]]:
    """area_from_districts for every network still on a district list (after a postcode directory load)."""
    moved = {}
    for network in session.scalars(select(Network).order_by(Network.id)).all():
        codes = area_from_districts(session, network)
        if codes:
            moved[network.id] = codes
    return moved


def _record_for_every_partner(session: Session, network: Network, action: str, **detail) -> None:
    from portal.accounts.services import record
    from tenants import tenant_context

    for organisation_id in session.scalars(select(Organisation.id).where(Organisation.network_id == network.id)
                                           .order_by(Organisation.id)).all():
        with tenant_context(organisation_id):
            record(session, action, None, network_id=network.id, **detail)
            session.flush()
