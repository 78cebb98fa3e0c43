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

from portal.spend.models import NetworkSpendTotal
from portal.spend.queries import largest_categories_leaving, partners_side_by_side, share
from tenants.models import Network


@dataclass(frozen=True)
class Figures:
    """One row of the comparison: a partner's year, or the network's combined year."""

    name: str
    organisation_id: int | None
    total_pence: int | None
    local_pence: int | None
    sme_pence: int | None
    vcse_pence: int | None
    shares_lines: bool = False

    @property
    def has_spend(self) -> bool:
        return self.total_pence is not None

    @property
    def local_share(self) -> Decimal | None:
        return share(self.local_pence, self.total_pence)

    @property
    def sme_share(self) -> Decimal | None:
        return share(self.sme_pence, self.total_pence)

    @property
    def vcse_share(self) -> Decimal | None:
        return share(self.vcse_pence, self.total_pence)


@dataclass(frozen=True)
class CategoryLeaving:
    category: str
    total_pence: int
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


def financial_years(session: Session, network: Network) -> list[date]:
    """Starts of the financial years the network has combined totals for, latest first."""
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
    sharing = dict(
        (o.id, o.shares_lines_with_lead) for o in network.organisations
    )
    partners = []
    for row in partners_side_by_side(session, network, "year", year_start):
        m = row.measures or {}
        partners.append(Figures(
            row.name, row.organisation_id, m.get("total_pence"), m.get("local_pence"), m.get("sme_pence"),
            m.get("vcse_pence"), shares_lines=sharing.get(row.organisation_id, False),
        ))
    combined = session.scalar(
        select(NetworkSpendTotal).where(
            NetworkSpendTotal.network_id == network.id,
            NetworkSpendTotal.period_type == "year",
            NetworkSpendTotal.period_start == year_start,
            NetworkSpendTotal.breakdown == "all",
        )
    )
    network_row = Figures(
        f"{network.name} combined", None,
        *((combined.total_pence, combined.local_pence, combined.sme_pence, combined.vcse_pence) if combined else (None,) * 4),
    )
    categories = [
        CategoryLeaving(row.key, row.total_pence, row.total_pence - row.local_pence)
        for row in largest_categories_leaving(session, network, "year", year_start, limit=10)
        if row.total_pence > row.local_pence  # all local: nothing leaves
    ]
    return Comparison(year_start, partners, network_row, categories)
