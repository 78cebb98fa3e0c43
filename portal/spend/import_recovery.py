"""When the worker running an import dies: a heartbeat while it runs, a sweep for the silent ones, a retry.

A task is redelivered after its worker dies only if something is left to
notice: Celery's prefork parent does that for a killed child
(``task_reject_on_worker_lost``), but a whole worker killed, or a message lost
with Redis, leaves the import "running" or "queued" with nobody working on it
(Redis hands an unacknowledged task back only after the visibility timeout, two
days). The worker writes ``heartbeat_at`` every few seconds from a thread of its
own; the periodic sweep marks an import failed, with a reason the officer can
read, once nothing has been heard from it for longer than the lease. Nothing of a
failed import was kept (its lines go in with one transaction), so trying again
is always safe; a line already there is skipped as a duplicate, never counted twice.
"""
from __future__ import annotations

import contextvars
import logging
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from tenants import network_wide
from tenants.models import Network, Organisation, utcnow

from .importing import ImportRefused
from .models import SpendImport

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10
# Twelve missed heartbeats: far longer than any pause of a live worker.
RUNNING_LEASE = timedelta(minutes=2)
# A queued import waits for a free worker, perhaps behind other large imports.
QUEUED_LEASE = timedelta(minutes=30)

WORKER_STOPPED = (
    "The worker importing this file stopped before it finished, and nothing has been heard from it for "
    "over {minutes} minutes. Nothing from this attempt was kept. Try the import again."
)
NEVER_STARTED = (
    "No worker started this import within {minutes} minutes of it being queued. Nothing was imported. "
    "Try the import again."
)


@contextmanager
def heartbeat(session: Session, import_id: int, every: float = HEARTBEAT_SECONDS, model=SpendImport,
              statuses: tuple[str, ...] = ("queued", "running")):
    """While the block runs, mark the import alive every ``every`` seconds, in transactions of its own.

    ``model`` is any import with ``heartbeat_at`` and ``status`` (contracts register imports use it too);
    only an import in one of ``statuses`` is marked, so a finished one is left alone.
    """
    stop = threading.Event()
    factory = sessionmaker(bind=session.get_bind())

    def beat() -> None:
        while True:
            try:
                with factory() as own:
                    own.execute(
                        update(model)
                        .where(model.id == import_id, model.status.in_(statuses))
                        .values(heartbeat_at=utcnow())
                    )
                    own.commit()
            except Exception:  # noqa: BLE001 - a missed beat is retried; the lease allows for several
                log.warning("heartbeat of %s %s missed", model.__tablename__, import_id, exc_info=True)
            if stop.wait(every):
                return

    # The thread carries the task's tenant scope: row-level security lets it see this import only.
    thread = threading.Thread(target=contextvars.copy_context().run, args=(beat,), name=f"import-{import_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every)


def fail_stale_imports(session: Session, now: datetime | None = None) -> int:
    """Mark failed every import whose worker has gone silent past its lease; returns how many. The caller commits."""
    now = now or utcnow()
    last_heard = func.coalesce(SpendImport.heartbeat_at, SpendImport.started_at, SpendImport.created_at)
    stale = {
        "running": (RUNNING_LEASE, WORKER_STOPPED),
        "queued": (QUEUED_LEASE, NEVER_STARTED),
    }
    failed = 0
    for network_id in session.scalars(select(Network.id).order_by(Network.id)).all():
        partner_ids = session.scalars(select(Organisation.id).where(Organisation.network_id == network_id)).all()
        if not partner_ids:
            continue
        with network_wide(partner_ids, reason="failing spend imports whose worker died"):
            for status, (lease, reason) in stale.items():
                result = session.execute(
                    update(SpendImport)
                    .where(and_(SpendImport.organisation_id.in_(partner_ids), SpendImport.status == status, last_heard < now - lease))
                    .values(status="failed", failure_reason=reason.format(minutes=int(lease.total_seconds() // 60)), finished_at=now)
                    .execution_options(synchronize_session=False)
                )
                failed += result.rowcount
    return failed


def retry_import(session: Session, spend_import: SpendImport) -> None:
    """Queue a failed import again, as the officer asked. The caller commits."""
    from .services import queue_import

    if spend_import.status != "failed":
        raise ImportRefused("Only an import that failed can be tried again.")
    spend_import.finished_at = None
    queue_import(session, spend_import)
