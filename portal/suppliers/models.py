"""Suppliers are shared by the whole network; what a partner spent with one stays that partner's."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from tenants.models import utcnow

# A supplier's class. "private": a company (sized by its accounts); "vcse": a charity, CIC,
# co-operative, community benefit society or non-profit company limited by guarantee;
# "public": councils, NHS bodies, police, government; "tax" and "pension": HMRC and pension
# funds, kept apart so a network can exclude them by name; "individual": a person or a
# redacted payee; "sole_trader": a named person trading (procurable, usually small).
SUPPLIER_KINDS = ("private", "vcse", "public", "tax", "pension", "individual", "sole_trader", "unknown")
# Where a supplier's place came from (``place_source``).
PLACE_SOURCES = ("spend_file", "companies", "charities", "mutuals", "api", "lead")
# How the supplier was tied to a register entry (``match_method``).
MATCH_METHODS = ("number", "name", "previous_name", "fuzzy", "hand")
# A supplier's place against its network's area (``locality``): registered office in the
# area ("based"), a local branch the lead recorded ("branched"), the wider tier, the region, elsewhere.
LOCALITIES = ("based", "branched", "wider", "region", "elsewhere")


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
    mutual_number: Mapped[str | None] = mapped_column(String(20))
    # Where the supplier's address is (the register's, the spend file's or the lead's) and what it lies in.
    district_code: Mapped[str | None] = mapped_column(String(9))
    ward_code: Mapped[str | None] = mapped_column(String(9))
    lsoa_code: Mapped[str | None] = mapped_column(String(9))
    region_code: Mapped[str | None] = mapped_column(String(9))
    imd_decile: Mapped[int | None] = mapped_column(SmallInteger)
    # A local branch of a firm registered elsewhere (CLES "based or branched"), set by the lead.
    branch_postcode: Mapped[str | None] = mapped_column(String(8))
    branch_district_code: Mapped[str | None] = mapped_column(String(9))
    # None: not placed (no postcode, or one the directory does not hold).
    locality: Mapped[str | None] = mapped_column(String(10))
    place_source: Mapped[str | None] = mapped_column(String(12))
    # The register file's date, for a placement from a register.
    place_source_date: Mapped[date | None] = mapped_column(Date)
    placed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    match_method: Mapped[str | None] = mapped_column(String(14))
    # 0-100: 100 for a number or an exact name; the fuzzy score otherwise.
    match_confidence: Mapped[int | None] = mapped_column(SmallInteger)
    # The lead's word on class and size stands: automatic classing never overwrites it.
    kind_by_lead: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    sme_by_lead: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # Numbers and postcode the lead set by hand: register refreshes leave them alone.
    place_by_lead: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    aliases: Mapped[list["SupplierAlias"]] = relationship(back_populates="supplier")

    __table_args__ = (
        CheckConstraint("kind IN (" + ", ".join(f"'{k}'" for k in SUPPLIER_KINDS) + ")", name="kind"),
        CheckConstraint("locality IN (" + ", ".join(f"'{k}'" for k in LOCALITIES) + ")", name="locality"),
        Index("ix_suppliers_network_mutual", "network_id", "mutual_number"),
        Index("ix_suppliers_network_postcode", "network_id", "postcode"),
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


class SupplierRegisterCandidate(db.Model):
    """A register entry that may be this supplier, for the lead to confirm or refuse (one at a time)."""

    __tablename__ = "supplier_register_candidates"
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id", ondelete="CASCADE"), index=True)
    # "companies", "charities" or "mutuals", and the entry's number there.
    register: Mapped[str] = mapped_column(String(12))
    number: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    postcode: Mapped[str | None] = mapped_column(String(8))
    method: Mapped[str] = mapped_column(String(14))
    score: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    supplier: Mapped[Supplier] = relationship()

    __table_args__ = (
        UniqueConstraint("supplier_id", "register", "number"),
        CheckConstraint("status IN ('pending', 'accepted', 'refused')", name="status"),
        CheckConstraint("register IN ('companies', 'charities', 'mutuals')", name="register"),
    )


class SupplierMerge(db.Model):
    """A merge the lead made, with what it needs to be undone exactly.

    The merged supplier's row is deleted by the merge, so its columns are kept here (as JSON,
    dates as ISO text), with the kept supplier's columns before the merge, the spellings that
    moved (their lines follow their spelling back), the review pairs the merge removed, the
    other rows that pointed at it and its own rows.
    """

    __tablename__ = "supplier_merges"
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    kept_supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id", ondelete="SET NULL"), index=True)
    # No foreign key: the row is gone until an undo puts it back under this id.
    merged_supplier_id: Mapped[int] = mapped_column(Integer)
    merged_supplier: Mapped[dict] = mapped_column(JSON)
    kept_before: Mapped[dict] = mapped_column(JSON)
    alias_ids: Mapped[list] = mapped_column(JSON)
    # Lines of the merged supplier that no moved spelling explains (normally none), by id.
    other_line_ids: Mapped[list] = mapped_column(JSON, default=list)
    pairs: Mapped[list] = mapped_column(JSON, default=list)
    # Rows of other tables that pointed at the merged supplier and were pointed at the kept one (or left
    # empty), {"table.column": [ids]}, and the merged supplier's own rows the delete took, {"table.column":
    # [rows]}: the undo puts both back (portal/suppliers/links.py).
    moved_links: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    removed_rows: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    merged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    kept_supplier: Mapped[Supplier | None] = relationship()
