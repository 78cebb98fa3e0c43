"""What a partner shares with its network lead: plain functions on a session; the caller commits."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.services import record
from tenants import current_organisation_id
from tenants.models import AuditEvent, Organisation, User

LINES, TOTALS = "lines", "totals"
ACTION = "sharing.changed"


def sharing_of(organisation: Organisation) -> str:
    return LINES if organisation.shares_lines_with_lead else TOTALS


def set_sharing(session: Session, organisation: Organisation, user: User, choice: str) -> bool:
    """Share lines or totals only with the lead; logged with before and after. True if it changed.

    Runs inside the partner's own tenant context: the audit event is the partner's.
    """
    if choice not in (LINES, TOTALS):
        raise ValueError(f"unknown sharing choice {choice!r}")
    if current_organisation_id() != organisation.id:
        raise PermissionError("a partner's sharing is changed inside its own tenant context")
    before = sharing_of(organisation)
    if before == choice:
        return False
    organisation.shares_lines_with_lead = choice == LINES
    record(session, ACTION, user, before=before, after=choice)
    session.flush()
    return True


def sharing_history(session: Session, limit: int = 20) -> list[tuple[AuditEvent, str | None]]:
    """The current partner's sharing changes, newest first, with who made them."""
    return list(session.execute(
        select(AuditEvent, User.name).outerjoin(User, User.id == AuditEvent.user_id)
        .where(AuditEvent.action == ACTION).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    ).all())
