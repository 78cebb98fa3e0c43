"""Chasing delivery: one row per return that fell due, and the notes that record remedies."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from tenants.models import utcnow
from tenants.scoping import TenantScoped


class ReturnReminder(TenantScoped, db.Model):
    """A return (a delivery report for one reporting period) the supplier was reminded of.

    "Once per return" is held by the unique constraint: the row is written in the
    transaction that queues the supplier's email, so a second run of the beat
    (or a retried task) cannot send it twice. ``escalated_at`` does the same for
    the email to the contract manager.
    """

    __tablename__ = "sv_return_reminders"
    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("sv_contracts.id", ondelete="CASCADE"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    # Where the reminder went (the contact may change later); None when the contract had no contact.
    sent_to: Mapped[str | None] = mapped_column(String(320))
    reminded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    escalated_to: Mapped[str | None] = mapped_column(String(320))

    contract = relationship("Contract")

    __table_args__ = (UniqueConstraint("contract_id", "period_start"),)


class ContractNote(TenantScoped, db.Model):
    """A note on a contract: a remedy agreed, a call made. Kept as written; who and when are recorded."""

    __tablename__ = "sv_contract_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("sv_contracts.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    written_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    written_by = relationship("User")
