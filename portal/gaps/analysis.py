"""The gap analysis: where the network's spend leaves the area, against local supply, ranked.

"Where to grow local supply" ranks CPV divisions (or groups) by spend leaving
the area per registered local business (plus one, so a division with none is
ranked by its spend alone): large spend leaving and few local firms come first.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from portal.cpv import catalogue, label
from portal.network.comparison import financial_years, year_label
from portal.spend.queries import share
from portal.spend.totals import add_months
from tenants.models import Network

from . import queries


@dataclass(frozen=True)
class GapRow:
    """One CPV division (or group): the year's spend, where it went, and local supply."""

    key: str  # '45' (division), '452' (group) or queries.WHOLE_DIVISION
    label: str
    total_pence: int
    procurable_pence: int  # the spend the network can influence: local, leaving and unplaced are parts of it
    local_pence: int
    unplaced_pence: int
    supply: queries.LocalSupply

    @property
    def leaving_pence(self) -> int:
        """Procurable spend with suppliers known to be outside the area (not local, and not of unknown place)."""
        return self.procurable_pence - self.local_pence - self.unplaced_pence

    @property
    def leaving_share(self) -> Decimal | None:
        return share(self.leaving_pence, self.procurable_pence)

    @property
    def local_share(self) -> Decimal | None:
        return share(self.local_pence, self.procurable_pence)

    @property
    def leaving_per_business_pence(self) -> int:
        """The ranking figure: spend leaving for each local business, counting one more than registered."""
        return max(self.leaving_pence, 0) // (self.supply.businesses + 1)

    @property
    def cpv_code(self) -> str:
        return self.key.ljust(8, "0") if self.key else ""


@dataclass(frozen=True)
class GapAnalysis:
    network: Network
    year_start: date
    years: list[date]
    division: str | None  # None: all divisions; '45': the groups of division 45
    rows: list[GapRow]  # ranked: where to grow local supply first
    uncoded_pence: int  # spend in categories with no CPV code yet
    uncoded_categories: int

    @property
    def year_label(self) -> str:
        return year_label(self.year_start)

    @property
    def division_label(self) -> str | None:
        return None if self.division is None else label(self.division.ljust(8, "0"))

    @property
    def total_pence(self) -> int:
        return sum(r.total_pence for r in self.rows) + self.uncoded_pence

    @property
    def top(self) -> list[GapRow]:
        """The places to start: spend leaving the area, most per local business first."""
        return [r for r in self.rows if r.leaving_pence > 0][:5]


def latest_full_year(years: list[date], today: date | None = None) -> date | None:
    """The latest financial year that has ended; the latest of any when none has."""
    this_month = (today or date.today()).replace(day=1)
    ended = [y for y in years if add_months(y, 12) <= this_month]
    return max(ended) if ended else (max(years) if years else None)


def chosen_year(years: list[date], asked: str | None, today: date | None = None) -> date | None:
    """The year asked for (its start as 2024-04-01) if the network has it, else the latest full year."""
    for year in years:
        if asked and year.isoformat() == asked.strip():
            return year
    return latest_full_year(years, today)


def is_division(text: str | None) -> bool:
    """Is this a CPV division the catalogue knows ('45')?"""
    return bool(text) and len(text) == 2 and text.isdigit() and text.ljust(8, "0") in catalogue()


def _row_label(key: str, division: str | None) -> str:
    if key == queries.WHOLE_DIVISION:
        return f"{division} {label(division.ljust(8, '0'))}: no group given"
    own = catalogue().get(key.ljust(8, "0"))
    if own is None:  # a group the catalogue has no label for (it may hold divisions only)
        return f"{key} (a group of {label(key[:2].ljust(8, '0')).lower()})"
    return f"{key} {own}"


def gap_analysis(session: Session, network: Network, year_start: date | None = None, division: str | None = None,
                 today: date | None = None) -> GapAnalysis | None:
    """The network's gap analysis for a year (default: the latest full one); None when it has no yearly totals."""
    years = financial_years(session, network)
    year_start = year_start if year_start in years else latest_full_year(years, today)
    if year_start is None:
        return None
    spend = queries.spend_by_code(session, network, year_start, division)
    supply = queries.local_supply(session, network, division)
    uncoded = next((s for s in spend if s.key is None), None) if division is None else None
    spent = {s.key: s for s in spend if s.key is not None}
    # Local supply the network does not buy from yet is a row too (nothing leaves; it ranks last).
    rows = [
        GapRow(key, _row_label(key, division), *_spend_figures(spent.get(key)), supply.get(key, queries.LocalSupply()))
        for key in sorted(set(spent) | set(supply))
    ]
    rows.sort(key=lambda r: (-r.leaving_per_business_pence, -r.leaving_pence, -r.total_pence, r.key))
    return GapAnalysis(network, year_start, years, division, rows,
                       uncoded.total_pence if uncoded else 0, uncoded.categories if uncoded else 0)


def _spend_figures(spend: queries.SpendByCode | None) -> tuple[int, int, int, int]:
    return (spend.total_pence, spend.procurable_pence, spend.local_pence, spend.unplaced_pence) if spend else (0, 0, 0, 0)


DOWNLOAD_HEADER = [
    "Rank", "CPV code", "CPV division or group", "Spend (£)", "Procurable spend (£)", "Local spend (£)", "Place not known (£)",
    "Spent outside the area (£)", "Share of procurable spent outside the area (%)", "Local SMEs and VCSEs registered",
    "Co-operatives", "Employee-owned", "Social enterprises", "Spent outside the area per local business (£)",
]


def download_rows(analysis: GapAnalysis):
    """The table on the page, for a CSV or XLSX download (pounds as Decimal numbers)."""
    from portal.dashboard.tables import pounds_number

    for rank, r in enumerate(analysis.rows, start=1):
        yield [
            rank, r.cpv_code, r.label, pounds_number(r.total_pence), pounds_number(r.procurable_pence),
            pounds_number(r.local_pence),
            pounds_number(r.unplaced_pence), pounds_number(r.leaving_pence), r.leaving_share, r.supply.businesses,
            r.supply.cooperatives, r.supply.employee_owned, r.supply.social_enterprises,
            pounds_number(r.leaving_per_business_pence),
        ]
    if analysis.uncoded_categories:
        yield [None, "", f"Categories with no CPV code yet ({analysis.uncoded_categories})",
               pounds_number(analysis.uncoded_pence), None, None, None, None, None, None, None, None, None, None]
