"""What the live Companies House lookup learnt about a supplier, kept apart from the reference tables.

The reference tables are the bulk files' and are swapped whole by each load (and the app
role may not write them on PostgreSQL), so what the API said lives here, one row per
supplier: its profile for classing (the accounts category, in the bulk file's words), and
when it was asked, so a supplier is not looked up again within the set number of days.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from tenants.models import utcnow

# "matched": a company taken on; "candidates": put to the lead's review; "no_match": nothing close.
LOOKUP_OUTCOMES = ("matched", "candidates", "no_match")


class CompaniesHouseLookup(db.Model):
    __tablename__ = "companies_house_lookups"
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id", ondelete="CASCADE"), unique=True)
    outcome: Mapped[str] = mapped_column(String(12))
    # The company taken on, and what its profile said, in the bulk file's words.
    company_number: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str | None] = mapped_column(String(80))
    category: Mapped[str | None] = mapped_column(String(120))
    accounts_category: Mapped[str | None] = mapped_column(String(40))
    profile: Mapped[dict | None] = mapped_column(JSON)
    looked_up_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        CheckConstraint("outcome IN (" + ", ".join(f"'{o}'" for o in LOOKUP_OUTCOMES) + ")", name="outcome"),
    )
