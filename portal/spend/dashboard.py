"""Queries the partner dashboard needs beyond the stored totals: read from the lines, in SQL.

Plain functions on a session, called inside the partner's tenant context (the
tenant filter keeps them to its own lines; the explicit condition is for the
query plan). Money stays integer pence.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from portal.suppliers.models import Supplier
from tenants import NoTenantContext, current_organisation_id

from .models import SpendLine
from .payees import UNNAMED_PAYEE
from .procurable import effective_locality
from .totals import add_months

PLACE_LABELS = {"based": "Based in the area", "branched": "Branch in the area", "wider": "Wider area",
                "region": "Elsewhere in the region", "elsewhere": "Outside the region"}


@dataclass(frozen=True)
class SupplierSpend:
    """What the partner spent with one supplier in a period."""

    supplier_id: int | None
    name: str
    total_pence: int
    line_count: int
    is_local: bool | None
    locality: str | None = None

    @property
    def place_label(self) -> str:
        """Where the supplier is, against the network's area, in the users' words."""
        return PLACE_LABELS.get(self.locality, "Not known")


def _current_partner() -> int:
    organisation_id = current_organisation_id()
    if organisation_id is None:
        raise NoTenantContext("a partner's lines are read inside tenant_context(organisation_id)")
    return organisation_id


def top_suppliers(session: Session, year_start: date, limit: int = 10) -> list[SupplierSpend]:
    """The partner's largest suppliers by spend in the financial year starting ``year_start``.

    Grouped by the resolved supplier; lines with no supplier are grouped by the
    name on the line. Largest first, then by name, so ties come out the same way.
    """
    # Lines with a supplier group by it; the rest by the name they carry.
    # Lines no supplier resolves stand under their own name; payees not named or redacted under one heading.
    unresolved_name = case((SpendLine.payee_unnamed, literal(UNNAMED_PAYEE)),
                           (SpendLine.supplier_id.is_(None), SpendLine.supplier_name), else_=literal(""))
    # Added up from the lines alone first, then the thousand-odd groups joined to their
    # suppliers: joining every line first made PostgreSQL sort 100,000 wide rows on disk.
    groups = (
        select(SpendLine.supplier_id, unresolved_name.label("unresolved_name"),
               func.sum(SpendLine.amount_pence).label("total"), func.count().label("lines"))
        .where(
            SpendLine.organisation_id == _current_partner(),
            SpendLine.month >= year_start,
            SpendLine.month < add_months(year_start, 12),
        )
        .group_by(SpendLine.supplier_id, unresolved_name)
        .subquery()
    )
    name = func.coalesce(Supplier.name, groups.c.unresolved_name)
    query = (
        select(groups.c.supplier_id, name.label("name"), groups.c.total, groups.c.lines, Supplier.is_local,
               effective_locality().label("locality"))
        .select_from(groups)
        .outerjoin(Supplier, Supplier.id == groups.c.supplier_id)
        .order_by(groups.c.total.desc(), name)
        .limit(limit)
    )
    return [
        SupplierSpend(row.supplier_id, row.name, int(row.total), row.lines,
                      None if row.is_local is None else bool(row.is_local), row.locality)
        for row in session.execute(query)
    ]


def has_lines(session: Session) -> bool:
    """Whether the partner has imported any spend at all."""
    return session.scalar(select(SpendLine.id).where(SpendLine.organisation_id == _current_partner()).limit(1)) is not None
