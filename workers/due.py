"""Refreshes that are due, recorded in the database with the change, so none depends on a message surviving.

A change that makes a snapshot stale (spend lines imported, a delivery report
verified) writes a *mark* (this partner, this period) in its own transaction,
and queues the refresh after the commit. The refresh deletes the marks it covers
in its own commit. A mark still standing after a grace period means the message
was lost (Redis down at the commit) or its whole worker died (Redis gives an
unacknowledged message back only after the two-day visibility timeout): every
minute the sweep queues the refresh again, unless one is running for that partner
now (it holds the partner's advisory lock; its commit clears the marks).
Refreshes are idempotent, so one queued twice costs time, never correctness.

Each kind of refresh is one ``DueRefresh``, registered by the feature that owns it.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import shared_task
from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from tenants import network_wide, tenant_context
from tenants.models import Network, Organisation, utcnow

from .queueing import enqueue_after_commit
from .units import RETRY_TRANSIENT, committed

# Longer than a refresh waits in a normal queue, so the sweep rarely queues one that is on its way.
GRACE = timedelta(minutes=3)


@dataclass(frozen=True)
class DueRefresh:
    """One kind of refresh: its marks, the partner lock its refresh holds, and its task."""

    name: str
    model: type  # TenantScoped, with ``requested_at`` and the period column
    period: str  # the marks' period column; a mark with None there means every period
    lock: int  # pg_advisory_xact_lock(lock, organisation_id) is held while a refresh of the partner runs
    task: object  # a Celery task
    arguments: Callable[[int, int, list | None], tuple]  # (network id, partner id, periods or None) -> the task's args


KINDS: dict[str, DueRefresh] = {}


def register(kind: DueRefresh) -> DueRefresh:
    KINDS[kind.name] = kind
    return kind


def mark_due(session: Session, kind: DueRefresh, network_id: int, organisation_id: int, periods: Iterable | None) -> None:
    """Record that the partner's ``periods`` (None: all) need ``kind``'s refresh, and queue it after the commit.

    The marks are written in the caller's transaction and tenant scope.
    """
    periods = None if periods is None else sorted(set(periods))
    if periods == []:
        return
    mark(session, kind, organisation_id, periods)
    enqueue_after_commit(session, kind.task, *kind.arguments(network_id, organisation_id, periods))


def mark(session: Session, kind: DueRefresh, organisation_id: int, periods: list | None) -> None:
    """Only the marks, for a caller that queues a wider refresh itself (a whole network's, say)."""
    session.add_all(kind.model(organisation_id=organisation_id, **{kind.period: p}) for p in (periods or [None]))
    session.flush()


def clear_due(session: Session, kind: DueRefresh, organisation_id: int, periods: Iterable | None) -> None:
    """Take the partner's refresh lock and delete the marks this refresh covers, before it reads anything.

    A change committed after this statement keeps its mark (and its own task);
    one committed before it is read by the refresh that follows.
    """
    with tenant_context(organisation_id):
        _lock(session, kind.lock, organisation_id)
        marks = delete(kind.model).where(kind.model.organisation_id == organisation_id)
        if periods is not None:
            marks = marks.where(getattr(kind.model, kind.period).in_(list(periods)))
        session.execute(marks.execution_options(synchronize_session=False))


def requeue_due(session: Session, now: datetime | None = None) -> int:
    """Queue again every refresh whose marks have stood past the grace and that nobody runs; returns how many.

    The marks' ``requested_at`` moves to ``now``, so the next sweep waits another
    grace before queueing the same refresh again. The caller commits.
    """
    now = now or utcnow()
    queued = 0
    for network_id in session.scalars(select(Network.id).order_by(Network.id)).all():
        partner_ids = session.scalars(select(Organisation.id).where(Organisation.network_id == network_id)).all()
        if not partner_ids:
            continue
        with network_wide(partner_ids, reason="queueing again the refreshes that are due"):
            for kind in KINDS.values():
                queued += _requeue_kind(session, kind, network_id, partner_ids, now)
    return queued


def requeue_partner(session: Session, kind: DueRefresh, organisation) -> int:
    """Queue now, without the grace, the refresh of whatever marks the partner has, unless one is running.

    For a redelivered task that finds its work committed but perhaps not its refresh's message sent.
    Call inside the partner's tenant scope; the caller commits.
    """
    return _requeue_kind(session, kind, organisation.network_id, [organisation.id], utcnow(), grace=timedelta(0))


def _requeue_kind(session: Session, kind: DueRefresh, network_id: int, partner_ids: list[int], now: datetime,
                  grace: timedelta = GRACE) -> int:
    model, period = kind.model, getattr(kind.model, kind.period)
    overdue = model.requested_at <= now - grace
    due: dict[int, set] = defaultdict(set)
    for organisation_id, value in session.execute(select(model.organisation_id, period)
                                                  .where(model.organisation_id.in_(partner_ids), overdue)):
        due[organisation_id].add(value)
    queued = 0
    for organisation_id, periods in sorted(due.items()):
        if not _lock(session, kind.lock, organisation_id, wait=False):
            continue  # a refresh of this partner is running; its commit clears the marks
        session.execute(update(model).where(model.organisation_id == organisation_id, overdue)
                        .values(requested_at=now).execution_options(synchronize_session=False))
        wanted = None if None in periods else sorted(periods)
        enqueue_after_commit(session, kind.task, *kind.arguments(network_id, organisation_id, wanted))
        queued += 1
    return queued


def _lock(session: Session, namespace: int, key: int, wait: bool = True) -> bool:
    # SQLite serialises writers anyway; PostgreSQL needs telling. Held until the transaction ends.
    if session.get_bind().dialect.name != "postgresql":
        return True
    if wait:
        session.execute(text("SELECT pg_advisory_xact_lock(:ns, :key)"), {"ns": namespace, "key": key})
        return True
    return session.scalar(text("SELECT pg_try_advisory_xact_lock(:ns, :key)"), {"ns": namespace, "key": key})


@shared_task(**RETRY_TRANSIENT)
def requeue_due_refreshes() -> int:
    """Every minute: queue again the refreshes a lost message or a dead worker left undone."""
    return committed(requeue_due)
