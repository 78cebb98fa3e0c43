"""Targets per reporting period: the network's own, and each partner's."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from portal.extensions import db
from tenants.models import utcnow
from tenants.scoping import TenantScoped

# What a target is about: one measure (a quantity or £), one theme (£), or all social value (£);
# or, beyond social value, a share of procurable spend (local, SME, VCSE), the share of in-scope
# contracts paying the Real Living Wage (percentages), or spend with employee-owned firms (£).
SOCIAL_VALUE_SUBJECTS = ("measure", "theme", "total_value")
SHARE_SUBJECTS = ("local_share", "sme_share", "vcse_share", "rlw_coverage")
SPEND_SUBJECTS = ("employee_owned_spend",)
TARGET_SUBJECTS = SOCIAL_VALUE_SUBJECTS + SHARE_SUBJECTS + SPEND_SUBJECTS
PERCENT_FITS = ("target_percent IS NULL OR (subject IN (" + ", ".join(f"'{s}'" for s in SHARE_SUBJECTS) + ")"
                " AND target_percent >= 0 AND target_percent <= 100)")
# Counted from verified delivery in the period, or from commitments made in it.
TARGET_BASES = ("delivered", "committed")


class _TargetColumns:
    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(24))
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("sv_measures.id", ondelete="CASCADE"))
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("sv_themes.id", ondelete="CASCADE"))
    basis: Mapped[str] = mapped_column(String(10), default="delivered")
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    target_quantity: Mapped[Decimal | None] = mapped_column(Numeric(16, 3))
    target_value_pence: Mapped[int | None] = mapped_column(BigInteger)
    # A share target, in per cent (0 to 100).
    target_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @declared_attr
    def measure(cls):
        return relationship("Measure")

    @declared_attr
    def theme(cls):
        return relationship("Theme")

    @classmethod
    def _checks(cls):
        return (
            CheckConstraint("subject IN (" + ", ".join(f"'{s}'" for s in TARGET_SUBJECTS) + ")", name="subject"),
            CheckConstraint("basis IN (" + ", ".join(f"'{s}'" for s in TARGET_BASES) + ")", name="basis"),
            CheckConstraint("period_end >= period_start", name="period_in_order"),
            CheckConstraint(
                "(subject = 'measure' AND measure_id IS NOT NULL AND theme_id IS NULL"
                " AND (target_quantity IS NOT NULL OR target_value_pence IS NOT NULL))"
                " OR (subject = 'theme' AND theme_id IS NOT NULL AND measure_id IS NULL"
                " AND target_value_pence IS NOT NULL AND target_quantity IS NULL)"
                " OR (subject = 'total_value' AND measure_id IS NULL AND theme_id IS NULL"
                " AND target_value_pence IS NOT NULL AND target_quantity IS NULL)"
                " OR (subject IN (" + ", ".join(f"'{s}'" for s in SHARE_SUBJECTS) + ")"
                " AND measure_id IS NULL AND theme_id IS NULL"
                " AND target_percent IS NOT NULL AND target_quantity IS NULL AND target_value_pence IS NULL)"
                " OR (subject IN (" + ", ".join(f"'{s}'" for s in SPEND_SUBJECTS) + ")"
                " AND measure_id IS NULL AND theme_id IS NULL"
                " AND target_value_pence IS NOT NULL AND target_quantity IS NULL)",
                name="subject_fits",
            ),
            CheckConstraint(PERCENT_FITS, name="percent_fits"),
        )


class NetworkTarget(_TargetColumns, db.Model):
    """A target the network sets itself for a period, met by all partners together."""

    __tablename__ = "sv_network_targets"
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    __table_args__ = _TargetColumns._checks()


class PartnerTarget(_TargetColumns, TenantScoped, db.Model):
    """A partner's own target for a period."""

    __tablename__ = "sv_partner_targets"
    __table_args__ = _TargetColumns._checks()
