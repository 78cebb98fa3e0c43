"""Social value totals snapshots, kept by workers: each partner's, the network's, and what is waiting to be recomputed.

A row holds one financial year (``year``: the calendar year it starts in) and one
breakdown key, with the committed and the delivered figures side by side. Themes
are not stored: they are read through the measure rows and the catalogue as it
is now, so a measure moved to another theme needs no recompute.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from tenants.models import utcnow
from tenants.scoping import TenantScoped

# "partner" exists only in the network's table.
TOTAL_BREAKDOWNS = ("all", "measure", "route", "partner")
BENEFICIARY_BREAKDOWNS = ("ward", "protected_group")


class _Figures:
    year: Mapped[int] = mapped_column(Integer)
    breakdown: Mapped[str] = mapped_column(String(16))
    # '' for "all"; the measure's or partner's id, or the route, otherwise.
    key: Mapped[str] = mapped_column(String(64), default="")
    committed_quantity: Mapped[Decimal] = mapped_column(Numeric(20, 3), default=0)
    committed_value_pence: Mapped[int] = mapped_column(BigInteger, default=0)  # as committed
    committed_current_value_pence: Mapped[int] = mapped_column(BigInteger, default=0)  # re-based where re-based
    committed_count: Mapped[int] = mapped_column(Integer, default=0)
    delivered_quantity: Mapped[Decimal] = mapped_column(Numeric(20, 3), default=0)
    delivered_value_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    delivered_current_value_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    delivered_count: Mapped[int] = mapped_column(Integer, default=0)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SocialValueTotal(_Figures, TenantScoped, db.Model):
    """A partner's committed and delivered figures for one financial year and breakdown key (a snapshot)."""

    __tablename__ = "sv_totals"
    __audited__ = False  # a snapshot the workers rebuild
    id: Mapped[int] = mapped_column(primary_key=True)

    __table_args__ = (
        UniqueConstraint("organisation_id", "year", "breakdown", "key"),
        CheckConstraint("breakdown IN ('all', 'measure', 'route')", name="breakdown"),
    )


class _PartnersCounted:
    """A network row says how many partners went into it, and names the partner when there was one."""

    partner_count: Mapped[int] = mapped_column(Integer, default=0)
    # The partner when the row is one partner's figures (a "partner" row, or a sum over one partner):
    # row-level security shows such a row to that partner's scope only (tenants.rls, "combined").
    sole_partner_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))


class NetworkSocialValueTotal(_PartnersCounted, _Figures, db.Model):
    """The network's figures: sums of its partners' rows, and each partner's "all" row as breakdown "partner"."""

    __tablename__ = "sv_network_totals"
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)

    __table_args__ = (
        UniqueConstraint("network_id", "year", "breakdown", "key"),
        CheckConstraint("breakdown IN ('all', 'measure', 'route', 'partner')", name="breakdown"),
        CheckConstraint("(partner_count = 1) = (sole_partner_id IS NOT NULL)", name="sole_partner_named"),
    )


class _Beneficiaries:
    year: Mapped[int] = mapped_column(Integer)
    breakdown: Mapped[str] = mapped_column(String(16))
    # The ward or protected group; '' is "not recorded".
    key: Mapped[str] = mapped_column(String(120), default="")
    count: Mapped[int] = mapped_column(BigInteger, default=0)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SocialValueBeneficiaryTotal(_Beneficiaries, TenantScoped, db.Model):
    """People counted on a partner's verified reports of one year, by ward or by protected group: counts only."""

    __tablename__ = "sv_beneficiary_totals"
    __audited__ = False  # a snapshot the workers rebuild
    id: Mapped[int] = mapped_column(primary_key=True)

    __table_args__ = (
        UniqueConstraint("organisation_id", "year", "breakdown", "key"),
        CheckConstraint("breakdown IN ('ward', 'protected_group')", name="breakdown"),
    )


class NetworkSocialValueBeneficiaryTotal(_PartnersCounted, _Beneficiaries, db.Model):
    """The network's beneficiary counts: sums of its partners'. A count only one partner's reports
    went into is that partner's own (its people in a ward), shown to that partner only."""

    __tablename__ = "sv_network_beneficiary_totals"
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)

    __table_args__ = (
        UniqueConstraint("network_id", "year", "breakdown", "key"),
        CheckConstraint("breakdown IN ('ward', 'protected_group')", name="breakdown"),
        CheckConstraint("(partner_count = 1) = (sole_partner_id IS NOT NULL)", name="sole_partner_named"),
    )


class SocialValueTotalsPending(TenantScoped, db.Model):
    """A change whose recompute has not run yet: written in the same transaction as the change.

    ``year`` None means every year. The recompute deletes the marks it covers
    before it reads, so a mark left standing always means the snapshot may be
    behind, and the report adds up on demand instead.
    """

    __tablename__ = "sv_totals_pending"
    __audited__ = False  # the workers' own queue of years to rebuild
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int | None] = mapped_column(Integer)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
