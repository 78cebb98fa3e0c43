"""Support a partner gave a business, the events it ran, who registered and came, and a VCSE's own asks.

Support records and registrations are shared rows: the partner that gave the
support (or ran the event) and the business it concerns see them, nobody else.
An event is the partner's own row; businesses of its network read upcoming
events through a named network-wide scope (``queries.upcoming_events``).
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
    ForeignKeyConstraint,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.opportunities.models import ASK_KINDS
from tenants import SharedScoped, TenantScoped
from tenants.businesses import Business
from tenants.models import utcnow

SUPPORT_KINDS = ("one_to_one", "workshop", "bid_writing", "decarbonisation_advice", "mentoring", "funded_programme")
EVENT_KINDS = ("meet_the_buyer", "supplier_day", "workshop", "other")
# A VCSE's ask waits for the partner it was sent to, who publishes it (as one of its asks) or declines it.
BUSINESS_ASK_STATUSES = ("waiting", "published", "declined", "met")


def _in(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class SupportRecord(SharedScoped, db.Model):
    """One piece of support a partner gave a registered business: a one-to-one, a workshop, mentoring ..."""

    __tablename__ = "support_records"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    given_on: Mapped[date] = mapped_column(Date, index=True)
    hours: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    # The programme it was part of ("Go For Growth"), in the partner's words; "" for none.
    programme: Mapped[str] = mapped_column(String(200), default="")
    # The partner's own notes: never shown to the business.
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    business: Mapped[Business] = relationship()

    __table_args__ = (
        CheckConstraint(_in("kind", SUPPORT_KINDS), name="kind"),
        CheckConstraint("hours >= 0", name="hours_not_negative"),
    )


class SupportEvent(TenantScoped, db.Model):
    """A meet-the-buyer, a supplier day or a workshop a partner runs, which businesses register for."""

    __tablename__ = "support_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    place: Mapped[str] = mapped_column(String(300))
    capacity: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    registrations: Mapped[list[EventRegistration]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventRegistration.registered_at"
    )

    __table_args__ = (
        CheckConstraint(_in("kind", EVENT_KINDS), name="kind"),
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        # For the registrations' key (event, partner): a registration's partner is its event's.
        UniqueConstraint("id", "organisation_id"),
    )


class EventRegistration(SharedScoped, db.Model):
    """A business registered for an event, with the contact it gave; the partner marks whether it came."""

    __tablename__ = "event_registrations"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(index=True)
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(320))
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # None until the partner marks it: then attended or not.
    attended: Mapped[bool | None] = mapped_column(Boolean)

    event: Mapped[SupportEvent] = relationship(back_populates="registrations")
    business: Mapped[Business] = relationship()

    __table_args__ = (
        ForeignKeyConstraint(["event_id", "organisation_id"], ["support_events.id", "support_events.organisation_id"],
                             ondelete="CASCADE"),
        UniqueConstraint("event_id", "business_id"),
    )


class BusinessAsk(SharedScoped, db.Model):
    """A verified VCSE's own social value ask, sent to one partner of its network to publish or decline.

    Once published it is one of that partner's asks (``ask_id``), open to suppliers' offers like any other.
    """

    __tablename__ = "business_asks"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    postcode_district: Mapped[str | None] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(10), default="waiting")
    # The partner's reason, shown to the VCSE when it declines.
    decision_note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ask_id: Mapped[int | None] = mapped_column(ForeignKey("social_value_asks.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    business: Mapped[Business] = relationship()

    __table_args__ = (
        CheckConstraint(_in("kind", ASK_KINDS), name="kind"),
        CheckConstraint(_in("status", BUSINESS_ASK_STATUSES), name="status"),
    )
