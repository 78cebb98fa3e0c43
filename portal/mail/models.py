"""Email the portal has to send, kept until sent so that a retried task sends it once.

No body is stored. A row names a message (``message``) and the non-secret
arguments it is rendered from (``arguments``: ids, a name, a list of titles); the
worker renders it at the moment it hands it to SMTP, making any link's signed
token then, and clears the arguments in the transaction that marks it sent. What
stays is who it went to, the subject, its status and times. A reset, invitation or
verification link is therefore never in the database at all (issue 14, item 3).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from tenants.models import utcnow

STATUSES = ("queued", "sent", "dropped")


class OutgoingEmail(db.Model):
    __tablename__ = "outgoing_emails"
    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    # Which renderer in portal/mail/messages.py writes the body, and from what.
    message: Mapped[str] = mapped_column(String(60))
    arguments: Mapped[dict | None] = mapped_column(JSON)
    # "dropped": by the time it was to go, it no longer applied (the invitation withdrawn, say).
    status: Mapped[str] = mapped_column(String(20), default="queued")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (CheckConstraint("status IN ('queued', 'sent', 'dropped')", name="status"),)
