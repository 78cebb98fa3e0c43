"""A partner's API tokens: only a hash is kept; the token itself is shown once, when made."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from tenants.models import utcnow
from tenants.scoping import TenantScoped

READ, IMPORT_SPEND = "read", "import_spend"
SCOPES = {READ: "Read figures, lines and imports", IMPORT_SPEND: "Import spend"}


class ApiToken(TenantScoped, db.Model):
    """A partner's token for its own systems (a finance system's nightly job), acting as the partner."""

    __tablename__ = "api_tokens"
    # Made and revoked are logged by name (portal.api.tokens); the automatic log would add a row
    # at every use, as last_used_at changes.
    __audited__ = False
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # sha256 of the whole token, hex: the token has 256 bits of randomness, so a fast hash is enough.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the token, to tell tokens apart on the page (never enough to use).
    token_start: Mapped[str] = mapped_column(String(24))
    scopes: Mapped[list] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scope: str) -> bool:
        return self.active and scope in (self.scopes or [])
