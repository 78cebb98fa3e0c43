"""The signed-in home page's task list: what the partner's data says is done and what is waiting."""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.social_value.models import Contract, DeliveryReport
from portal.spend.models import SpendImport, SpendLine
from portal.support.models import SupportRecord
from tenants.models import Invitation


@dataclass(frozen=True)
class Task:
    title: str
    href: str
    status: str
    waiting: bool  # a tag that calls for action, rather than plain "done" text
    testid: str


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def partner_tasks(session: Session, partner, led: list) -> list[Task]:
    """The tasks for the partner the person works as (the tenant filter keeps every count to it), and for the networks they lead."""
    tasks = []
    if partner.organisation.conduit:  # it reports no spend: its work is support, events and asks
        supported = session.scalar(select(func.count(SupportRecord.id)))
        tasks.append(Task("Support for businesses", url_for("support.partner_support"),
                          f"{_plural(supported, 'support record', 'support records')}" if supported else "Not yet started",
                          not supported, "task-support"))
    else:
        tasks.extend(_spend_tasks(session, partner))
    _social_value_tasks(session, partner, tasks)
    _people_tasks(session, partner, led, tasks)
    return tasks


def _spend_tasks(session: Session, partner) -> list[Task]:
    tasks = []
    latest = session.scalar(select(func.max(SpendLine.month)))
    needs_choice = session.scalar(select(func.count(SpendImport.id)).where(SpendImport.status == "needs_choice"))
    if needs_choice:
        tasks.append(Task("Spend", url_for("spend.imports"), f"{_plural(needs_choice, 'import needs', 'imports need')} your choice",
                          True, "task-spend"))
    elif latest is not None:
        tasks.append(Task("Spend", url_for("spend.imports"), f"{latest:%B %Y} spend imported", False, "task-spend"))
    elif partner.can("officer"):
        tasks.append(Task("Upload your spend over £500 file", url_for("spend.imports"), "Not yet started", True, "task-spend"))
    return tasks


def _social_value_tasks(session: Session, partner, tasks: list[Task]) -> None:
    contracts = session.scalar(select(func.count(Contract.id)))
    waiting = session.execute(
        select(DeliveryReport.id).where(DeliveryReport.status == "reported")
        .order_by(DeliveryReport.reported_at, DeliveryReport.id)
    ).scalars().all()
    if waiting:
        tasks.append(Task("Delivery reports", url_for("social_value.delivery_report", report_id=waiting[0]),
                          f"{_plural(len(waiting), 'delivery report', 'delivery reports')} to check", True, "task-delivery"))
    if contracts:
        tasks.append(Task("Contracts and social value", url_for("social_value.contract_list"),
                          f"{_plural(contracts, 'contract', 'contracts')} recorded", False, "task-contracts"))
    elif partner.can("officer"):
        tasks.append(Task("Record your contracts and their social value", url_for("social_value.contract_list"),
                          "Not yet started", True, "task-contracts"))


def _people_tasks(session: Session, partner, led: list, tasks: list[Task]) -> None:
    if partner.can("admin"):
        invitations = session.scalar(select(func.count(Invitation.id)).where(
            Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None)))
        tasks.append(Task("Your colleagues", url_for("accounts.people"),
                          f"{_plural(invitations, 'invitation', 'invitations')} not yet accepted" if invitations else "Invite colleagues",
                          bool(invitations), "task-people"))

    for network in led:
        from portal.network.supplier_register import pending_count

        pairs = pending_count(session, network)
        tasks.append(Task(f"{network.name}: supplier register", url_for("network.review", network_id=network.id),
                          f"{_plural(pairs, 'possible duplicate', 'possible duplicates')} to review" if pairs else "No duplicates to review",
                          bool(pairs), f"task-duplicates-{network.id}"))


