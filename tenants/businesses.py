"""Self-registered SMEs and VCSEs: each is the tenant of its own profile.

A business is not a partner and never a member of one. Its identity (name,
network) is here, beside partners'; everything it says about itself lives in
``BusinessScoped`` rows that only it, and workers that open its network, can
read. Partners see a business only through a shared row: a match to one of
their opportunities, or the business's expression of interest in one.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db

from .models import Network, utcnow


class Business(db.Model):
    __tablename__ = "businesses"
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    network: Mapped[Network] = relationship()

    # For the matches' key (business, network): a match's network is its business's.
    __table_args__ = (UniqueConstraint("id", "network_id"),)
