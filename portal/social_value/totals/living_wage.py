"""Contracts in scope for the Real Living Wage, and how many of them pay it."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, literal, or_, select
from sqlalchemy.orm import Session

from portal.suppliers.models import Supplier

from ..models import Contract


@dataclass(frozen=True)
class LivingWageContract:
    contract_id: int
    organisation_id: int
    reference: str
    title: str
    supplier: str
    end_date: date | None
    supplier_pays_rlw: str  # yes / no / unknown


def living_wage_contracts(session: Session, organisation_ids: Sequence[int], *, start: date, end: date,
                          limit: int | None = None) -> list[LivingWageContract]:
    """Contracts in scope for the Real Living Wage that ran at some time in [start, end), by reference (the first
    ``limit`` of them when given: the page shows those, the downloads every one)."""
    query = (
        select(Contract.id, Contract.organisation_id, Contract.reference, Contract.title,
               func.coalesce(Supplier.name, Contract.supplier_name_as_given, literal("")),
               Contract.end_date, Contract.supplier_pays_rlw)
        .select_from(Contract)
        .outerjoin(Supplier, Supplier.id == Contract.supplier_id)
        .where(Contract.organisation_id.in_(list(organisation_ids)), Contract.rlw_in_scope.is_(True),
               Contract.start_date < end, or_(Contract.end_date.is_(None), Contract.end_date >= start))
        .order_by(Contract.organisation_id, Contract.reference)
        .limit(limit)
    )
    return [LivingWageContract(*row) for row in session.execute(query)]


def living_wage_status_counts(session: Session, organisation_ids: Sequence[int], *, start: date, end: date) -> dict[str, int]:
    """How many in-scope contracts running in [start, end) pay the Real Living Wage: yes / no / unknown."""
    query = (
        select(Contract.supplier_pays_rlw, func.count())
        .where(Contract.organisation_id.in_(list(organisation_ids)), Contract.rlw_in_scope.is_(True),
               Contract.start_date < end, or_(Contract.end_date.is_(None), Contract.end_date >= start))
        .group_by(Contract.supplier_pays_rlw)
    )
    counts = {"yes": 0, "no": 0, "unknown": 0}
    counts.update({status: int(n) for status, n in session.execute(query)})
    return counts
