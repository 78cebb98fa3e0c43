"""What suppliers report having delivered, the counts of who benefited, and the evidence files.

No personal data: beneficiaries are counts by ward and protected group only.
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
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from tenants.models import utcnow
from tenants.scoping import TenantScoped

# "all" without "expunge": the tenant layer expunges rows of other partners one by one
# when the scope changes, and a cascade would expunge children it then tries to expunge again.
OWNED_ROWS = "save-update, merge, refresh-expire, delete, delete-orphan"

REPORT_STATUSES = ("reported", "verified", "rejected")
REPORTED_VIA = ("user", "supplier_link")


class DeliveryReport(TenantScoped, db.Model):
    """One report of delivery against one commitment for one period.

    One row per report, ever: an edit updates the row and sends it back to
    "reported", so totals (the sum over verified rows) can never count a report
    twice, however often it is edited or verified.
    """

    __tablename__ = "sv_delivery_reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("sv_commitments.id", ondelete="CASCADE"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    quantity: Mapped[Decimal] = mapped_column(Numeric(16, 3))
    # Valued at the commitment's proxy value: as committed, and as re-based (None until a re-base).
    value_pence: Mapped[int] = mapped_column(BigInteger)
    rebased_value_pence: Mapped[int | None] = mapped_column(BigInteger)
    narrative: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="reported")
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    reported_via: Mapped[str] = mapped_column(String(16), default="user")
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Incremented by every edit, so a page (or an audit) can tell which version was verified.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A bulk-imported report's identity (portal.social_value.bulk_identity): two identical lines are two reports.
    line_key: Mapped[str | None] = mapped_column(String(40))

    commitment = relationship("Commitment")
    reported_by = relationship("User", foreign_keys=[reported_by_id])
    verified_by = relationship("User", foreign_keys=[verified_by_id])
    beneficiaries: Mapped[list[DeliveryBeneficiaryCount]] = relationship(
        back_populates="report", cascade=OWNED_ROWS,
        order_by="(DeliveryBeneficiaryCount.ward, DeliveryBeneficiaryCount.protected_group)",
    )
    evidence: Mapped[list[EvidenceFile]] = relationship(back_populates="report", order_by="EvidenceFile.id")

    __table_args__ = (
        UniqueConstraint("organisation_id", "line_key"),
        CheckConstraint("status IN (" + ", ".join(f"'{s}'" for s in REPORT_STATUSES) + ")", name="status"),
        CheckConstraint("reported_via IN (" + ", ".join(f"'{s}'" for s in REPORTED_VIA) + ")", name="reported_via"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint("period_end >= period_start", name="period_in_order"),
        CheckConstraint("status != 'rejected' OR rejection_reason IS NOT NULL", name="rejection_has_reason"),
    )

    @property
    def current_value_pence(self) -> int:
        return self.rebased_value_pence if self.rebased_value_pence is not None else self.value_pence


class DeliveryBeneficiaryCount(TenantScoped, db.Model):
    """How many people benefited, in one ward and one protected group: a count, never a person.

    '' means "not recorded". A person is counted once per group (the papers'
    rule), so the counts of different groups may add up to more than the people.
    """

    __tablename__ = "sv_delivery_beneficiary_counts"
    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_report_id: Mapped[int] = mapped_column(ForeignKey("sv_delivery_reports.id", ondelete="CASCADE"), index=True)
    ward: Mapped[str] = mapped_column(String(120), default="")
    protected_group: Mapped[str] = mapped_column(String(120), default="")
    count: Mapped[int] = mapped_column(Integer)

    report: Mapped[DeliveryReport] = relationship(back_populates="beneficiaries")

    __table_args__ = (
        UniqueConstraint("delivery_report_id", "ward", "protected_group"),
        CheckConstraint("count >= 0", name="count_not_negative"),
    )


class AdoptedBeneficiaryGroup(db.Model):
    """A group of people the network counts beneficiaries in beside the Equality Act's protected characteristics.

    Care leavers or the armed forces community, say: the network's choice, shown
    apart from the nine protected characteristics, never mixed in with them.
    """

    __tablename__ = "sv_adopted_beneficiary_groups"
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    adopted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("network_id", "name"),)


class EvidenceFile(TenantScoped, db.Model):
    """A file kept with a delivery report, stored under a random name of our own."""

    __tablename__ = "sv_evidence_files"
    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_report_id: Mapped[int] = mapped_column(ForeignKey("sv_delivery_reports.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(40), unique=True)
    original_filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    report: Mapped[DeliveryReport] = relationship(back_populates="evidence")
