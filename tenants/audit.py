"""The automatic audit log: every change the ORM makes to a partner's rows, with who made it.

An ``after_flush`` listener (the session still holds the flush's new, changed
and deleted rows and their attribute history then) writes one ``AuditEvent``
per inserted, updated or deleted ``TenantScoped`` row: the acting user, the
organisation, the object's type and id, and the fields before and after. The
events are written with a Core INSERT on the flush's own connection, so they
commit or roll back with the change they describe, and they do not re-enter
the ORM flush.

A model opts out with ``__audited__ = False`` (snapshots and derived rows that
workers rebuild, bulk-imported spend lines whose import is logged as a whole),
and hides columns with ``__audit_exclude__ = ("column", ...)``. Columns whose
names look like secrets are never written, only marked as changed.
Bulk ``update()``/``delete()`` statements and raw SQL do not pass through a
flush and are not logged here.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum

from flask import g, has_request_context
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from .scoping import TenantScoped

CREATED, CHANGED, DELETED = "created", "changed", "deleted"
AUTOMATIC_ACTIONS = (CREATED, CHANGED, DELETED)
HIDDEN = "(hidden)"
OLD_VALUES = "audit_old_values"  # session.info key: stored values read before a flush
# Never write the value of a column whose name says it is a secret.
SECRET_NAME = re.compile(r"password|token|secret|api_key|private_key", re.IGNORECASE)
# Stamped by the database or the model on every write: noise, not a change anyone made.
ALWAYS_SKIPPED = frozenset({"id", "organisation_id"})


def is_audited(cls) -> bool:
    return issubclass(cls, TenantScoped) and getattr(cls, "__audited__", True)


def json_safe(value):
    """A value as JSON can hold it: Decimal and dates as text, containers recursively."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Enum):
        return json_safe(value.value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"({len(value)} bytes)"
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [json_safe(v) for v in value]
    return str(value)


def _columns(obj):
    """(attribute key, column name) of each audited column of this row's class."""
    mapper = inspect(obj).mapper
    excluded = set(getattr(type(obj), "__audit_exclude__", ())) | ALWAYS_SKIPPED
    for attr in mapper.column_attrs:
        if attr.key not in excluded:
            yield attr.key


def shown_value(key: str, value):
    """The value as the log keeps it: hidden for a column named like a secret."""
    return HIDDEN if SECRET_NAME.search(key) else json_safe(value)


def _snapshot(obj) -> dict:
    # Only loaded values: reading an expired attribute of a deleted row would query the database.
    loaded = inspect(obj).dict
    return {key: shown_value(key, loaded[key]) for key in _columns(obj) if key in loaded}


_UNKNOWN = object()


def _unloaded_old_values(session: Session, obj) -> dict:
    """The stored values of changed attributes that were set without being loaded first.

    After a commit every attribute is expired; setting one then records no old
    value, so it is read from the database, one row at a time, before the flush.
    A Core statement on the flush's connection: row-level security still holds.
    """
    state = inspect(obj)
    keys = [
        key for key in _columns(obj)
        if state.attrs[key].history.added and not state.attrs[key].history.deleted
    ]
    if not keys or state.key is None:
        return {}
    mapper = state.mapper
    columns = [mapper.column_attrs[key].columns[0] for key in keys]
    where = [column == value for column, value in zip(mapper.primary_key, state.key[1])]
    row = session.connection().execute(select(*columns).where(*where)).first()
    return dict(zip(keys, row)) if row is not None else {}


def _changes(obj, known_old: dict) -> tuple[dict, dict]:
    state = inspect(obj)
    before, after = {}, {}
    for key in _columns(obj):
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else known_old.get(key, _UNKNOWN)
        new = history.added[0] if history.added else None
        if old == new:
            continue
        before[key] = None if old is _UNKNOWN else shown_value(key, old)
        after[key] = shown_value(key, new)
    return before, after


def _acting_user_id() -> int | None:
    """The signed-in person of this request, or None (a worker, a command, a supplier's link).

    Read from where Flask-Login keeps the user it already loaded: loading it
    here would run a query in the middle of a flush.
    """
    if not has_request_context():
        return None
    user = g.get("_login_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    # The identity key, not user.id: after the request's commit the user is expired, and
    # loading it while another session flushes (the broker's, queueing a task from the
    # request's after_commit) would query a session that may emit no more SQL.
    identity = inspect(user).identity
    return identity[0] if identity else None


def _event(obj, action: str, user_id, now, before, after) -> dict:
    # From the attributes: a new row's identity key is only set once the flush is over.
    identity = inspect(obj).mapper.primary_key_from_instance(obj)
    return {
        "organisation_id": obj.organisation_id,
        "user_id": user_id,
        "action": action,
        "detail": {},
        "at": now,
        "object_type": type(obj).__name__,
        "object_id": identity[0] if len(identity) == 1 else None,
        "before": before,
        "after": after,
    }


def events_for_flush(session: Session) -> list[dict]:
    """The audit rows for the changes the session has just flushed."""
    from .models import utcnow

    user_id, now, rows = _acting_user_id(), utcnow(), []
    for obj in session.new:
        if is_audited(type(obj)):
            rows.append(_event(obj, CREATED, user_id, now, None, _snapshot(obj)))
    known_old = session.info.pop(OLD_VALUES, {})
    for obj in session.dirty:
        if is_audited(type(obj)) and session.is_modified(obj, include_collections=False):
            before, after = _changes(obj, known_old.get(id(obj), {}))
            if after:
                rows.append(_event(obj, CHANGED, user_id, now, before, after))
    for obj in session.deleted:
        if is_audited(type(obj)):
            rows.append(_event(obj, DELETED, user_id, now, _snapshot(obj), None))
    return rows


_installed = False


def install_once() -> None:
    """Install the listeners on every Session, once per process."""
    global _installed
    if not _installed:
        install(Session)
        _installed = True


def install(session_class=Session) -> None:
    """Log every flushed change to a tenant row, and refuse to change a logged event."""
    from .models import AuditEvent

    @event.listens_for(session_class, "before_flush")
    def _read_old_values(session: Session, flush_context, instances) -> None:
        session.info[OLD_VALUES] = {
            id(obj): _unloaded_old_values(session, obj)
            for obj in session.dirty
            if is_audited(type(obj)) and session.is_modified(obj, include_collections=False)
        }

    @event.listens_for(session_class, "after_flush")
    def _write_audit_events(session: Session, flush_context) -> None:
        rows = events_for_flush(session)
        if rows:
            session.connection().execute(AuditEvent.__table__.insert(), rows)

    @event.listens_for(AuditEvent, "before_update")
    @event.listens_for(AuditEvent, "before_delete")
    def _refuse_editing_the_log(mapper, connection, target) -> None:
        raise PermissionError("the audit log is written once and never edited")
