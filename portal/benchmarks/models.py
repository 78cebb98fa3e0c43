"""A published figure of another place, recorded by the network's lead."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from tenants.models import utcnow


class Benchmark(db.Model):
    """One published figure: the place, its source, the year, the definition, and the figure (a percentage or pounds).

    The network's, not one partner's: row-level security ("network" in tenants/rls.py) shows
    it to any scope holding a partner of the network; only the lead's pages write it.
    """

    __tablename__ = "report_benchmarks"
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    place: Mapped[str] = mapped_column(String(120))
    publisher: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(500))
    year: Mapped[int] = mapped_column(Integer)  # the financial year's starting calendar year
    definition: Mapped[str] = mapped_column(String(40))
    percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))  # a share, 0 to 100
    pence: Mapped[int | None] = mapped_column(BigInteger)  # or an amount
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        CheckConstraint("(percent IS NULL) <> (pence IS NULL)", name="one_figure"),
        CheckConstraint("definition IN ('cles_based', 'cles_based_or_branched', 'region', 'sme', 'other')",
                        name="known_definition"),
    )
