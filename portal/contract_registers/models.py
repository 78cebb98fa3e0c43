"""An uploaded contracts register, what checking it found, and how it differs from the contracts held."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from tenants.models import utcnow
from tenants.scoping import TenantScoped

# checked: the differences are shown and wait for the officer to apply them.
IMPORT_STATUSES = ("uploaded", "queued", "running", "checked", "applying", "imported", "rejected", "failed")
KINDS = ("register", "ocds")
# added: a line no contract held came from; removed: a contract whose line the register no longer lists;
# changed: a removed and an added line with the same reference, applied as a change to the held contract.
DIFFERENCE_KINDS = ("added", "removed", "changed")
# error: the line cannot be a contract (the import waits for a fixed file); note: a value could not be read
# and is kept as unknown (the line imports; the note says what the file said).
SEVERITIES = ("error", "note")


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


class ContractRegisterImport(TenantScoped, db.Model):
    """One uploaded register (or OCDS release package) and what became of it."""

    __tablename__ = "contract_register_imports"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default="register")
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="uploaded")
    column_mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    total_rows: Mapped[int | None] = mapped_column(Integer)
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    note_count: Mapped[int] = mapped_column(Integer, default=0)
    unchanged_count: Mapped[int] = mapped_column(Integer, default=0)
    added_count: Mapped[int] = mapped_column(Integer, default=0)
    removed_count: Mapped[int] = mapped_column(Integer, default=0)
    changed_count: Mapped[int] = mapped_column(Integer, default=0)
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    applied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failure_reason: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When a worker was last asked to check or apply it, and when the worker last said it was alive:
    # the sweep (portal.contract_registers.recovery) fails an import nobody has worked on past its lease.
    queued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint(f"status IN ({_in(IMPORT_STATUSES)})", name="status"),
        CheckConstraint(f"kind IN ({_in(KINDS)})", name="kind"),
    )

    @property
    def finished(self) -> bool:
        """Nothing more happens without the officer."""
        return self.status in ("checked", "imported", "rejected", "failed")

    @property
    def differs(self) -> bool:
        return bool(self.added_count or self.removed_count or self.changed_count)


class ContractRegisterProblem(TenantScoped, db.Model):
    """A line of a register that could not be read (an error), or a value kept as unknown (a note)."""

    __tablename__ = "contract_register_problems"
    __audited__ = False  # part of its import's result; the import is logged
    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("contract_register_imports.id", ondelete="CASCADE"), index=True)
    line_number: Mapped[int] = mapped_column(Integer)
    severity: Mapped[str] = mapped_column(String(6))
    reason: Mapped[str] = mapped_column(String(500))
    raw: Mapped[dict] = mapped_column(JSON, default=dict)

    __table_args__ = (CheckConstraint(f"severity IN ({_in(SEVERITIES)})", name="severity"),)


class ContractRegisterDifference(TenantScoped, db.Model):
    """A line where the register and the contracts held differ, shown before the officer applies it."""

    __tablename__ = "contract_register_differences"
    __audited__ = False  # part of its import's comparison; the import is logged
    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("contract_register_imports.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    line_number: Mapped[int | None] = mapped_column(Integer)
    reference: Mapped[str | None] = mapped_column(String(120))
    title: Mapped[str | None] = mapped_column(String(300))
    supplier_name: Mapped[str | None] = mapped_column(String(300))
    value_pence: Mapped[int | None] = mapped_column(BigInteger)
    # No foreign key: the held contract may be deleted by hand before the import is applied.
    contract_id: Mapped[int | None] = mapped_column(Integer)
    held_title: Mapped[str | None] = mapped_column(String(300))
    held_supplier_name: Mapped[str | None] = mapped_column(String(300))
    held_value_pence: Mapped[int | None] = mapped_column(BigInteger)
    # For a changed line: the names of the fields that differ.
    fields: Mapped[list] = mapped_column(JSON, default=list)

    __table_args__ = (CheckConstraint(f"kind IN ({_in(DIFFERENCE_KINDS)})", name="kind"),)


class ContractRegisterColumnMapping(TenantScoped, db.Model):
    """How this partner's registers name their columns, remembered per header layout (as spend files' are)."""

    __tablename__ = "contract_register_column_mappings"
    id: Mapped[int] = mapped_column(primary_key=True)
    header_signature: Mapped[str] = mapped_column(String(64))
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    __table_args__ = (UniqueConstraint("organisation_id", "header_signature"),)
