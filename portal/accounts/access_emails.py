"""Telling a person their access changed (ASVS 2.2.3 in spirit: a change they did not make must not go unnoticed).

A role changed, a removal, an account disabled or re-enabled, a place on a lead team given or
taken: each emails the person it is about, saying what changed, where and by whom, and
whom to ask if they did not expect it. The email carries no link (nothing in it grants
anything), so its text may wait in the outbox until the worker sends it.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from portal.mail.services import queue_email
from tenants.models import User

SUBJECT = "Your access to the Anchor Network Social Value Portal has changed"


def tell_about_access(session: Session, user: User, what: str, by: User | None, ask: str) -> None:
    """Queue the email: ``what`` happened (a sentence), done by ``by`` (None: the portal's operators)."""
    who = f"{by.name} ({by.email})" if by is not None else "the portal's operators"
    body = (
        f"Dear {user.name},\n\n"
        f"{what}\n\n"
        f"This change was made by {who}. You have been signed out on every device.\n\n"
        f"If you did not expect it, {ask}.\n"
    )
    queue_email(session, user.email, SUBJECT, body)
