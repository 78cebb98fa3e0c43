"""Spend lines, the imports they came from, and the totals workers compute from them."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from tenants.models import utcnow
from tenants.scoping import TenantScoped

IMPORT_STATUSES = ("uploaded", "queued", "running", "imported", "rejected", "failed")
PERIOD_TYPES = ("year", "quarter", "month")
BREAKDOWNS = ("all", "district", "category")


class SpendImport(TenantScoped, db.Model):
    """One uploaded file and what became of it."""

    __tablename__ = "spend_imports"
    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(12), default="uploaded")
    column_mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    # The officer chose to import the good lines of a file that has bad ones.
    import_good_lines: Mapped[bool] = mapped_column(Boolean, default=False)
    total_rows: Mapped[int | None] = mapped_column(Integer)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    imported_count: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_count: Mapped[int] = mapped_column(Integer, default=0)
    rejected_count: Mapped[int] = mapped_column(Integer, default=0)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Last sign of life: when it was queued, then every few seconds while a worker runs it
    # (import_recovery: an import silent past its lease is marked failed).
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint("status IN (" + ", ".join(f"'{s}'" for s in IMPORT_STATUSES) + ")", name="status"),
    )

    @property
    def finished(self) -> bool:
        return self.status in ("imported", "rejected", "failed")


class SpendImportProblem(TenantScoped, db.Model):
    """A line of an import that could not be read, and why."""

    __tablename__ = "spend_import_problems"
    __audited__ = False  # part of its import's result; the import is logged
    id: Mapped[int] = mapped_column(primary_key=True)
    spend_import_id: Mapped[int] = mapped_column(ForeignKey("spend_imports.id", ondelete="CASCADE"), index=True)
    line_number: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(500))
    raw: Mapped[dict] = mapped_column(JSON, default=dict)


class SpendColumnMapping(TenantScoped, db.Model):
    """How this partner's files name the columns, remembered per header layout."""

    __tablename__ = "spend_column_mappings"
    id: Mapped[int] = mapped_column(primary_key=True)
    header_signature: Mapped[str] = mapped_column(String(64))
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    __table_args__ = (UniqueConstraint("organisation_id", "header_signature"),)


class SpendLine(TenantScoped, db.Model):
    """One payment (negative for a credit note), in pence."""

    __tablename__ = "spend_lines"
    __audited__ = False  # bulk-imported; the import itself is logged
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    # No index of its own: both composite indexes below start with organisation_id,
    # and a third index costs every import about 1 s per million lines.
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False)
    spend_import_id: Mapped[int | None] = mapped_column(ForeignKey("spend_imports.id", ondelete="SET NULL"), index=True)
    # The partner's own transaction reference: unique per partner, so a re-import never double counts.
    transaction_ref: Mapped[str] = mapped_column(String(120))
    payment_date: Mapped[date] = mapped_column(Date)
    # First day of the payment's month: the unit totals are grouped and refreshed by.
    month: Mapped[date] = mapped_column(Date)
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    supplier_name: Mapped[str] = mapped_column(String(300))
    supplier_alias_id: Mapped[int | None] = mapped_column(ForeignKey("supplier_aliases.id", ondelete="SET NULL"))
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id", ondelete="SET NULL"), index=True)
    expense_type: Mapped[str | None] = mapped_column(String(200))
    service_area: Mapped[str | None] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        UniqueConstraint("organisation_id", "transaction_ref"),
        Index("ix_spend_lines_organisation_month", "organisation_id", "month"),
        # The lines page lists newest first: without it every page sorted all the partner's lines.
        Index("ix_spend_lines_organisation_payment_date", "organisation_id", "payment_date", "id"),
    )


class SpendPeriod(db.Model):
    """The network's calendar: which quarter and financial year each month falls in."""

    __tablename__ = "spend_periods"
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    quarter_start: Mapped[date] = mapped_column(Date)
    year_start: Mapped[date] = mapped_column(Date)


class _TotalsColumns:
    period_type: Mapped[str] = mapped_column(String(8))
    period_start: Mapped[date] = mapped_column(Date)
    breakdown: Mapped[str] = mapped_column(String(12))
    # '' for the "all" breakdown; the district or category otherwise.
    key: Mapped[str] = mapped_column(String(200), default="")
    total_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    local_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    # Spend with no supplier postcode known: neither local nor not.
    unplaced_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    sme_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    vcse_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    employee_owned_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    living_wage_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    local_line_count: Mapped[int] = mapped_column(Integer, default=0)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SpendTotal(_TotalsColumns, TenantScoped, db.Model):
    """A partner's totals for one period and breakdown key (a snapshot, recomputed by workers)."""

    __tablename__ = "spend_totals"
    __audited__ = False  # a snapshot the workers rebuild
    id: Mapped[int] = mapped_column(primary_key=True)

    __table_args__ = (
        UniqueConstraint("organisation_id", "period_type", "period_start", "breakdown", "key"),
        CheckConstraint("period_type IN ('year', 'quarter', 'month')", name="period_type"),
    )


class SpendTotalsPending(TenantScoped, db.Model):
    """A month whose totals are due a refresh: written in the same transaction as the lines that changed.

    The refresh deletes it in its own commit; one standing past its grace is
    queued again by the sweep (workers.due), so no refresh depends on a message surviving.
    """

    __tablename__ = "spend_totals_pending"
    __audited__ = False  # the workers' own list of months to rebuild
    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class NetworkSpendTotal(_TotalsColumns, db.Model):
    """The network's combined totals: sums of its partners' totals, safe to publish."""

    __tablename__ = "network_spend_totals"
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    partner_count: Mapped[int] = mapped_column(Integer, default=0)
    # Partners with any local, SME or VCSE spend in this row: a measure only one partner's spend went
    # into is that partner's own figure, however many partners are in the total (dashboard/public.py).
    local_partner_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sme_partner_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    vcse_partner_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (
        UniqueConstraint("network_id", "period_type", "period_start", "breakdown", "key"),
        CheckConstraint("period_type IN ('year', 'quarter', 'month')", name="period_type"),
    )
