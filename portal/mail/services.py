"""Sending email: over SMTP when MAIL_SERVER is set, else into the outbox folder."""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app
from sqlalchemy.orm import Session

from tenants.models import utcnow
from workers import enqueue_after_commit

from .models import OutgoingEmail

log = logging.getLogger(__name__)


def queue_email(session: Session, recipient: str, subject: str, body: str) -> OutgoingEmail:
    """Record an email and have a worker send it once the caller's transaction commits."""
    from .tasks import send_email

    email = OutgoingEmail(recipient=recipient, subject=subject, body=body)
    session.add(email)
    session.flush()
    enqueue_after_commit(session, send_email, email.id)
    return email


def build_message(email: OutgoingEmail) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = email.recipient
    message["Subject"] = email.subject
    # A stable id per email, so a receiving server can spot a repeat.
    message["Message-ID"] = make_msgid(idstring=f"portal-{email.id}", domain="anchor-portal.localhost")
    message.set_content(email.body)
    return message


def deliver(email: OutgoingEmail) -> None:
    """Hand one email to SMTP, or write it to the outbox in development."""
    config = current_app.config
    message = build_message(email)
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
    log.warning("Email to %s written to %s\n%s\n%s", email.recipient, path, email.subject, email.body)


def send_pending(session: Session, email_id: int) -> bool:
    """Send one queued email unless it was already sent; True when it went now.

    The row stays locked while it is handed to SMTP, so two runs of the task
    for one email (a redelivery, the sweep) send it once. A failed attempt is
    counted and its error kept before the error goes on to the task's retry.
    """
    email = session.get(OutgoingEmail, email_id, with_for_update=True)
    if email is None or email.sent_at is not None:
        session.rollback()  # end the read (and release the lock) at once
        return False
    try:
        deliver(email)
    except Exception as error:
        session.rollback()
        _record_failure(session, email_id, error)
        raise
    email.attempts += 1
    email.sent_at = utcnow()
    session.commit()
    return True


def _record_failure(session: Session, email_id: int, error: Exception) -> None:
    """Count a failed attempt, so the sweep gives up after ``max_attempts``."""
    try:
        email = session.get(OutgoingEmail, email_id, with_for_update=True)
        if email is not None and email.sent_at is None:
            email.attempts += 1
            email.last_error = f"{type(error).__name__}: {error}"[:500]
        session.commit()
    except Exception:
        session.rollback()
        log.exception("could not record the failed attempt for email %s", email_id)


def stale_unsent_ids(session: Session, older_than_minutes: int = 5, max_attempts: int = 8) -> list[int]:
    from datetime import timedelta

    from sqlalchemy import select

    cutoff = utcnow() - timedelta(minutes=older_than_minutes)
    return list(
        session.scalars(
            select(OutgoingEmail.id).where(
                OutgoingEmail.sent_at.is_(None),
                OutgoingEmail.created_at < cutoff,
                OutgoingEmail.attempts < max_attempts,
            )
        )
    )
