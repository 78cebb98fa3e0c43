"""The figures a partner's dashboard shows for one financial year, read from the stored totals.

Plain functions on a session, inside the partner's tenant context. Money stays
integer pence; shares are ``queries.share`` Decimals. Each figure carries the
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

QUARTERS_SHOWN = 12  # local share over time: three years of quarters


def year_label(year_start: date) -> str:
    """'2024 to 2025' for a financial year starting in April 2024; '2024' for a calendar year."""
    return str(year_start.year) if year_start.month == 1 else f"{year_start.year} to {year_start.year + 1}"


def month_range(first: date, months: int) -> dict:
    """Drill-down arguments for ``months`` months starting ``first``."""
    return {"start": first.isoformat(), "end": add_months(first, months - 1).isoformat()}


@dataclass(frozen=True)
class Headline:
    """One headline figure: pence, its share of total spend, and the lines behind it."""

    key: str
    label: str
    pence: int
    share: Decimal | None
    line_args: dict
    how: str


@dataclass(frozen=True)
class PeriodRow:
    """A month or quarter: total, local and the local share, with the lines behind it."""

    start: date
    label: str
    short_label: str
    total_pence: int
    local_pence: int
    local_share: Decimal | None
    line_args: dict


@dataclass(frozen=True)
class CategoryRow:
    category: str  # '' for lines with no category
    total_pence: int
    local_pence: int
    leaving_pence: int
    local_share: Decimal | None
    line_args: dict

    @property
    def label(self) -> str:
        return self.category or "No category given"


@dataclass(frozen=True)
class PartnerDashboard:
    year_start: date
    years: list[date]
    headlines: list[Headline]
    local_line_share: Decimal | None
    months: list[PeriodRow]
    quarters: list[PeriodRow]
    categories: list[CategoryRow]
    leaving: list[CategoryRow]
    suppliers: list[spend_dashboard.SupplierSpend]

    @property
    def label(self) -> str:
        return year_label(self.year_start)

    @property
    def year_args(self) -> dict:
        return month_range(self.year_start, 12)


def financial_years(session: Session) -> list[date]:
    """The starts of the financial years the partner has totals for, latest first."""
    return sorted({row.period_start for row in queries.partner_totals(session, "year")}, reverse=True)


def chosen_year(years: list[date], asked: str | None) -> date | None:
    """The year asked for (``?year=2024``) if the partner has it, else the latest."""
    for year_start in years:
        if asked and str(year_start.year) == asked.strip():
            return year_start
    return years[0] if years else None


def _headlines(row, year_args: dict, local_area: str) -> list[Headline]:
    total = row.total_pence

    def figure(key, label, pence, extra, how):
        return Headline(key, label, pence, share(pence, total), {**year_args, **extra}, how)

    return [
        figure("total", "Total spend", total, {},
               "Every spend line with a payment date in the year, with credit notes (negative lines) taken off."),
        figure("local", "Local spend", row.local_pence, {"local": "yes"},
               f"Spend with suppliers whose postcode is in the network's local area ({local_area}), "
               "or that the network lead has marked as local. The share is of total spend."),
        figure("sme", "Spend with SMEs", row.sme_pence, {"flag": "sme"},
               "Spend with suppliers known to be small or medium-sized: fewer than 250 staff and turnover "
               "up to £50m or a balance sheet up to £43m. Suppliers whose size we do not know are not counted."),
        figure("vcse", "Spend with VCSEs", row.vcse_pence, {"flag": "vcse"},
               "Spend with voluntary, community and social enterprise suppliers, as marked in your file "
               "or the network's supplier register."),
        figure("employee_owned", "Spend with employee-owned firms", row.employee_owned_pence, {"flag": "employee_owned"},
               "Spend with suppliers owned by their staff, for example through an Employee Ownership Trust, "
               "as recorded in the supplier register."),
        figure("living_wage", "Spend with Real Living Wage employers", row.living_wage_pence, {"flag": "living_wage"},
               "Spend with suppliers accredited by the Living Wage Foundation, as recorded in the supplier register. "
               "It says nothing about whether a particular contract pays the Real Living Wage."),
        figure("unplaced", "Spend we could not place", row.unplaced_pence, {"local": "unplaced"},
               "We could not place: no supplier postcode. We cannot say whether these suppliers are local "
               "until they have a postcode in your file or the supplier register."),
    ]


def _period_row(row, label: str, short_label: str, months: int) -> PeriodRow:
    return PeriodRow(row.period_start, label, short_label, row.total_pence, row.local_pence,
                     share(row.local_pence, row.total_pence), month_range(row.period_start, months))


def _months(session: Session, year_start: date) -> list[PeriodRow]:
    """Every month of the year, zero where there were no lines."""
    found = {row.period_start: row for row in queries.partner_totals(session, "month", "all", year_start)}
    rows = []
    for n in range(12):
        month = add_months(year_start, n)
        row = found.get(month)
        total, local = (row.total_pence, row.local_pence) if row else (0, 0)
        rows.append(PeriodRow(month, month.strftime("%B %Y"), month.strftime("%b"), total, local,
                              share(local, total), month_range(month, 1)))
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
    return CategoryRow(row.key, row.total_pence, row.local_pence, row.total_pence - row.local_pence,
                       share(row.local_pence, row.total_pence), {**year_args, "category": row.key})


def partner_dashboard(session: Session, organisation: Organisation, year_start: date, years: list[date]) -> PartnerDashboard | None:
    """The partner's dashboard for the financial year starting ``year_start`` (None: no totals for it)."""
    year_rows = queries.partner_totals(session, "year", "all", year_start)
    if not year_rows:
        return None
    row = year_rows[0]
    year_args = month_range(year_start, 12)
    local_area = ", ".join(organisation.network.local_area or []) or "not set yet"
    categories = sorted(queries.partner_totals(session, "year", "category", year_start),
                        key=lambda r: (-r.total_pence, r.key))[:10]
    leaving = queries.largest_categories_leaving(session, organisation, "year", year_start, limit=10)
    return PartnerDashboard(
        year_start=year_start,
        years=years,
        headlines=_headlines(row, year_args, local_area),
        local_line_share=share(row.local_line_count, row.line_count),
        months=_months(session, year_start),
        quarters=_quarters(session, year_start),
        categories=[_category_row(r, year_args) for r in categories],
        leaving=[_category_row(r, year_args) for r in leaving],
        suppliers=spend_dashboard.top_suppliers(session, year_start),
    )
