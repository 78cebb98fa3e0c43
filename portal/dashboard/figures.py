"""The figures a partner's dashboard shows for one financial year, read from the stored totals.

Plain functions on a session, inside the partner's tenant context. Money stays
integer pence; shares are ``queries.share`` Decimals, every one of procurable spend
(total spend less the classes the network excludes) but procurable spend's own. Each figure carries the
filter of the lines behind it, so the page can link to them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from portal.spend import dashboard as spend_dashboard
from portal.spend import queries
from portal.spend.queries import share
from portal.spend.totals import add_months
from tenants.models import Organisation

from . import method, places

QUARTERS_SHOWN = 12  # local share over time: three years of quarters


def year_label(year_start: date) -> str:
    """'2024 to 2025' for a financial year starting in April 2024; '2024' for a calendar year."""
    return str(year_start.year) if year_start.month == 1 else f"{year_start.year} to {year_start.year + 1}"


def month_range(first: date, months: int) -> dict:
    """Drill-down arguments for ``months`` months starting ``first``."""
    return {"start": first.isoformat(), "end": add_months(first, months - 1).isoformat()}


@dataclass(frozen=True)
class Headline:
    """One headline figure: pence, its share (of total spend for procurable, of procurable for the rest), and its lines."""

    key: str
    label: str
    pence: int
    share: Decimal | None
    line_args: dict
    how: str
    share_of: str = "procurable spend"


@dataclass(frozen=True)
class PeriodRow:
    """A month or quarter: total, procurable, local and the local share of procurable, with the lines behind it."""

    start: date
    label: str
    short_label: str
    total_pence: int
    local_pence: int
    local_share: Decimal | None
    line_args: dict
    procurable_pence: int = 0


@dataclass(frozen=True)
class CategoryRow:
    category: str  # '' for lines with no category
    total_pence: int
    local_pence: int
    leaving_pence: int  # procurable spend not known to be local
    local_share: Decimal | None  # of procurable spend
    line_args: dict
    procurable_pence: int = 0

    @property
    def label(self) -> str:
        return self.category or "No category given"


@dataclass(frozen=True)
class PartnerDashboard:
    year_start: date
    years: list[date]
    headlines: list[Headline]
    local_line_count: int
    months: list[PeriodRow]
    quarters: list[PeriodRow]
    categories: list[CategoryRow]
    leaving: list[CategoryRow]
    suppliers: list[spend_dashboard.SupplierSpend]
    rule: method.CountingRule
    places: places.PlaceFigures

    @property
    def label(self) -> str:
        return year_label(self.year_start)

    @property
    def year_args(self) -> dict:
        return month_range(self.year_start, 12)

    def headline(self, key: str) -> Headline:
        return next(h for h in self.headlines if h.key == key)


def financial_years(session: Session) -> list[date]:
    """The starts of the financial years the partner has totals for, latest first."""
    return sorted({row.period_start for row in queries.partner_totals(session, "year")}, reverse=True)


def chosen_year(years: list[date], asked: str | None) -> date | None:
    """The year asked for (``?year=2024``) if the partner has it, else the latest."""
    for year_start in years:
        if asked and str(year_start.year) == asked.strip():
            return year_start
    return years[0] if years else None


PROCURABLE = {"procurable": "yes"}


def headlines(row, year_args: dict, rule: method.CountingRule) -> list[Headline]:
    """The headline figures of one totals row (a partner's or the network's year), every share of procurable spend."""
    total, procurable = row.total_pence, row.procurable_pence

    def figure(key, label, pence, extra, how):
        return Headline(key, label, pence, share(pence, procurable), {**year_args, **PROCURABLE, **extra}, how)

    wider = rule.wider_name or "the wider area"
    return [
        Headline("total", "Total spend", total, None, dict(year_args),
                 "Every spend line with a payment date in the year, with credit notes (negative lines) taken off.",
                 share_of=""),
        Headline("procurable", "Procurable spend", procurable, share(procurable, total), {**year_args, **PROCURABLE},
                 f"Total spend less the payments the network leaves out as not open to influence: {rule.excluded_text}. "
                 "A payee not named or redacted counts as an individual. Every share below is of this.",
                 share_of="total spend"),
        figure("local", "Local spend (based or branched)", row.local_pence, {"local": "yes"},
               f"Procurable spend with suppliers based in the area ({rule.area_text}) by their registered office "
               "postcode, or with a local branch the network lead has recorded."),
        figure("based", "Based in the area", row.based_pence, {"place": "based"},
               "Procurable spend with suppliers whose registered office postcode is in one of the area's "
               "local authority districts."),
        figure("branched", "Branched in the area", row.branched_pence, {"place": "branched"},
               "Procurable spend with suppliers registered elsewhere that have a branch in the area, "
               "as the network lead recorded."),
        figure("wider", f"Spend in {wider}", row.wider_pence, {"place": "wider"},
               f"Procurable spend with suppliers outside the area but in {wider}"
               f"{' (' + method.in_words([a.label for a in rule.wider]) + ')' if rule.wider else ''}."),
        figure("region", "Elsewhere in the region", row.region_pence, {"place": "region"},
               "Procurable spend with suppliers in the region"
               f"{' (' + rule.region.label + ')' if rule.region else ''}, outside the area and the wider tier."),
        figure("unplaced", "Spend we could not place", row.unplaced_pence, {"local": "unplaced"},
               "Procurable spend with suppliers we could not place: no postcode, or one the ONS postcode directory "
               "does not hold. We cannot say whether these suppliers are local until they have one, from a register, "
               "your file or the network lead."),
        figure("sme", "Spend with SMEs", row.sme_pence, {"flag": "sme"},
               "Procurable spend with suppliers known to be small or medium-sized (micro, small or medium accounts "
               "at Companies House, or as the network lead says). Suppliers whose size we do not know are not counted."),
        figure("vcse", "Spend with VCSEs", row.vcse_pence, {"flag": "vcse"},
               "Procurable spend with charities, community interest companies, co-operatives, community benefit "
               "societies and non-profit companies limited by guarantee."),
        figure("employee_owned", "Spend with employee-owned firms", row.employee_owned_pence, {"flag": "employee_owned"},
               "Procurable spend with suppliers owned by their staff, for example through an Employee Ownership Trust, "
               "as recorded in the supplier register."),
        figure("living_wage", "Spend with Real Living Wage employers", row.living_wage_pence, {"flag": "living_wage"},
               "Procurable spend with suppliers accredited by the Living Wage Foundation, as recorded in the supplier "
               "register. It says nothing about whether a particular contract pays the Real Living Wage."),
    ]


def _period_row(row, label: str, short_label: str, months: int) -> PeriodRow:
    return PeriodRow(row.period_start, label, short_label, row.total_pence, row.local_pence,
                     share(row.local_pence, row.procurable_pence), month_range(row.period_start, months),
                     row.procurable_pence)


def _months(session: Session, year_start: date) -> list[PeriodRow]:
    """Every month of the year, zero where there were no lines."""
    found = {row.period_start: row for row in queries.partner_totals(session, "month", "all", year_start)}
    rows = []
    for n in range(12):
        month = add_months(year_start, n)
        row = found.get(month)
        total, procurable, local = (row.total_pence, row.procurable_pence, row.local_pence) if row else (0, 0, 0)
        rows.append(PeriodRow(month, month.strftime("%B %Y"), month.strftime("%b"), total, local,
                              share(local, procurable), month_range(month, 1), procurable))
    return rows


def _quarters(session: Session, year_start: date) -> list[PeriodRow]:
    """Quarters up to the end of the chosen year, the last twelve that have lines."""
    year_end = add_months(year_start, 12)
    rows = [row for row in queries.partner_totals(session, "quarter") if row.period_start < year_end]
    return [
        _period_row(row, f"{row.period_start:%B} to {add_months(row.period_start, 2):%B %Y}", f"{row.period_start:%b %y}", 3)
        for row in rows[-QUARTERS_SHOWN:]
    ]


def _category_row(row, year_args: dict) -> CategoryRow:
    return CategoryRow(row.key, row.total_pence, row.local_pence, row.procurable_pence - row.local_pence,
                       share(row.local_pence, row.procurable_pence), {**year_args, "category": row.key},
                       row.procurable_pence)


def line_args_for(year_args: dict):
    """The drill-down from a decile or ward row to its procurable lines."""
    def args(breakdown: str, key: str) -> dict:
        return {**year_args, **PROCURABLE, breakdown: key}
    return args


def partner_dashboard(session: Session, organisation: Organisation, year_start: date, years: list[date]) -> PartnerDashboard | None:
    """The partner's dashboard for the financial year starting ``year_start`` (None: no totals for it)."""
    year_rows = queries.partner_totals(session, "year", "all", year_start)
    if not year_rows:
        return None
    row = year_rows[0]
    year_args = month_range(year_start, 12)
    rule = method.counting_rule(session, organisation.network)
    categories = sorted(queries.partner_totals(session, "year", "category", year_start),
                        key=lambda r: (-r.total_pence, r.key))[:10]
    leaving = queries.largest_categories_leaving(session, organisation, "year", year_start, limit=10)
    wards = queries.partner_totals(session, "year", "ward", year_start)
    return PartnerDashboard(
        year_start=year_start,
        years=years,
        headlines=headlines(row, year_args, rule),
        local_line_count=row.local_line_count,
        months=_months(session, year_start),
        quarters=_quarters(session, year_start),
        categories=[_category_row(r, year_args) for r in categories],
        leaving=[_category_row(r, year_args) for r in leaving],
        suppliers=spend_dashboard.top_suppliers(session, year_start),
        rule=rule,
        places=places.place_figures(
            queries.partner_totals(session, "year", "imd", year_start), wards, row.procurable_pence,
            method.area_names(session, [r.key for r in wards]), line_args_for(year_args),
        ),
    )
