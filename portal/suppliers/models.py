"""Suppliers are shared by the whole network; what a partner spent with one stays that partner's."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from tenants.models import utcnow

SUPPLIER_KINDS = ("private", "vcse", "public", "sole_trader", "unknown")


class Supplier(db.Model):
    __tablename__ = "suppliers"
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    normalised_name: Mapped[str] = mapped_column(String(300))
    company_number: Mapped[str | None] = mapped_column(String(8))
    charity_number: Mapped[str | None] = mapped_column(String(20))
    postcode: Mapped[str | None] = mapped_column(String(8))
    postcode_district: Mapped[str | None] = mapped_column(String(4))
    # None: not known. The UK definition: under 250 staff and turnover <= £50m or balance sheet <= £43m.
    is_sme: Mapped[bool | None] = mapped_column(Boolean)
    kind: Mapped[str] = mapped_column(String(20), default="unknown")
    employee_owned: Mapped[bool] = mapped_column(Boolean, default=False)
    living_wage_accredited: Mapped[bool] = mapped_column(Boolean, default=False)
    # The lead's word beats the postcode (a local branch of a firm registered elsewhere).
    local_override: Mapped[bool | None] = mapped_column(Boolean)
    # Derived from the postcode district against the network's area, or the override;
    # kept on the row so totals are one join, not a lookup per line.
    is_local: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    aliases: Mapped[list["SupplierAlias"]] = relationship(back_populates="supplier")

    __table_args__ = (
        CheckConstraint("kind IN (" + ", ".join(f"'{k}'" for k in SUPPLIER_KINDS) + ")", name="kind"),
        Index("ix_suppliers_network_company", "network_id", "company_number"),
        Index("ix_suppliers_network_charity", "network_id", "charity_number"),
        Index("ix_suppliers_network_name", "network_id", "normalised_name"),
    )

    @property
    def is_vcse(self) -> bool:
        return self.kind == "vcse"


class SupplierAlias(db.Model):
    """One way partners have written a supplier (name and postcode as given).

    Lines point at the alias they came in under, so the lead can split a
    wrongly merged spelling back out without losing which lines it carried.
    """

    __tablename__ = "supplier_aliases"
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id", ondelete="CASCADE"), index=True)
    name_as_given: Mapped[str] = mapped_column(String(300))
    normalised_name: Mapped[str] = mapped_column(String(300))
    # '' when the line gave no postcode: part of the unique key, so never NULL.
    postcode: Mapped[str] = mapped_column(String(8), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    supplier: Mapped[Supplier] = relationship(back_populates="aliases")

    __table_args__ = (UniqueConstraint("network_id", "normalised_name", "postcode"),)


class SupplierMatchCandidate(db.Model):
    """Two suppliers that may be the same firm, for the lead to merge or keep apart."""

    __tablename__ = "supplier_match_candidates"
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    supplier: Mapped[Supplier] = relationship(foreign_keys=[supplier_id])
    candidate: Mapped[Supplier] = relationship(foreign_keys=[candidate_id])

    __table_args__ = (
        UniqueConstraint("supplier_id", "candidate_id"),
        CheckConstraint("status IN ('pending', 'merged', 'distinct')", name="status"),
    )
