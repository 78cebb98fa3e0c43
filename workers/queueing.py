"""Queue tasks only once the transaction that asked for them has committed.

A task queued before the commit may run before its rows exist, or for rows a
rollback then removed. Tasks are held on the session and sent after commit;
a rollback drops them.
"""
from __future__ import annotations

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session

_KEY = "tasks_after_commit"
log = logging.getLogger(__name__)


def enqueue_after_commit(session: Session, task, *args, **kwargs) -> None:
    session.info.setdefault(_KEY, []).append((task, args, kwargs))


def discard_queued(session: Session) -> None:
    """Forget the tasks this transaction would send at its commit (data built in bulk that needs none)."""
    session.info.pop(_KEY, None)


def install(session_class=Session) -> None:
    @event.listens_for(session_class, "after_commit")
    def _send(session) -> None:
        pending = session.info.pop(_KEY, [])
        for task, args, kwargs in pending:
            try:
                task.apply_async(args=args, kwargs=kwargs)
            except Exception:
                # The commit stands; the work is recorded in the database and
                # the periodic sweep for that kind of work picks it up.
                log.exception("could not queue %s%r after commit", task.name, args)

    @event.listens_for(session_class, "after_soft_rollback")
    def _drop(session, previous_transaction) -> None:
        if previous_transaction.parent is None:
            session.info.pop(_KEY, None)
