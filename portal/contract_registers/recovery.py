"""When the worker checking or applying a contracts register dies: a heartbeat, a sweep, a retry.

As for spend imports (portal.spend.import_recovery, which explains why a dead
worker's task is not simply redelivered): the worker marks the import alive
every few seconds while it works, and the periodic sweep fails, with a reason the
officer can read, an import nobody has worked on past its lease. Checking and
applying each run in one transaction, so nothing of a failed attempt was kept,
and trying again (the register is checked afresh) is always safe.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from portal.spend import import_recovery
from portal.spend.import_recovery import QUEUED_LEASE, RUNNING_LEASE
from tenants import network_wide
from tenants.models import Network, Organisation, utcnow

from .models import ContractRegisterImport

# A worker is working on it (or was asked to) in these; every other status waits for the officer.
IN_HAND = ("queued", "running", "applying")

WORKER_STOPPED = (
    "The worker {doing} this register stopped before it finished, and nothing has been heard from it for "
    "over {minutes} minutes. No contract was changed. Try again."
)
NEVER_STARTED = (
    "No worker started {doing} this register within {minutes} minutes of being asked. No contract was changed. "
    "Try again."
)


@contextmanager
def heartbeat(session: Session, import_id: int, every: float = import_recovery.HEARTBEAT_SECONDS):
    """While the block runs, mark the import alive every ``every`` seconds (in transactions of its own)."""
    with import_recovery.heartbeat(session, import_id, every, model=ContractRegisterImport, statuses=IN_HAND):
        yield


def fail_stale_imports(session: Session, now: datetime | None = None) -> int:
    """Mark failed every register import whose worker has gone silent past its lease; returns how many.

    A worker that started beats (``heartbeat_at``) and has the short lease; one never started is
    measured from when it was queued, with the long lease (it may wait behind other work). The caller commits.
    """
    now = now or utcnow()
    model = ContractRegisterImport
    started = model.heartbeat_at.is_not(None)
    waiting_since = func.coalesce(model.queued_at, model.created_at)
    minutes = {lease: int(lease.total_seconds() // 60) for lease in (RUNNING_LEASE, QUEUED_LEASE)}
    failed = 0
    for network_id in session.scalars(select(Network.id).order_by(Network.id)).all():
        partner_ids = session.scalars(select(Organisation.id).where(Organisation.network_id == network_id)).all()
        if not partner_ids:
            continue
        with network_wide(partner_ids, reason="failing contracts register imports whose worker died"):
            for status in IN_HAND:
                doing = "applying" if status == "applying" else "checking"
                for stale, reason in (
                    (and_(started, model.heartbeat_at < now - RUNNING_LEASE),
                     WORKER_STOPPED.format(doing=doing, minutes=minutes[RUNNING_LEASE])),
                    (and_(~started, waiting_since < now - QUEUED_LEASE),
                     NEVER_STARTED.format(doing=doing, minutes=minutes[QUEUED_LEASE])),
                ):
                    result = session.execute(
                        update(model)
                        .where(model.organisation_id.in_(partner_ids), model.status == status, stale)
                        .values(status="failed", failure_reason=reason, finished_at=now)
                        .execution_options(synchronize_session=False))
                    failed += result.rowcount
    return failed


def can_retry(register_import: ContractRegisterImport) -> bool:
    return register_import.status == "failed"


def retry_import(session: Session, register_import: ContractRegisterImport, user=None) -> None:
    """Check a failed import again from the start, as the officer asked; the caller commits.

    An apply that failed is checked again too: the officer sees the differences as they now are
    and applies them once more.
    """
    from .importing import ImportRefused, queue

    if not can_retry(register_import):
        raise ImportRefused("Only an import that failed can be tried again.")
    register_import.finished_at = None
    queue(session, register_import, "check", user)

