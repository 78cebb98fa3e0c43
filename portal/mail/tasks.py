"""The worker side of email."""
import smtplib

from celery import shared_task

from portal.extensions import db

from .sending import send_pending, stale_unsent_ids


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError, OSError),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def send_email(self, email_id: int) -> bool:
    """Send a queued email once; safe to run again."""
    return send_pending(db.session, email_id)


@shared_task
def send_unsent_emails() -> int:
    """Queue again any email whose task was lost (e.g. the broker was down at commit)."""
    ids = stale_unsent_ids(db.session)
    for email_id in ids:
        send_email.delay(email_id)
    return len(ids)
