"""Chasing delivery: returns fall due by the contract's reporting frequency; the supplier is reminded, then the manager.

A contract with a reporting frequency (quarterly, half-yearly, annual) owes a
return for each reporting period it runs in, the periods aligned to the
network's financial year. A return falls due the day after its period ends and
is met by any delivery report on the contract (not rejected) that covers part
of the period. When one falls due unmet, the supplier's contact is emailed its
self-reporting link (made when the email is sent, never stored), once: the
``ReturnReminder`` row and its unique constraint hold "once". If the return is
still unmet ``Network.chase_manager_after_days`` days after it fell due, the
contract manager is emailed, once (``escalated_at``).

Only the latest period that has fallen due is chased: a contract given a
frequency today is not sent a reminder for every quarter of its past.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.mail.services import queue_message
from tenants import tenant_context
from tenants.models import Network, Organisation, User, utcnow

from .models import Commitment, Contract, DeliveryReport, ReturnReminder

MONTHS_IN_PERIOD = {"quarterly": 3, "half_yearly": 6, "annual": 12}
FREQUENCY_LABELS = {"none": "Not chased", "quarterly": "Quarterly", "half_yearly": "Half-yearly", "annual": "Yearly"}


@dataclass(frozen=True)
class ReportingPeriod:
    start: date
    end: date

    @property
    def due_on(self) -> date:
        """A return falls due the day after its period ends."""
        return self.end + timedelta(days=1)


def _month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def period_containing(day: date, frequency: str, fy_start_month: int) -> ReportingPeriod:
    """The reporting period of this frequency that ``day`` lies in, aligned to the financial year."""
    months = MONTHS_IN_PERIOD[frequency]
    offset = fy_start_month - 1
    index = ((day.year * 12 + day.month - 1 - offset) // months) * months + offset
    return ReportingPeriod(_month_start(index), _month_start(index + months) - timedelta(days=1))


def latest_due_period(today: date, frequency: str, fy_start_month: int) -> ReportingPeriod:
    """The most recent period whose return has fallen due by ``today``."""
    current = period_containing(today, frequency, fy_start_month)
    return period_containing(current.start - timedelta(days=1), frequency, fy_start_month)


def runs_in(contract: Contract, period: ReportingPeriod) -> bool:
    # A register line whose start date could not be read (kept as unknown) is chased from nothing.
    if contract.start_date is None:
        return False
    return contract.start_date <= period.end and (contract.end_date is None or contract.end_date >= period.start)


def return_met(session: Session, contract_id: int, period_start: date, period_end: date) -> bool:
    """Whether a delivery report on the contract (not rejected) covers part of the period."""
    return bool(session.scalar(select(exists().where(
        DeliveryReport.commitment_id == Commitment.id, Commitment.contract_id == contract_id,
        DeliveryReport.status != "rejected",
        DeliveryReport.period_start <= period_end, DeliveryReport.period_end >= period_start,
    ))))


@dataclass
class ChaseResult:
    reminded: int = 0
    escalated: int = 0


def chase_partner(session: Session, organisation_id: int, today: date | None = None) -> ChaseResult:
    """Remind suppliers of the partner's returns that fell due, and tell managers of those still unmet.

    Writes in the partner's tenant context; the caller commits (the emails go after the commit).
    """
    today = today or date.today()
    result = ChaseResult()
    organisation = session.get(Organisation, organisation_id)
    network = session.get(Network, organisation.network_id)
    with tenant_context(organisation_id):
        chased = session.scalars(select(Contract).where(Contract.reporting_frequency != "none").order_by(Contract.id)).all()
        for contract in chased:
            period = latest_due_period(today, contract.reporting_frequency, network.financial_year_start_month)
            if runs_in(contract, period) and _remind(session, contract, period):
                result.reminded += 1
        result.escalated = _escalate(session, network, organisation_id, today)
    return result


def _remind(session: Session, contract: Contract, period: ReportingPeriod) -> bool:
    """Record and queue the supplier's reminder for this return unless it is met or was already sent."""
    already = session.scalar(select(exists().where(ReturnReminder.contract_id == contract.id,
                                                   ReturnReminder.period_start == period.start)))
    if already or return_met(session, contract.id, period.start, period.end):
        return False
    try:
        with session.begin_nested():
            reminder = ReturnReminder(contract_id=contract.id, period_start=period.start, period_end=period.end,
                                      due_on=period.due_on, sent_to=contract.supplier_contact_email)
            session.add(reminder)
            session.flush()
            if contract.supplier_contact_email:
                queue_message(session, contract.supplier_contact_email,
                              f"Your social value return for {contract.reference} is due",
                              "supplier-return-due", organisation_id=contract.organisation_id, reminder_id=reminder.id)
    except IntegrityError:
        return False  # another run recorded this return's reminder first
    return True


def _escalate(session: Session, network: Network, organisation_id: int, today: date) -> int:
    """Tell the manager of each contract whose reminded return is still unmet after the network's N days."""
    cutoff = today - timedelta(days=network.chase_manager_after_days)
    waiting = session.scalars(
        select(ReturnReminder).where(ReturnReminder.escalated_at.is_(None), ReturnReminder.due_on <= cutoff)
        .order_by(ReturnReminder.id)
    ).all()
    told = 0
    for reminder in waiting:
        contract = reminder.contract
        if return_met(session, contract.id, reminder.period_start, reminder.period_end):
            continue
        manager = session.get(User, contract.contract_manager_id) if contract.contract_manager_id else None
        if manager is None or not manager.active:
            continue  # told once a manager is named
        reminder.escalated_at, reminder.escalated_to = utcnow(), manager.email
        session.flush()
        queue_message(session, manager.email, f"No social value return for {contract.reference}",
                      "contract-return-overdue", organisation_id=organisation_id, reminder_id=reminder.id)
        told += 1
    return told


def chase_all(session: Session, today: date | None = None) -> ChaseResult:
    """Every partner of every network, each in its own tenant context."""
    total = ChaseResult()
    for organisation_id in session.scalars(select(Organisation.id).order_by(Organisation.id)).all():
        one = chase_partner(session, organisation_id, today)
        total.reminded += one.reminded
        total.escalated += one.escalated
    return total


def returns_of(session: Session, contract_id: int) -> list[ReturnReminder]:
    """The contract's chased returns, latest first (the current tenant's)."""
    return list(session.scalars(select(ReturnReminder).where(ReturnReminder.contract_id == contract_id)
                                .order_by(ReturnReminder.period_start.desc())))


def set_chase_manager_after_days(session: Session, network: Network, days: int) -> None:
    """The lead's setting: how many days a return may be missing before the contract manager is told (1 to 365)."""
    from .problems import SocialValueProblem

    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 365:
        raise SocialValueProblem("Enter a number of days from 1 to 365")
    network.chase_manager_after_days = days
    session.flush()
