"""Partners side by side for the lead: each partner's year against the network's combined figure.

Partner figures come from their SpendTotal snapshots, read through
``partners_side_by_side`` (which opens the wall with ``network_wide`` for
totals only, never lines); the network's figures from NetworkSpendTotal.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.dashboard import method, places
from portal.spend.models import NetworkSpendTotal
from portal.spend.queries import (
    largest_categories_leaving,
    over_the_network,
    partners_side_by_side,
    share,
)
from tenants.models import Network

SHOWN = ("total_pence", "procurable_pence", "local_pence", "based_pence", "branched_pence", "wider_pence",
         "region_pence", "unplaced_pence", "sme_pence", "vcse_pence", "employee_owned_pence", "living_wage_pence")


@dataclass(frozen=True)
class Figures:
    """One row of the comparison: a partner's year, or the network's combined year.

    Every share is of procurable spend (total spend less the classes the network excludes).
    """

    name: str
    organisation_id: int | None
    total_pence: int | None
    local_pence: int | None
    sme_pence: int | None
    vcse_pence: int | None
    shares_lines: bool = False
    procurable_pence: int | None = None
    based_pence: int | None = None
    branched_pence: int | None = None
    wider_pence: int | None = None
    region_pence: int | None = None
    unplaced_pence: int | None = None
    employee_owned_pence: int | None = None
    living_wage_pence: int | None = None

    @classmethod
    def of(cls, name: str, organisation_id: int | None, measures, shares_lines: bool = False) -> Figures:
        """From a totals row or a dict of measures (None: no spend that year)."""
        def value(measure):
            if measures is None:
                return None
            return measures.get(measure) if isinstance(measures, dict) else getattr(measures, measure)

        return cls(name, organisation_id, value("total_pence"), value("local_pence"), value("sme_pence"),
                   value("vcse_pence"), shares_lines,
                   **{m: value(m) for m in SHOWN if m not in ("total_pence", "local_pence", "sme_pence", "vcse_pence")})

    @property
    def has_spend(self) -> bool:
        return self.total_pence is not None

    def share_of_procurable(self, measure: str) -> Decimal | None:
        return share(getattr(self, f"{measure}_pence"), self.procurable_pence)

    @property
    def procurable_share(self) -> Decimal | None:
        """Procurable spend as a share of total spend."""
        return share(self.procurable_pence, self.total_pence)

    @property
    def local_share(self) -> Decimal | None:
        return self.share_of_procurable("local")

    @property
    def sme_share(self) -> Decimal | None:
        return self.share_of_procurable("sme")

    @property
    def vcse_share(self) -> Decimal | None:
        return self.share_of_procurable("vcse")

    @property
    def unplaced_share(self) -> Decimal | None:
        return self.share_of_procurable("unplaced")


@dataclass(frozen=True)
class CategoryLeaving:
    category: str
    total_pence: int  # procurable spend in the category
    leaving_pence: int

    @property
    def leaving_share(self) -> Decimal | None:
        return share(self.leaving_pence, self.total_pence)


@dataclass(frozen=True)
class Comparison:
    year_start: date
    partners: list[Figures]
    network: Figures
    categories_leaving: list[CategoryLeaving]
    rule: method.CountingRule
    places: places.PlaceFigures


def financial_years(session: Session, network: Network) -> list[date]:
    """Starts of the financial years the network has combined totals for, latest first."""
    with over_the_network(session, network.id, "financial years of the network's combined totals"):
        return list(
            session.scalars(
                select(NetworkSpendTotal.period_start)
                .where(
                    NetworkSpendTotal.network_id == network.id,
                    NetworkSpendTotal.period_type == "year",
                    NetworkSpendTotal.breakdown == "all",
                )
                .order_by(NetworkSpendTotal.period_start.desc())
            )
        )


def year_label(year_start: date) -> str:
    """'April 2024 to March 2025' style: the papers name years this way."""
    if year_start.month == 1:
        return str(year_start.year)
    end_month = date(year_start.year + 1, year_start.month - 1, 1)
    return f"{year_start:%B %Y} to {end_month:%B %Y}"


def compare_partners(session: Session, network: Network, year_start: date) -> Comparison:
    """Each partner's totals for the financial year, the network's combined row and top categories leaving."""
    sharing = {
        o.id: o.shares_lines_with_lead for o in network.organisations
    }
    partners = [
        Figures.of(row.name, row.organisation_id, row.measures, shares_lines=sharing.get(row.organisation_id, False))
        for row in partners_side_by_side(session, network, "year", year_start)
    ]
    with over_the_network(session, network.id, "lead: the network's combined figures beside its partners'"):
        return _compare(session, network, year_start, partners)


def _compare(session: Session, network: Network, year_start: date, partners: list[Figures]) -> Comparison:
    combined = _combined(session, network, "all", year_start)
    network_row = Figures.of(f"{network.name} combined", None, combined[0] if combined else None)
    categories = [
        CategoryLeaving(row.key, row.procurable_pence, row.procurable_pence - row.local_pence)
        for row in largest_categories_leaving(session, network, "year", year_start, limit=10)
        if row.procurable_pence > row.local_pence  # all local: nothing leaves
    ]
    wards = _combined(session, network, "ward", year_start)
    place_figures = places.place_figures(
        _combined(session, network, "imd", year_start), wards, network_row.procurable_pence or 0,
        method.area_names(session, [r.key for r in wards]),
    )
    return Comparison(year_start, partners, network_row, categories, method.counting_rule(session, network), place_figures)


def _combined(session: Session, network: Network, breakdown: str, year_start: date) -> list[NetworkSpendTotal]:
    return list(session.scalars(
        select(NetworkSpendTotal).where(
            NetworkSpendTotal.network_id == network.id,
            NetworkSpendTotal.period_type == "year",
            NetworkSpendTotal.period_start == year_start,
            NetworkSpendTotal.breakdown == breakdown,
        ).order_by(NetworkSpendTotal.key)
    ))
