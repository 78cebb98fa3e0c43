"""The worker side of email."""
import smtplib

from celery import shared_task

from portal.extensions import db

from .services import send_pending


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
