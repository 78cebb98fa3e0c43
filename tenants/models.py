"""Who a tenant is: networks, partner organisations, people and their roles."""
from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db

from .scoping import TenantScoped

ORGANISATION_KINDS = ("council", "police", "health", "chamber", "university", "housing", "other")
ROLES = ("admin", "officer", "viewer")


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored time, aware: SQLite hands back naive datetimes, and every time the portal stores is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Network(db.Model):
    """An anchor network: partners who pool their spend and report together."""

    __tablename__ = "networks"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    # Outward codes (postcode districts) such as S60, S61 ... S66: the area as first kept.
    # Superseded by area_codes (districts straddle boroughs); read only to migrate from.
    local_area: Mapped[list] = mapped_column(JSON, default=list)
    # The local area: local authority districts by GSS code (E08000018 ...), as councils report it.
    area_codes: Mapped[list] = mapped_column(JSON, default=list)
    # An optional wider tier (a combined authority, say): more districts, and its name.
    wider_area_codes: Mapped[list] = mapped_column(JSON, default=list)
    wider_area_name: Mapped[str | None] = mapped_column(String(120))
    # The region tier (E12000003, ...); None: the region the area's districts lie in.
    region_code: Mapped[str | None] = mapped_column(String(9))
    # Supplier classes left out of procurable spend (portal/suppliers/models.py SUPPLIER_KINDS).
    excluded_kinds: Mapped[list] = mapped_column(JSON, default=lambda: ["public", "tax", "pension", "individual"])
    financial_year_start_month: Mapped[int] = mapped_column(Integer, default=4)
    # Days after a supplier's return fell due, unanswered, before the contract manager is told.
    chase_manager_after_days: Mapped[int] = mapped_column(Integer, default=14, server_default="14")
    # Four eyes: a delivery report cannot be verified by the person who recorded it (the lead may turn it off).
    four_eyes_verification: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    # When the network's social value policy began: "to date" figures count from here (None: all records).
    policy_start_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organisations: Mapped[list[Organisation]] = relationship(back_populates="network", order_by="Organisation.name")

    __table_args__ = (
        CheckConstraint("financial_year_start_month BETWEEN 1 AND 12", name="fy_start_month"),
        CheckConstraint("chase_manager_after_days BETWEEN 1 AND 365", name="chase_manager_after_days"),
    )


class Organisation(db.Model):
    """A partner organisation: the tenant."""

    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    # The partner's own choice (its admin's, logged): may the lead open its spend lines,
    # or only its totals? Off by default.
    shares_lines_with_lead: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # What the partner's published spend files cover: payments over £500 (councils, under the
    # Transparency Code) or over £25,000 (many NHS bodies); None until recorded. The annual
    # report states it beside the partner's figure, because the figures are not alike.
    publishes_spend_over_pence: Mapped[int | None] = mapped_column(Integer)
    # The partner's own choice (its admin's): may its social value figures go into the network's
    # public summary? Off by default; a combined figure is still shown only over two partners or more.
    shows_social_value_publicly: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # A conduit partner (a chamber of commerce, a VCSE infrastructure body) reports no spend: its work is
    # support, events and asks. It has no spend pages and no spend row beside the spenders.
    conduit: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    network: Mapped[Network] = relationship(back_populates="organisations")

    __table_args__ = (
        UniqueConstraint("network_id", "name"),
        CheckConstraint("publishes_spend_over_pence IS NULL OR publishes_spend_over_pence >= 0",
                        name="publishing_threshold_not_negative"),
        CheckConstraint(
            "kind IN (" + ", ".join(f"'{k}'" for k in ORGANISATION_KINDS) + ")", name="kind"
        ),
    )


class User(db.Model):
    """A person who logs in. Belongs to partners through memberships."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped to end every session of this user at once (logout, new password, disabled).
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set for the account of a self-registered SME or VCSE, which is never a partner's member.
    business_id: Mapped[int | None] = mapped_column(ForeignKey("businesses.id", ondelete="CASCADE"), index=True)
    # Proven by following a signed link; partners' people prove it by accepting an invitation.
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    leads: Mapped[list[NetworkLead]] = relationship(back_populates="user", cascade="all, delete-orphan")

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class Membership(db.Model):
    """A user's role in one partner organisation."""

    __tablename__ = "memberships"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (
        UniqueConstraint("user_id", "organisation_id"),
        CheckConstraint("role IN (" + ", ".join(f"'{r}'" for r in ROLES) + ")", name="role"),
    )


class NetworkLead(db.Model):
    """A user who leads a network: sets it up and sees the combined picture."""

    __tablename__ = "network_leads"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)

    user: Mapped[User] = relationship(back_populates="leads")
    network: Mapped[Network] = relationship()

    __table_args__ = (UniqueConstraint("user_id", "network_id"),)


class Invitation(TenantScoped, db.Model):
    """A partner admin's invitation to join their organisation; used once."""

    __tablename__ = "invitations"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (CheckConstraint("role IN (" + ", ".join(f"'{r}'" for r in ROLES) + ")", name="role"),)

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        return "pending"


class AuditEvent(TenantScoped, db.Model):
    """Who changed what, when, in which partner. Written, never edited.

    Services write named events (``action`` such as "sharing.changed");
    ``tenants.audit`` writes one "created", "changed" or "deleted" event for
    every row of a tenant table the ORM flushes, with the fields before and after.
    On PostgreSQL the app role may not UPDATE, DELETE or TRUNCATE this table.
    """

    __tablename__ = "audit_events"
    # The log does not log itself.
    __audited__ = False
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(80))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    # The changed row, for the automatic events: its class name and id.
    object_type: Mapped[str | None] = mapped_column(String(80))
    object_id: Mapped[int | None] = mapped_column(BigInteger)
    # Only the fields that changed (every field for "created" and "deleted"), JSON-safe.
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


# Businesses (self-registered SMEs and VCSEs) are tenants too; users refer to them.
from . import businesses  # noqa: F401
