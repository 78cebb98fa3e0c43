"""The public summary of a network: its combined totals only, never a partner's lines or figures.

Reads ``NetworkSpendTotal`` alone (sums over the partners, computed by the
workers), so nothing here can reach a partner's rows: no tenant context is set
or needed. A combined figure that only one partner's spend went into *is* that
partner's figure, so such figures are not shown (each row knows how many
partners it sums), and neither is a headline measure (procurable spend, local spend and
each place tier, SME and VCSE spend) that only one partner had, however many partners are
in the total: each row also counts the partners behind each of those measures. Spend by
district, ward and IMD decile is procurable spend, shown where two partners' went into it. This is cell suppression only: someone could still subtract
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

from . import method, places
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
    district: str  # GSS code
    name: str | None
    total_pence: int  # procurable spend with suppliers in the district
    share_of_total: Decimal | None  # of the year's procurable spend
    in_area: bool = True  # False: a district of the wider tier

    @property
    def label(self) -> str:
        return f"{self.name} ({self.district})" if self.name else self.district


# The measures the summary shows, each only when at least two partners' spend went into it.
HEADLINE_MEASURES = ("procurable", "local", "based", "branched", "wider", "region", "unplaced", "sme", "vcse")


@dataclass(frozen=True)
class NetworkSummary:
    """A measure only one partner had is named in ``withheld``, and its figure and share are None."""

    network: Network
    year_start: date
    total_pence: int
    procurable_pence: int | None
    local_pence: int | None
    shares: dict[str, Decimal | None]  # procurable: of total; the others: of procurable (None: withheld)
    partner_count: int
    months: list[MonthFigure]
    districts: list[DistrictFigure]
    districts_withheld: int
    rule: method.CountingRule
    places: places.PlaceFigures | None  # None: withheld whole (procurable spend is one partner's)
    withheld: frozenset[str] = frozenset()  # of HEADLINE_MEASURES

    @property
    def local_share(self) -> Decimal | None:
        return self.shares["local"]

    @property
    def sme_share(self) -> Decimal | None:
        return self.shares["sme"]

    @property
    def vcse_share(self) -> Decimal | None:
        return self.shares["vcse"]

    @property
    def months_withheld(self) -> int:
        return sum(1 for m in self.months if m.total_pence is None)

    @property
    def label(self) -> str:
        return year_label(self.year_start)


def _shown(row) -> bool:
    return row.partner_count >= MIN_PARTNERS


def withheld_measures(row) -> frozenset[str]:
    """The headline measures of a network row not to show to anyone but the lead (see ``_withheld``)."""
    return _withheld(row)


def procurable_shown(row) -> bool:
    """May a place row of the network's be shown to anyone but the lead (two partners' procurable spend in it, or none)?"""
    return _procurable_shown(row)


def _withheld(row) -> frozenset[str]:
    """The headline measures only one partner had any of in this row (none at all is shown: £0).

    When procurable spend itself is one partner's, every share of it is that partner's too.
    """
    withheld = frozenset(
        m for m in HEADLINE_MEASURES
        if getattr(row, f"{m}_pence") != 0 and getattr(row, f"{m}_partner_count") < MIN_PARTNERS
    )
    return frozenset(HEADLINE_MEASURES) if "procurable" in withheld else withheld


def _procurable_shown(row) -> bool:
    return row.procurable_pence == 0 or row.procurable_partner_count >= MIN_PARTNERS


def _year_rows(session: Session, network: Network, breakdown: str, year_start: date) -> list:
    return [r for r in queries.network_totals(session, network.id, "year", breakdown) if r.period_start == year_start]


def _places(session: Session, network: Network, year) -> places.PlaceFigures:
    """Procurable spend by IMD decile and ward, a row only one partner's procurable spend went into withheld."""
    deciles = _year_rows(session, network, "imd", year.period_start)
    wards = _year_rows(session, network, "ward", year.period_start)
    withheld = {(b, r.key) for b, rows in (("imd", deciles), ("ward", wards)) for r in rows if not _procurable_shown(r)}
    names = method.area_names(session, [r.key for r in wards])
    return places.place_figures(deciles, wards, year.procurable_pence, names, withheld_keys=withheld)


def network_summary(session: Session, network: Network) -> NetworkSummary | None:
    """The network's combined figures for its latest financial year in which at least two
    partners spent (None when there is no such year)."""
    # It must see one partner's rows to say a month or a place is withheld, not nil; it shows none of them.
    with queries.over_the_network(session, network.id, "public summary: withholds one partner's figures"):
        return _summary(session, network)


def _summary(session: Session, network: Network) -> NetworkSummary | None:
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
    area, wider = list(network.area_codes or []), list(network.wider_area_codes or [])
    in_tiers = [r for r in _year_rows(session, network, "district", year_start) if r.key in area or r.key in wider]
    in_tiers = [r for r in in_tiers if r.procurable_pence != 0]
    shown = sorted(filter(_procurable_shown, in_tiers), key=lambda r: (r.key not in area, -r.procurable_pence, r.key))
    names = method.area_names(session, [r.key for r in shown])
    withheld = _withheld(year)
    shares = {m: None if m in withheld else share(getattr(year, f"{m}_pence"), year.procurable_pence)
              for m in HEADLINE_MEASURES}
    shares["procurable"] = None if "procurable" in withheld else share(year.procurable_pence, year.total_pence)
    return NetworkSummary(
        network=network,
        year_start=year_start,
        total_pence=year.total_pence,
        procurable_pence=None if "procurable" in withheld else year.procurable_pence,
        local_pence=None if "local" in withheld else year.local_pence,
        shares=shares,
        partner_count=year.partner_count,
        months=months,
        districts=[DistrictFigure(r.key, names.get(r.key), r.procurable_pence, share(r.procurable_pence, year.procurable_pence),
                                  r.key in area) for r in shown],
        districts_withheld=len(in_tiers) - len(shown),
        rule=method.counting_rule(session, network),
        places=None if "procurable" in withheld else _places(session, network, year),
        withheld=withheld,
    )
