"""Contracts ranked by their committed or delivered £, on demand or from the workers' per-contract rows."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from portal.suppliers.models import Supplier

from ..models import Commitment, Contract, DeliveryReport, SocialValueContractTotal


@dataclass(frozen=True)
class ContractTotal:
    """A contract with what was committed and delivered on it in the period."""

    contract_id: int
    organisation_id: int
    reference: str
    title: str
    supplier: str
    route: str
    committed_pence: int
    committed_current_pence: int
    delivered_pence: int
    delivered_current_pence: int


def top_contracts(
    session: Session, organisation_ids: Sequence[int], *, start: date, end: date, order: str = "committed", limit: int = 10,
) -> list[ContractTotal]:
    """The contracts with most committed (or delivered) £ (current valuation) in [start, end), largest first."""
    ids = list(organisation_ids)
    made = (
        select(
            Commitment.contract_id.label("contract_id"),
            func.sum(Commitment.committed_value_pence).label("value"),
            func.sum(func.coalesce(Commitment.rebased_value_pence, Commitment.committed_value_pence)).label("current"),
        )
        .where(Commitment.organisation_id.in_(ids), Commitment.committed_on >= start, Commitment.committed_on < end)
        .group_by(Commitment.contract_id)
        .subquery("made")
    )
    done = (
        select(
            Commitment.contract_id.label("contract_id"),
            func.sum(DeliveryReport.value_pence).label("value"),
            func.sum(func.coalesce(DeliveryReport.rebased_value_pence, DeliveryReport.value_pence)).label("current"),
        )
        .select_from(DeliveryReport)
        .join(Commitment, Commitment.id == DeliveryReport.commitment_id)
        .where(DeliveryReport.organisation_id.in_(ids), DeliveryReport.status == "verified",
               DeliveryReport.period_end >= start, DeliveryReport.period_end < end)
        .group_by(Commitment.contract_id)
        .subquery("done")
    )
    ranked = (made if order == "committed" else done).c.current
    query = (
        select(
            Contract.id, Contract.organisation_id, Contract.reference, Contract.title,
            func.coalesce(Supplier.name, Contract.supplier_name_as_given, literal("")), Contract.route,
            func.coalesce(made.c.value, 0), func.coalesce(made.c.current, 0),
            func.coalesce(done.c.value, 0), func.coalesce(done.c.current, 0),
        )
        .select_from(Contract)
        .outerjoin(made, made.c.contract_id == Contract.id)
        .outerjoin(done, done.c.contract_id == Contract.id)
        .outerjoin(Supplier, Supplier.id == Contract.supplier_id)
        .where(Contract.organisation_id.in_(ids), ranked > 0)
        .order_by(ranked.desc(), Contract.reference, Contract.id)
        .limit(limit)
    )
    return [ContractTotal(*row[:6], *(int(v) for v in row[6:])) for row in session.execute(query)]


def top_contracts_from_snapshot(
    session: Session, organisation_ids: Sequence[int], *, year: int, order: str = "committed", limit: int = 10,
) -> list[ContractTotal]:
    """``top_contracts`` for one financial year, read from the workers' per-contract rows (the same order)."""
    t = SocialValueContractTotal
    ranked = t.committed_current_pence if order == "committed" else t.delivered_current_pence
    mine = (t.organisation_id.in_(list(organisation_ids)), t.year == year, ranked > 0)
    # The ``limit``-th largest figure, from the snapshot alone: only rows reaching it are joined to their
    # contracts (ties at it included, so the order by reference stays exact), not the year's every contract.
    least = select(ranked).where(*mine).order_by(ranked.desc()).offset(limit - 1).limit(1).scalar_subquery()
    query = (
        select(Contract.id, Contract.organisation_id, Contract.reference, Contract.title,
               func.coalesce(Supplier.name, Contract.supplier_name_as_given, literal("")), Contract.route,
               t.committed_value_pence, t.committed_current_pence, t.delivered_value_pence, t.delivered_current_pence)
        .select_from(t)
        .join(Contract, Contract.id == t.contract_id)
        .outerjoin(Supplier, Supplier.id == Contract.supplier_id)
        .where(*mine, ranked >= func.coalesce(least, 1))
        .order_by(ranked.desc(), Contract.reference, Contract.id)
        .limit(limit)
    )
    return [ContractTotal(*row[:6], *(int(v) for v in row[6:])) for row in session.execute(query)]
