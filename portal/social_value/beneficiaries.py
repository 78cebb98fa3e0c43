"""Who benefited: the wards of the network's area and the groups beneficiaries are counted in.

Wards come from the ONS postcode directory the portal loads for placing suppliers
(``register_postcodes`` with ``register_area_names``): every ward with a live
postcode in one of the network's districts. They are chosen from that list,
never typed, so two reports of one ward add up.

Groups are the nine protected characteristics of the Equality Act 2010
(section 4, https://www.legislation.gov.uk/ukpga/2010/15/section/4), plus the
groups the network adopts (care leavers, the armed forces community...), kept
apart from them: the form and the report list the Act's first, then the network's.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.registers.models import RegisterAreaName, RegisterPostcode
from tenants.models import Network

from .models import AdoptedBeneficiaryGroup
from .problems import SocialValueProblem

# Equality Act 2010, s.4, in the Act's order.
PROTECTED_CHARACTERISTICS = (
    "Age", "Disability", "Gender reassignment", "Marriage and civil partnership", "Pregnancy and maternity",
    "Race", "Religion or belief", "Sex", "Sexual orientation",
)


@dataclass(frozen=True)
class BeneficiaryChoices:
    """What a delivery report's beneficiary rows may name, for one network."""

    wards: list[str]
    protected: tuple[str, ...]
    adopted: list[str]


def ward_names(session: Session, network: Network) -> list[str]:
    """The names of the wards in the network's districts, from the ONS directory; "Name (District)" where two share a name."""
    districts = list(network.area_codes or [])
    if not districts:
        return []
    pairs = session.execute(
        select(RegisterPostcode.ward_code, RegisterPostcode.district_code).distinct().where(
            RegisterPostcode.district_code.in_(districts), RegisterPostcode.terminated.is_(False),
            RegisterPostcode.ward_code.is_not(None))
    ).all()
    codes = {code for pair in pairs for code in pair}
    names = dict(session.execute(select(RegisterAreaName.code, RegisterAreaName.name)
                                 .where(RegisterAreaName.code.in_(sorted(codes)))).all()) if codes else {}
    named = [(names.get(ward, ward), names.get(district, district)) for ward, district in pairs]
    repeated = Counter(ward for ward, _ in named)
    return sorted({f"{ward} ({district})" if repeated[ward] > 1 else ward for ward, district in named})


def adopted_groups(session: Session, network: Network) -> list[str]:
    """The groups the network adopted, by name."""
    return list(session.scalars(select(AdoptedBeneficiaryGroup.name)
                                .where(AdoptedBeneficiaryGroup.network_id == network.id)
                                .order_by(AdoptedBeneficiaryGroup.name)))


def choices(session: Session, network: Network) -> BeneficiaryChoices:
    return BeneficiaryChoices(ward_names(session, network), PROTECTED_CHARACTERISTICS, adopted_groups(session, network))


def adopt_group(session: Session, network: Network, name: str) -> AdoptedBeneficiaryGroup:
    """Add a group the network counts beneficiaries in. :raise SocialValueProblem: empty, too long, or already there."""
    name = " ".join((name or "").split())
    if not name:
        raise SocialValueProblem("Enter the name of the group, like Care leavers")
    if len(name) > 120:
        raise SocialValueProblem("The group's name must be 120 characters or fewer")
    taken = {g.casefold() for g in (*PROTECTED_CHARACTERISTICS, *adopted_groups(session, network))}
    if name.casefold() in taken:
        raise SocialValueProblem(f"{name} is already a group beneficiaries are counted in")
    group = AdoptedBeneficiaryGroup(network_id=network.id, name=name)
    session.add(group)
    session.flush()
    return group


def drop_group(session: Session, network: Network, group_id: int) -> str | None:
    """Stop offering an adopted group (counts already recorded in it stay); its name, or None if not the network's."""
    group = session.scalars(select(AdoptedBeneficiaryGroup).where(
        AdoptedBeneficiaryGroup.id == group_id, AdoptedBeneficiaryGroup.network_id == network.id)).first()
    if group is None:
        return None
    session.delete(group)
    session.flush()
    return group.name


def reasons_refused(choices: BeneficiaryChoices, ward: str, group: str) -> list[str]:
    """Why a (ward, group) pair may not be recorded for the network, if it may not ('' is "not recorded").

    For every way in that is not a form (a bulk import of delivery reports, say), so
    each path keeps to the same lists the forms offer.
    """
    reasons = []
    if ward and ward not in choices.wards:
        reasons.append(f"{ward} is not a ward of the network's area in the ONS postcode directory")
    if group and group not in (*choices.protected, *choices.adopted):
        reasons.append(f"{group} is neither a protected characteristic of the Equality Act 2010 nor a group the network adopted")
    return reasons
