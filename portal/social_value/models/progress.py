"""Snapshots, kept by workers, of the figures that compare like with like (``social_value/progress_snapshot.py``).

- ``SocialValuePeriodTotal``: a partner's commitments spread over the years and
  half-years their contracts cover (pro rata by days, profile years where given),
  beside the verified delivery of periods ending in each.
- ``SocialValueProgressTotal``: to date since the network's policy start, by the
  contract's status (live or completed) on ``as_of`` and measure: commitments made,
  what was delivered on those same commitments, and all delivery in the span.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from tenants.models import utcnow
from tenants.scoping import TenantScoped


class SocialValuePeriodTotal(TenantScoped, db.Model):
    """One measure's spread commitments and delivery in one year or half-year of a partner (£ at the current valuation)."""

    __tablename__ = "sv_period_totals"
    __audited__ = False  # a snapshot the workers rebuild
    id: Mapped[int] = mapped_column(primary_key=True)
    period_type: Mapped[str] = mapped_column(String(4))
    period_start: Mapped[date] = mapped_column(Date)
    measure_id: Mapped[int] = mapped_column(ForeignKey("sv_measures.id", ondelete="CASCADE"))
    committed_quantity: Mapped[Decimal] = mapped_column(Numeric(20, 3), default=0)
    committed_value_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    delivered_quantity: Mapped[Decimal] = mapped_column(Numeric(20, 3), default=0)
    delivered_value_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        UniqueConstraint("organisation_id", "period_type", "period_start", "measure_id"),
        CheckConstraint("period_type IN ('year', 'half')", name="period_type"),
    )


class SocialValueProgressTotal(TenantScoped, db.Model):
    """To date for one contract status and measure of a partner, as it stood on ``as_of``."""

    __tablename__ = "sv_progress_totals"
    __audited__ = False  # a snapshot the workers rebuild
    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[date] = mapped_column(Date)
    # The network's policy start date the figures count from (None: all records).
    since: Mapped[date | None] = mapped_column(Date)
    contract_status: Mapped[str] = mapped_column(String(9))
    measure_id: Mapped[int] = mapped_column(ForeignKey("sv_measures.id", ondelete="CASCADE"))
    # Commitments made since the policy start: current valuation and as first valued.
    made_quantity: Mapped[Decimal] = mapped_column(Numeric(20, 3), default=0)
    made_value_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    made_original_value_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    made_count: Mapped[int] = mapped_column(Integer, default=0)
    # Verified delivery (periods ending by as_of) on those same commitments.
    against_quantity: Mapped[Decimal] = mapped_column(Numeric(20, 3), default=0)
    against_value_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    # All verified delivery of periods ending since the policy start, on any commitment.
    delivered_value_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    delivered_original_value_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    delivered_count: Mapped[int] = mapped_column(Integer, default=0)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        UniqueConstraint("organisation_id", "contract_status", "measure_id"),
        CheckConstraint("contract_status IN ('live', 'completed')", name="contract_status"),
    )


class SocialValueContractTotal(TenantScoped, db.Model):
    """One contract's commitments made and verified delivery in one financial year of a partner: the report's
    top contracts read the ten largest of these rather than adding up a year of delivery on each request."""

    __tablename__ = "sv_contract_totals"
    __audited__ = False  # a snapshot the workers rebuild
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    contract_id: Mapped[int] = mapped_column(ForeignKey("sv_contracts.id", ondelete="CASCADE"))
    committed_value_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    committed_current_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    delivered_value_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    delivered_current_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        UniqueConstraint("organisation_id", "year", "contract_id"),
        # The top ten of a year are read down these, not sorted out of the year's every contract.
        Index("ix_sv_contract_totals_year_committed", "year", "committed_current_pence"),
        Index("ix_sv_contract_totals_year_delivered", "year", "delivered_current_pence"),
    )
