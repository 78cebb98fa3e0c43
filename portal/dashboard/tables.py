"""The dashboard's tables and a partner's lines as rows for a CSV or XLSX download.

Amounts are pounds as Decimal numbers (never formatted text), so a spreadsheet
can add them up; ``portal.downloads`` makes text cells safe to open.
"""
from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.spend.lines_filter import LineFilter
from portal.spend.models import SpendLine
from portal.spend.payees import shown_payee

from .figures import PartnerDashboard

DASHBOARD_HEADER = ["Table", "Item", "Spend (£)", "Share (%)", "Share of", "Procurable spend (£)", "Local spend (£)",
                    "Local share of procurable (%)", "Lines"]
LINES_HEADER = ["Payment date", "Transaction reference", "Supplier", "Expense type", "Service area", "Category", "Amount (£)"]


def pounds_number(pence: int | None) -> Decimal | None:
    """Pence as a Decimal number of pounds: 123456 -> Decimal('1234.56')."""
    return None if pence is None else Decimal(pence).scaleb(-2)


def dashboard_rows(dashboard: PartnerDashboard) -> Iterator[list]:
    """Every table on the dashboard, one after another, told apart by the first column."""
    year = dashboard.label
    for h in dashboard.headlines:
        yield [f"Headline figures {year}", h.label, pounds_number(h.pence), h.share, h.share_of or None, None, None, None, None]
    for m in dashboard.months:
        yield [f"Spend by month {year}", m.label, pounds_number(m.total_pence), None, None, pounds_number(m.procurable_pence),
               pounds_number(m.local_pence), m.local_share, None]
    for q in dashboard.quarters:
        yield ["Local share by quarter", q.label, pounds_number(q.total_pence), None, None, pounds_number(q.procurable_pence),
               pounds_number(q.local_pence), q.local_share, None]
    for c in dashboard.categories:
        yield [f"Top categories {year}", c.label, pounds_number(c.total_pence), None, None, pounds_number(c.procurable_pence),
               pounds_number(c.local_pence), c.local_share, None]
    for c in dashboard.leaving:
        yield [f"Largest categories leaving the area {year}", c.label, pounds_number(c.leaving_pence), None, None,
               pounds_number(c.procurable_pence), pounds_number(c.local_pence), c.local_share, None]
    for row in dashboard.places.deciles:
        yield [f"Procurable spend by IMD decile {year}", row.label, pounds_number(row.procurable_pence), row.share,
               "procurable spend", pounds_number(row.procurable_pence), None, None, None]
    for row in dashboard.places.wards:
        yield [f"Procurable spend by ward {year}", row.label, pounds_number(row.procurable_pence), row.share,
               "procurable spend", pounds_number(row.procurable_pence), None, None, None]
    for s in dashboard.suppliers:
        local = s.total_pence if s.locality in ("based", "branched") else (None if s.locality is None else 0)
        yield [f"Top suppliers {year}", s.name, pounds_number(s.total_pence), None, s.place_label, None,
               pounds_number(local), None, s.line_count]


def line_rows(session: Session, line_filter: LineFilter) -> Iterator[list]:
    """The partner's lines that match the filter, newest first, read in batches."""
    query = line_filter.apply(
        select(SpendLine.payment_date, SpendLine.transaction_ref, SpendLine.supplier_name, SpendLine.expense_type,
               SpendLine.service_area, SpendLine.category, SpendLine.amount_pence, SpendLine.payee_unnamed)
    ).order_by(SpendLine.payment_date.desc(), SpendLine.id.desc())
    for line in session.execute(query.execution_options(yield_per=5000)):
        payee = shown_payee(line.supplier_name, line.payee_unnamed)
        yield [line.payment_date, line.transaction_ref, payee, line.expense_type, line.service_area,
               line.category, pounds_number(line.amount_pence)]
