"""A supplier's delivery across all of one partner's contracts: commitments, reports and returns chased."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from .chasing import return_met
from .models import Commitment, Contract, DeliveryReport, ReturnReminder


@dataclass
class ContractHistory:
    contract: Contract
    committed_pence: int = 0
    delivered_pence: int = 0  # verified reports only, valued as now (re-based if re-based)
    reports: list[DeliveryReport] = field(default_factory=list)
    returns: list[tuple[ReturnReminder, bool]] = field(default_factory=list)  # (reminder, met since)


def delivery_history(session: Session, supplier_id: int) -> list[ContractHistory]:
    """Every contract the current partner has with the supplier, newest first, with its delivery.

    The tenant filter keeps it to the partner's own contracts; the view answers
    404 for a supplier the partner neither pays nor contracts with.
    """
    contracts = session.scalars(select(Contract).where(Contract.supplier_id == supplier_id)
                                .order_by(Contract.start_date.desc(), Contract.reference)).all()
    histories = {c.id: ContractHistory(c, committed_pence=sum(m.current_value_pence for m in c.commitments))
                 for c in contracts}
    if not histories:
        return []
    reports = session.scalars(
        select(DeliveryReport).join(Commitment, Commitment.id == DeliveryReport.commitment_id)
        .options(joinedload(DeliveryReport.commitment).joinedload(Commitment.measure))
        .where(Commitment.contract_id.in_(list(histories)))
        .order_by(DeliveryReport.period_start.desc(), DeliveryReport.id)
    ).all()
    for report in reports:
        history = histories[report.commitment.contract_id]
        history.reports.append(report)
        if report.status == "verified":
            history.delivered_pence += report.current_value_pence
    for reminder in session.scalars(select(ReturnReminder).where(ReturnReminder.contract_id.in_(list(histories)))
                                    .order_by(ReturnReminder.period_start.desc())):
        met = return_met(session, reminder.contract_id, reminder.period_start, reminder.period_end)
        histories[reminder.contract_id].returns.append((reminder, met))
    return list(histories.values())
