"""Queueing email for a worker to send (over SMTP when MAIL_SERVER is set, else into the outbox folder).

Queueing is here; sending is in ``sending.py`` (the worker's side), whose names are
also importable from here.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from workers import enqueue_after_commit

from .models import OutgoingEmail
from .sending import LONGEST_LINE, build_message, deliver, send_pending, stale_unsent_ids
from .tasks import send_email

__all__ = ["LONGEST_LINE", "build_message", "deliver", "queue_email", "queue_message", "send_pending",
           "stale_unsent_ids"]


def queue_email(session: Session, recipient: str, subject: str, body: str) -> OutgoingEmail:
    """Queue a plain email: its text is kept only until it is sent. Never for a link that grants anything."""
    return queue_message(session, recipient, subject, "text", body=body)


def queue_message(session: Session, recipient: str, subject: str, message: str, **arguments) -> OutgoingEmail:
    """Record an email to be rendered at sending (see messages.py) and have a worker send it after the commit."""
    email = OutgoingEmail(recipient=recipient, subject=subject, message=message, arguments=arguments, status="queued")
    session.add(email)
    session.flush()
    enqueue_after_commit(session, send_email, email.id)
    return email
