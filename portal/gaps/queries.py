"""The two sides of the gap analysis, each one SQL statement: spend by CPV code, and local supply.

Spend comes from the network's stored yearly totals by category (a few hundred
rows however many lines lie behind them), joined to the category's CPV code.
Local supply counts registered businesses' CPV categories, read with the
network's businesses opened for this purpose only.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, distinct, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from portal.matching.models import CategoryCpv
from portal.smes.models import SmeCategory, SmeProfile
from portal.spend.models import NetworkSpendTotal
from portal.spend.queries import over_the_network
from tenants import network_wide
from tenants.models import Network, User

# "Not a group": a code chosen at division level only (45000000), when drilling into groups.
WHOLE_DIVISION = ""


@dataclass(frozen=True)
class SpendByCode:
    """The network's spend in one CPV division or group for a year; ``key`` None: no code yet."""

    key: str | None
    total_pence: int
    procurable_pence: int
    local_pence: int
    unplaced_pence: int
    categories: int


@dataclass(frozen=True)
class LocalSupply:
    """Registered local SMEs and VCSEs working in one CPV division or group."""

    businesses: int = 0
    cooperatives: int = 0
    employee_owned: int = 0
    social_enterprises: int = 0


def _key(code_column, division: str | None):
    """SQL for the division ('45') of a code, or, within ``division``, its group ('452') or WHOLE_DIVISION."""
    if division is None:
        return func.substr(code_column, 1, 2)
    return case((func.substr(code_column, 3, 6) == "000000", literal(WHOLE_DIVISION)), else_=func.substr(code_column, 1, 3))


def spend_by_code(session: Session, network: Network, year_start: date, division: str | None = None) -> list[SpendByCode]:
    """The year's spend by CPV division (or by group within ``division``), with the uncoded categories as key None."""
    key = _key(CategoryCpv.cpv_code, division).label("key")
    query = (
        select(
            key,
            func.sum(NetworkSpendTotal.total_pence),
            func.sum(NetworkSpendTotal.procurable_pence),
            func.sum(NetworkSpendTotal.local_pence),
            func.sum(NetworkSpendTotal.unplaced_pence),
            func.count(NetworkSpendTotal.id),
        )
        .select_from(NetworkSpendTotal)
        .outerjoin(
            CategoryCpv,
            and_(CategoryCpv.network_id == NetworkSpendTotal.network_id, CategoryCpv.category == NetworkSpendTotal.key),
        )
        .where(
            NetworkSpendTotal.network_id == network.id,
            NetworkSpendTotal.period_type == "year",
            NetworkSpendTotal.period_start == year_start,
            NetworkSpendTotal.breakdown == "category",
        )
        .group_by(key)
    )
    if division is not None:
        query = query.where(func.substr(CategoryCpv.cpv_code, 1, 2) == division)
    with over_the_network(session, network.id, "lead: the network's spend by CPV code"):
        rows = session.execute(query).all()
    return [SpendByCode(k, int(t or 0), int(p or 0), int(lo or 0), int(u or 0), n) for k, t, p, lo, u, n in rows]


def _small_or_social(profile=SmeProfile):
    # SMEs by staff band; a large charity or social enterprise is still a VCSE.
    return or_(
        profile.size_band != "large", profile.charity.is_(True), profile.social_enterprise.is_(True),
        profile.organisation_type.in_(("charity", "cio", "community_interest_company")),
    )


def local_supply(session: Session, network: Network, division: str | None = None) -> dict[str, LocalSupply]:
    """Local registered SMEs and VCSEs (email verified) by CPV division, or by group within ``division``.

    A business counts once per division or group however many of its codes fall there.
    Local means its postcode district is in the network's local area now (the area may
    have changed since it registered).
    """
    key = _key(SmeCategory.cpv_code, division).label("key")

    def count_where(flag):
        return func.count(distinct(case((flag.is_(True), SmeCategory.business_id))))

    verified = exists().where(User.business_id == SmeProfile.business_id, User.email_verified_at.is_not(None))
    query = (
        select(
            key,
            func.count(distinct(SmeCategory.business_id)),
            count_where(SmeProfile.cooperative),
            count_where(SmeProfile.employee_owned),
            count_where(SmeProfile.social_enterprise),
        )
        .select_from(SmeCategory)
        .join(SmeProfile, SmeProfile.business_id == SmeCategory.business_id)
        .where(
            SmeProfile.network_id == network.id,
            SmeProfile.postcode_district.in_(list(network.local_area or [])),
            _small_or_social(),
            verified,
        )
        .group_by(key)
    )
    if division is not None:
        query = query.where(func.substr(SmeCategory.cpv_code, 1, 2) == division)
    # Only the network's businesses, only to count them: no partner's rows are opened.
    with network_wide((), "gap analysis: local supply", business_networks=[network.id]):
        rows = session.execute(query).all()
    return {k: LocalSupply(b, c, e, s) for k, b, c, e, s in rows}


def spend_categories(session: Session, network: Network) -> dict[str, int]:
    """Every spend category the network's totals name, with its spend in all years (pence)."""
    rows = session.execute(
        select(NetworkSpendTotal.key, func.sum(NetworkSpendTotal.total_pence))
        .where(
            NetworkSpendTotal.network_id == network.id,
            NetworkSpendTotal.period_type == "year",
            NetworkSpendTotal.breakdown == "category",
            NetworkSpendTotal.key != "",
        )
        .group_by(NetworkSpendTotal.key)
    )
    return {category: int(total or 0) for category, total in rows}
