"""A file of commitments or delivery reports brought in at once, and how its import went."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from tenants.models import utcnow
from tenants.scoping import TenantScoped

BULK_KINDS = ("commitments", "delivery")
BULK_STATUSES = ("uploaded", "queued", "running", "imported", "rejected", "failed")
# A queued or running import silent this long lost its worker (one writes progress every second while
# it checks lines, and places even a million in under a minute): the officer may start it again.
STALLED_AFTER = timedelta(minutes=15)


def _in(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class BulkImport(TenantScoped, db.Model):
    """One uploaded file of commitments or delivery reports; all of it goes in, or none of it.

    ``problems`` is every bad row as [line number, reason], in file order: a file with any
    is refused whole, so the officer corrects it and uploads it again.
    """

    __tablename__ = "sv_bulk_imports"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(60))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default="uploaded")
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    imported_count: Mapped[int] = mapped_column(Integer, default=0)
    already_held_count: Mapped[int] = mapped_column(Integer, default=0)
    # Lines dated before their measure's first edition, valued at the earliest one.
    earliest_edition_count: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[list] = mapped_column(JSON, default=list)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    # When it was queued, or last said how far it had got.
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint(_in("kind", BULK_KINDS), name="kind"),
        CheckConstraint(_in("status", BULK_STATUSES), name="status"),
    )

    @property
    def finished(self) -> bool:
        return self.status in ("imported", "rejected", "failed")

    @property
    def stalled(self) -> bool:
        """Queued or running, and not heard from for STALLED_AFTER: its worker died (a rerun adds no line twice)."""
        if self.status not in ("queued", "running") or self.heartbeat_at is None:
            return False
        beat = self.heartbeat_at if self.heartbeat_at.tzinfo else self.heartbeat_at.replace(tzinfo=utcnow().tzinfo)
        return utcnow() - beat > STALLED_AFTER
