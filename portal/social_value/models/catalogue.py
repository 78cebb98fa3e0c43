"""The network's catalogue of measures: themes, outcomes, measures and their proxy values by edition.

Per network, not per partner: partners of a network value their commitments
against the same table. The portal ships only what it may (the Social Value
Model's themes and outcomes under the OGL, and an illustrative demo table); a
network loads the TOMs it holds a licence for, and the licence and attribution
travel with every row so pages can show them.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from tenants.models import utcnow
from tenants.scoping import TenantScoped

# The headline figures of the annual report, each fed by the measures the catalogue
# tags with it (never guessed from a description's words: "local" or "week" also
# appear in measures that are neither).
HEADLINES = {
    "apprenticeship_weeks": "Apprenticeship weeks",
    "local_fte": "Local jobs (FTE)",
    "local_sme_spend": "Spend with local SMEs",
}


class Theme(db.Model):
    """A theme of the catalogue (e.g. "Fighting climate change")."""

    __tablename__ = "sv_themes"
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(300), default="")
    licence: Mapped[str] = mapped_column(String(200), default="")
    attribution: Mapped[str] = mapped_column(Text, default="")

    outcomes: Mapped[list[Outcome]] = relationship(back_populates="theme", order_by="Outcome.code")

    __table_args__ = (UniqueConstraint("network_id", "code"),)


class Outcome(db.Model):
    """An outcome under a theme; ``level`` says which kind ("policy outcome", "outcome"...) when known."""

    __tablename__ = "sv_outcomes"
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("sv_themes.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    level: Mapped[str | None] = mapped_column(String(40))

    theme: Mapped[Theme] = relationship(back_populates="outcomes")

    __table_args__ = (UniqueConstraint("network_id", "code"),)


class Measure(db.Model):
    """Something a supplier can commit to and deliver, counted in ``unit``.

    ``in_use`` is the network's choice: a council typically uses about 20 of the
    catalogue's measures. Each partner may narrow it further (``PartnerMeasure``).
    ``headline`` names the headline figure (``HEADLINES``) the measure feeds, if any.
    """

    __tablename__ = "sv_measures"
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    theme_id: Mapped[int] = mapped_column(ForeignKey("sv_themes.id", ondelete="RESTRICT"), index=True)
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("sv_outcomes.id", ondelete="SET NULL"), index=True)
    description: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(60))
    counting_rules: Mapped[str] = mapped_column(Text, default="")
    in_use: Mapped[bool] = mapped_column(Boolean, default=False)
    headline: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(300), default="")
    licence: Mapped[str] = mapped_column(String(200), default="")
    attribution: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    theme: Mapped[Theme] = relationship()
    outcome: Mapped[Outcome | None] = relationship()
    proxy_values: Mapped[list[ProxyValue]] = relationship(
        back_populates="measure", order_by="ProxyValue.valid_from", cascade="all, delete-orphan"
    )

    __table_args__ = (
        UniqueConstraint("network_id", "code"),
        CheckConstraint("headline IS NULL OR headline IN ('apprenticeship_weeks', 'local_fte', 'local_sme_spend')",
                        name="known_headline"),
    )


class PartnerMeasure(TenantScoped, db.Model):
    """A measure of the network's catalogue that one partner has chosen to use.

    A partner with no rows uses every measure the network has in use (the
    network's choice is the default); once it chooses, only its choice is offered.
    """

    __tablename__ = "sv_partner_measures"
    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("sv_measures.id", ondelete="CASCADE"), index=True)
    chosen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    measure: Mapped[Measure] = relationship()

    __table_args__ = (UniqueConstraint("organisation_id", "measure_id"),)


class ProxyValue(db.Model):
    """What one unit of a measure is worth in one edition of the table, in pence.

    Pence as a Decimal with two places (hundredths of a penny), never a float:
    some proxies are per £ spent and not a whole number of pence. Values are
    rounded to whole pence only when multiplied by a quantity.
    """

    __tablename__ = "sv_proxy_values"
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("sv_measures.id", ondelete="CASCADE"), index=True)
    edition: Mapped[str] = mapped_column(String(40))
    value_pence: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    # The edition is in force from this day until the next edition's valid_from.
    valid_from: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300), default="")
    licence: Mapped[str] = mapped_column(String(200), default="")
    attribution: Mapped[str] = mapped_column(Text, default="")
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    measure: Mapped[Measure] = relationship(back_populates="proxy_values")

    __table_args__ = (
        UniqueConstraint("measure_id", "edition"),
        CheckConstraint("value_pence >= 0", name="not_negative"),
    )
