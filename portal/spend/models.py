"""Spend lines, the imports they came from, and the totals workers compute from them."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from tenants.models import utcnow
from tenants.scoping import TenantScoped

from .identity import content_key

# needs_choice: the file covers months earlier imports hold and differs from them; the officer
# chooses to replace those months or add only the new lines (portal.spend.comparing).
IMPORT_STATUSES = ("uploaded", "queued", "running", "needs_choice", "imported", "rejected", "failed", "withdrawn")
OVERLAP_CHOICES = ("replace", "add")
DIFFERENCE_KINDS = ("new", "missing", "changed")
RETIRED_REASONS = ("replaced", "withdrawn")
PERIOD_TYPES = ("year", "quarter", "month")
# "district": the supplier's local authority district (GSS code); "ward" and "imd" (decile 1-10) likewise.
BREAKDOWNS = ("all", "district", "category", "ward", "imd")


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
    status: Mapped[str] = mapped_column(String(16), default="uploaded")
    column_mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    # The officer chose to import the good lines of a file that has bad ones.
    import_good_lines: Mapped[bool] = mapped_column(Boolean, default=False)
    total_rows: Mapped[int | None] = mapped_column(Integer)
    # What the worker is doing: "checking" the lines, then "placing" them (comparing with held months, writing).
    phase: Mapped[str | None] = mapped_column(String(12))
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    imported_count: Mapped[int] = mapped_column(Integer, default=0)
    # Lines of this file an earlier import already holds (the same line, every field): not added again.
    already_held_count: Mapped[int] = mapped_column(Integer, default=0)
    rejected_count: Mapped[int] = mapped_column(Integer, default=0)
    # What comparing the file with the months earlier imports hold found (portal.spend.comparing).
    new_count: Mapped[int] = mapped_column(Integer, default=0)
    missing_count: Mapped[int] = mapped_column(Integer, default=0)
    changed_count: Mapped[int] = mapped_column(Integer, default=0)
    # Earlier lines this import made stop counting (the officer chose to replace their months).
    replaced_count: Mapped[int] = mapped_column(Integer, default=0)
    overlap_choice: Mapped[str | None] = mapped_column(String(8))
    choice_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The file's own net total: every good line's amount, credit notes included.
    net_total_pence: Mapped[int | None] = mapped_column(BigInteger)
    # Lines that share their transaction reference with another line of the file (normal: an invoice has several lines).
    shared_reference_lines: Mapped[int] = mapped_column(Integer, default=0)
    # ISO months the file's lines fall in.
    months: Mapped[list] = mapped_column(JSON, default=list)
    # Line numbers of rows that add the file up ("Total", a sum): read, not counted (the first 100).
    total_lines: Mapped[list] = mapped_column(JSON, default=list)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    failure_reason: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Last sign of life: when it was queued, then every few seconds while a worker runs it
    # (import_recovery: an import silent past its lease is marked failed).
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint("status IN (" + ", ".join(f"'{s}'" for s in IMPORT_STATUSES) + ")", name="status"),
        CheckConstraint("overlap_choice IN ('replace', 'add')", name="overlap_choice"),
    )

    @property
    def finished(self) -> bool:
        """Nothing more will happen without the officer (needs_choice waits for their choice)."""
        return self.status in ("needs_choice", "imported", "rejected", "failed", "withdrawn")


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


class SpendImportDifference(TenantScoped, db.Model):
    """A line where a file and the months earlier imports hold differ: new, missing from the file, or changed.

    The file's side (line number and values) is empty for a missing line; the held side
    (the earlier line's id and values) for a new one. A changed line has both: the same
    reference, another amount, date, supplier or detail.
    """

    __tablename__ = "spend_import_differences"
    __audited__ = False  # part of its import's comparison; the import is logged
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    spend_import_id: Mapped[int] = mapped_column(ForeignKey("spend_imports.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    line_number: Mapped[int | None] = mapped_column(Integer)
    transaction_ref: Mapped[str | None] = mapped_column(String(120))
    payment_date: Mapped[date | None] = mapped_column(Date)
    amount_pence: Mapped[int | None] = mapped_column(BigInteger)
    supplier_name: Mapped[str | None] = mapped_column(String(300))
    # No foreign key: a replaced line moves to retired_spend_lines, keeping its id.
    held_line_id: Mapped[int | None] = mapped_column(BigInteger)
    held_payment_date: Mapped[date | None] = mapped_column(Date)
    held_amount_pence: Mapped[int | None] = mapped_column(BigInteger)
    held_supplier_name: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (CheckConstraint(f"kind IN ({_in(DIFFERENCE_KINDS)})", name="kind"),)


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


def _content_key_of_row(context) -> str:
    """A line added one at a time through the ORM (a test, a fixture) gets the key its fields give."""
    row = context.get_current_parameters()
    return content_key(row["payment_date"], row["amount_pence"], row["supplier_name"], row.get("transaction_ref"),
                       row.get("expense_type"), row.get("service_area"), row.get("category"))


class SpendLine(TenantScoped, db.Model):
    """One payment (negative for a credit note), in pence."""

    __tablename__ = "spend_lines"
    __audited__ = False  # bulk-imported; the import itself is logged
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    # No index of its own: both composite indexes below start with organisation_id,
    # and a third index costs every import about 1 s per million lines.
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False)
    spend_import_id: Mapped[int | None] = mapped_column(ForeignKey("spend_imports.id", ondelete="SET NULL"), index=True)
    # The partner's own transaction reference: an attribute, not a key. An invoice's lines share it.
    transaction_ref: Mapped[str | None] = mapped_column(String(120))
    # A line's identity: the hash of every mapped field of its file (portal.spend.identity) and
    # its occurrence among identical lines, so two identical lines are two payments and a
    # re-import of the same file adds nothing.
    content_key: Mapped[str] = mapped_column(String(24), default=_content_key_of_row)
    occurrence: Mapped[int] = mapped_column(Integer, default=1)
    # A blank or redacted payee ("Redacted Personal Information", a personal budget): counted,
    # never a supplier in the register (portal.spend.payees).
    payee_unnamed: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
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
        UniqueConstraint("organisation_id", "content_key", "occurrence"),
        Index("ix_spend_lines_organisation_month", "organisation_id", "month"),
        # The lines page lists newest first: without it every page sorted all the partner's lines.
        Index("ix_spend_lines_organisation_payment_date", "organisation_id", "payment_date", "id"),
        # A line's id is never given to another line (SQLite would reuse the highest after a delete):
        # a retired line keeps its id, and a comparison names held lines by id.
        {"sqlite_autoincrement": True},
    )


class RetiredSpendLine(TenantScoped, db.Model):
    """A spend line that no longer counts: replaced by a later import of its months, or withdrawn with its import.

    Kept whole, with the id it had, so the audit trail and the comparison that retired it still read.
    Moving it out of spend_lines (rather than flagging it) keeps every query of counted lines as it was.
    """

    __tablename__ = "retired_spend_lines"
    __audited__ = False  # moved in bulk; the import that replaced or withdrew them is logged
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False)
    spend_import_id: Mapped[int | None] = mapped_column(ForeignKey("spend_imports.id", ondelete="SET NULL"), index=True)
    transaction_ref: Mapped[str | None] = mapped_column(String(120))
    payment_date: Mapped[date] = mapped_column(Date)
    month: Mapped[date] = mapped_column(Date)
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    supplier_name: Mapped[str] = mapped_column(String(300))
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id", ondelete="SET NULL"))
    expense_type: Mapped[str | None] = mapped_column(String(200))
    service_area: Mapped[str | None] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(200))
    content_key: Mapped[str] = mapped_column(String(24))
    occurrence: Mapped[int] = mapped_column(Integer)
    payee_unnamed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(String(10))
    # The import whose file replaced it; for a withdrawn line, the import withdrawn.
    retired_by_import_id: Mapped[int | None] = mapped_column(ForeignKey("spend_imports.id", ondelete="SET NULL"), index=True)
    retired_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    retired_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (CheckConstraint(f"reason IN ({_in(RETIRED_REASONS)})", name="reason"),)


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
    # '' for the "all" breakdown; the district, ward, IMD decile ('1'..'10') or category otherwise ('' unknown).
    key: Mapped[str] = mapped_column(String(200), default="")
    total_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    # Total less the classes the network excludes: every share below is of this.
    procurable_pence: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # Procurable spend with suppliers based or branched in the area (local = based + branched).
    local_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    based_pence: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    branched_pence: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # Procurable spend in the wider tier and in the region, outside the area.
    wider_pence: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    region_pence: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # Procurable spend with no supplier place known: neither local nor not.
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
    # The partner when only one partner's lines are behind the row: then the row is that partner's own
    # figures, and row-level security shows it to that partner (or a scope opened over it) only.
    sole_partner_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    # Partners with any local, SME or VCSE spend in this row: a measure only one partner's spend went
    # into is that partner's own figure, however many partners are in the total (dashboard/public.py).
    local_partner_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sme_partner_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    vcse_partner_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Likewise for procurable spend and each place tier, which the public summary shows as shares.
    procurable_partner_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    based_partner_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    branched_partner_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    wider_partner_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    region_partner_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    unplaced_partner_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (
        UniqueConstraint("network_id", "period_type", "period_start", "breakdown", "key"),
        CheckConstraint("period_type IN ('year', 'quarter', 'month')", name="period_type"),
        # The row-level security policy relies on it: a one-partner row always names its partner.
        CheckConstraint("(partner_count = 1) = (sole_partner_id IS NOT NULL)", name="sole_partner_named"),
    )
