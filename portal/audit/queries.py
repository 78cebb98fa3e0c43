"""Reading a partner's audit log: the filter a page asks for, and the events it matches.

The organisation is never a filter here: ``AuditEvent`` is tenant-scoped, so
every query below sees the current partner's events only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from tenants.audit import AUTOMATIC_ACTIONS
from tenants.models import AuditEvent, User

PER_PAGE = 50
ACTION_LABELS = {"created": "Created", "changed": "Changed", "deleted": "Deleted",
                 "api_token.created": "API token created", "api_token.revoked": "API token revoked"}


@dataclass(frozen=True)
class AuditFilter:
    """Which events to show; every part optional. ``until`` is inclusive."""

    person: int | None = None
    action: str | None = None
    object_type: str | None = None
    since: date | None = None
    until: date | None = None

    def apply(self, query: Select) -> Select:
        if self.person is not None:
            query = query.where(AuditEvent.user_id == self.person)
        if self.action:
            query = query.where(AuditEvent.action == self.action)
        if self.object_type:
            query = query.where(AuditEvent.object_type == self.object_type)
        if self.since:
            query = query.where(AuditEvent.at >= _start_of(self.since))
        if self.until:
            query = query.where(AuditEvent.at < _start_of(self.until + timedelta(days=1)))
        return query


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def events(audit_filter: AuditFilter) -> Select:
    """The matching events, newest first."""
    return audit_filter.apply(select(AuditEvent)).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def names_of(session: Session, user_ids) -> dict[int, str]:
    """The names of these people, for the page's "who" column."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def people_in_log(session: Session) -> list[tuple[int, str]]:
    """Everyone who appears in this partner's log, by name."""
    return [
        (row.id, row.name)
        for row in session.execute(
            select(User.id, User.name).where(User.id.in_(select(AuditEvent.user_id).distinct())).order_by(User.name)
        )
    ]


def actions_in_log(session: Session) -> list[str]:
    return sorted(session.scalars(select(AuditEvent.action).distinct()).all(), key=_action_order)


def object_types_in_log(session: Session) -> list[str]:
    return session.scalars(
        select(AuditEvent.object_type).where(AuditEvent.object_type.is_not(None)).distinct().order_by(AuditEvent.object_type)
    ).all()


def _action_order(action: str) -> tuple:
    return (action not in AUTOMATIC_ACTIONS, AUTOMATIC_ACTIONS.index(action) if action in AUTOMATIC_ACTIONS else 0, action)


def action_label(action: str) -> str:
    """'created' as "Created"; a named event 'invitation.sent' as "Invitation sent"."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    words = action.replace(".", " ").replace("_", " ")
    return words[:1].upper() + words[1:]


def object_label(object_type: str | None) -> str:
    """A class name in words: 'DeliveryReport' as "Delivery report"."""
    if not object_type:
        return ""
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", object_type).lower()
    return words[:1].upper() + words[1:]


def field_label(field: str) -> str:
    words = field.replace("_", " ")
    return words[:1].upper() + words[1:]
