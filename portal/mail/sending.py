"""Sending one queued email: render it, hand it to SMTP (or the outbox folder), mark it sent.

The worker's side (``tasks.py`` calls it); queueing is in ``services.py``, which
imports the task, so this module imports neither.
"""
from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from tenants.models import utcnow

from .messages import render
from .models import OutgoingEmail

# The logger of the module this came from: log settings and readers that filter on it keep working.
log = logging.getLogger("portal.mail.services")


# SMTP's limit on a line; a body with a longer one keeps quoted-printable even in the outbox.
LONGEST_LINE = 998


def build_message(email: OutgoingEmail, body: str, readable: bool = False) -> EmailMessage:
    """The email as sent; ``readable``: its text as written (8bit), for the outbox folder a person opens.

    Over SMTP the text goes quoted-printable, which breaks lines over 76 characters with "=" and
    so breaks a long link for anyone reading the raw file (issue 18): the outbox file is read that way.
    """
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = email.recipient
    message["Subject"] = email.subject
    # A stable id per email, so a receiving server can spot a repeat.
    message["Message-ID"] = make_msgid(idstring=f"portal-{email.id}", domain="anchor-portal.localhost")
    if readable and all(len(line.encode()) <= LONGEST_LINE for line in body.splitlines()):
        message.set_content(body, cte="8bit")
    else:
        message.set_content(body)
    return message


def deliver(email: OutgoingEmail, body: str) -> None:
    """Hand one email to SMTP, or write it to the outbox folder in development."""
    config = current_app.config
    message = build_message(email, body, readable=not config["MAIL_SERVER"])
    if config["MAIL_SERVER"]:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
        return
    outbox = Path(config["MAIL_OUTBOX"])
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / f"{email.id:08d}.eml"
    path.write_bytes(bytes(message))
    # The body stays out of the log: it may hold a live link, and logs are kept.
    log.warning("Email to %s written to %s: %s", email.recipient, path, email.subject)


def send_pending(session: Session, email_id: int) -> bool:
    """Render and send one queued email unless it was already sent; True when it went now.

    The row stays locked while it is rendered and handed to SMTP, so two runs of
    the task for one email (a redelivery, the sweep) send it once. Marking it sent
    clears its arguments in the same commit: the outbox keeps only who, what
    subject, status and times. A failed attempt is counted and its error kept
    before the error goes on to the task's retry.
    """
    email = session.get(OutgoingEmail, email_id, with_for_update=True)
    if email is None or email.status != "queued":
        session.rollback()  # end the read (and release the lock) at once
        return False
    try:
        body = render(session, email.message, email.recipient, email.arguments)
        if body is not None:
            deliver(email, body)
    except Exception as error:
        session.rollback()
        _record_failure(session, email_id, error)
        raise
    email.arguments = None
    if body is None:
        email.status = "dropped"
        email.last_error = "Not sent: it no longer applied when its turn came."
        session.commit()
        return False
    email.attempts += 1
    email.status = "sent"
    email.sent_at = utcnow()
    session.commit()
    return True


def _record_failure(session: Session, email_id: int, error: Exception) -> None:
    """Count a failed attempt, so the sweep gives up after ``max_attempts``."""
    try:
        email = session.get(OutgoingEmail, email_id, with_for_update=True)
        if email is not None and email.status == "queued":
            email.attempts += 1
            email.last_error = f"{type(error).__name__}: {error}"[:500]
        session.commit()
    except Exception:
        session.rollback()
        log.exception("could not record the failed attempt for email %s", email_id)


def stale_unsent_ids(session: Session, older_than_minutes: int = 5, max_attempts: int = 8) -> list[int]:
    """Queued emails older than ``older_than_minutes`` with attempts left: their task was lost, or failed."""
    cutoff = utcnow() - timedelta(minutes=older_than_minutes)
    return list(
        session.scalars(
            select(OutgoingEmail.id).where(
                OutgoingEmail.status == "queued",
                OutgoingEmail.created_at < cutoff,
                OutgoingEmail.attempts < max_attempts,
            )
        )
    )
