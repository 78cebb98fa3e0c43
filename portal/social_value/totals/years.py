"""Financial years: a network's year starts on the first of its chosen month."""
from __future__ import annotations

from datetime import date

from sqlalchemy import case, extract

from tenants.models import Network


def year_start(network: Network, year: int) -> date:
    """The first day of the network's financial year that starts in calendar ``year``."""
    return date(year, network.financial_year_start_month, 1)


def year_range(network: Network, year: int) -> tuple[date, date]:
    """[start, end) of that financial year."""
    return year_start(network, year), year_start(network, year + 1)


def year_of(network: Network, day: date) -> int:
    """The calendar year in which the financial year holding ``day`` starts."""
    return day.year if day.month >= network.financial_year_start_month else day.year - 1


def _year_expression(network: Network, column):
    """SQL for ``year_of(network, column)``: portable between PostgreSQL and SQLite."""
    month = network.financial_year_start_month
    return (extract("year", column) - case((extract("month", column) < month, 1), else_=0)).label("year")
