"""A grant a partner made: Kirklees' "grants" route to social value, published in the 360Giving standard."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from tenants.models import utcnow
from tenants.scoping import TenantScoped


class Grant(TenantScoped, db.Model):
    """One grant: who received it, how much, when and under which programme."""

    __tablename__ = "grants"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    programme: Mapped[str] = mapped_column(String(200), default="")
    recipient_name: Mapped[str] = mapped_column(String(300))
    # As the registers write them (portal.spend.normalise): a charity number, a Companies House number, or both.
    recipient_charity_number: Mapped[str | None] = mapped_column(String(20))
    recipient_company_number: Mapped[str | None] = mapped_column(String(8))
    recipient_postcode: Mapped[str | None] = mapped_column(String(8))
    # The outward code: from the postcode when there is one, or given alone (a recipient's area, not its door).
    recipient_district: Mapped[str | None] = mapped_column(String(4))
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    awarded_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    __table_args__ = (CheckConstraint("amount_pence > 0", name="amount_positive"),)
