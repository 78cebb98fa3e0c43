"""The public summary of a network: its combined totals only, never a partner's lines or figures.

Reads ``NetworkSpendTotal`` alone (sums over the partners, computed by the
workers), so nothing here can reach a partner's rows: no tenant context is set
or needed. A combined figure that only one partner's spend went into *is* that
partner's figure, so such figures are not shown (each row knows how many
partners it sums), and neither is a headline measure (local, SME, VCSE spend) that only
one partner had, however many partners are in the total: each row also counts the
partners behind each of those measures. This is cell suppression only: someone could still subtract
the months shown from the year; the partners publish their spend lines under
the Transparency Code anyway, so we stop at not printing a partner's figure.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from portal.spend import queries
from portal.spend.queries import share
from portal.spend.totals import add_months
from tenants.models import Network

from .figures import year_label

MIN_PARTNERS = 2  # a combined figure is shown only when at least this many partners' spend is in it


@dataclass(frozen=True)
class MonthFigure:
    """None: withheld, as only one partner spent that month."""

    month: date
    total_pence: int | None

    @property
    def label(self) -> str:
        return f"{self.month:%B %Y}"

    @property
    def short_label(self) -> str:
        return f"{self.month:%b}"


@dataclass(frozen=True)
class DistrictFigure:
    district: str
    total_pence: int
    share_of_total: Decimal | None


@dataclass(frozen=True)
class NetworkSummary:
    """A measure only one partner had is named in ``withheld``, and its figure and share are None."""

    network: Network
    year_start: date
    total_pence: int
    local_pence: int | None
    local_share: Decimal | None
    sme_share: Decimal | None
    vcse_share: Decimal | None
    partner_count: int
    months: list[MonthFigure]
    districts: list[DistrictFigure]
    districts_withheld: int
    withheld: frozenset[str] = frozenset()  # of "local", "sme", "vcse"

    @property
    def months_withheld(self) -> int:
        return sum(1 for m in self.months if m.total_pence is None)

    @property
    def label(self) -> str:
        return year_label(self.year_start)


def _shown(row) -> bool:
    return row.partner_count >= MIN_PARTNERS


HEADLINE_MEASURES = ("local", "sme", "vcse")


def _withheld(row) -> frozenset[str]:
    """The headline measures only one partner had any of in this row (none at all is shown: £0)."""
    return frozenset(
        m for m in HEADLINE_MEASURES
        if getattr(row, f"{m}_pence") != 0 and getattr(row, f"{m}_partner_count") < MIN_PARTNERS
    )


def _share_of(row, measure: str, withheld: frozenset[str]) -> Decimal | None:
    return None if measure in withheld else share(getattr(row, f"{measure}_pence"), row.total_pence)


def network_summary(session: Session, network: Network) -> NetworkSummary | None:
    """The network's combined figures for its latest financial year in which at least two
    partners spent (None when there is no such year)."""
    years = [row for row in queries.network_totals(session, network.id, "year") if _shown(row)]
    if not years:
        return None
    year = years[-1]
    year_start, year_end = year.period_start, add_months(year.period_start, 12)
    by_month = {r.period_start: r for r in queries.network_totals(session, network.id, "month")
                if year_start <= r.period_start < year_end}
    months = []
    for n in range(12):
        month = add_months(year_start, n)
        row = by_month.get(month)
        if row is None:
            months.append(MonthFigure(month, 0))  # nobody spent: nothing to give away
        else:
            months.append(MonthFigure(month, row.total_pence if _shown(row) else None))
    area = set(network.local_area or [])
    in_area = [r for r in queries.network_totals(session, network.id, "year", "district")
               if r.period_start == year_start and r.key in area]
    districts = sorted(filter(_shown, in_area), key=lambda r: (-r.total_pence, r.key))
    withheld = _withheld(year)
    return NetworkSummary(
        network=network,
        year_start=year_start,
        total_pence=year.total_pence,
        local_pence=None if "local" in withheld else year.local_pence,
        local_share=_share_of(year, "local", withheld),
        sme_share=_share_of(year, "sme", withheld),
        vcse_share=_share_of(year, "vcse", withheld),
        partner_count=year.partner_count,
        months=months,
        districts=[DistrictFigure(r.key, r.total_pence, share(r.total_pence, year.total_pence)) for r in districts],
        districts_withheld=len(in_area) - len(districts),
        withheld=withheld,
    )
