"""Queue tasks only once the transaction that asked for them has committed.

A task queued before the commit may run before its rows exist, or for rows a
rollback then removed. Tasks are held on the session and sent after the outermost
commit; a rollback drops them, and a savepoint rolled back drops the tasks queued
inside it. (SQLAlchemy also calls ``after_commit`` when a savepoint is released:
sending then would run a task before its rows were committed.)
"""
from __future__ import annotations

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

_KEY = "tasks_after_commit"
log = logging.getLogger(__name__)


def enqueue_after_commit(session: Session, task, *args, **kwargs) -> None:
    if isinstance(session, scoped_session):
        session = session()  # the registry's session: the proxy lacks get_nested_transaction()
    # Tagged with the innermost transaction open now, so a savepoint rolled back can drop its own.
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_KEY, []).append((transaction, task, args, kwargs))


def discard_queued(session: Session) -> None:
    """Forget the tasks this transaction would send at its commit (data built in bulk that needs none)."""
    session.info.pop(_KEY, None)


def install(session_class=Session) -> None:
    @event.listens_for(session_class, "after_commit")
    def _send(session) -> None:
        if session.in_nested_transaction():
            return  # a savepoint released: its tasks wait for the outermost commit
        pending = session.info.pop(_KEY, [])
        for _transaction, task, args, kwargs in pending:
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
        elif _KEY in session.info:
            session.info[_KEY] = [queued for queued in session.info[_KEY]
                                  if not _within(queued[0], previous_transaction)]


def _within(transaction, ancestor) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False
