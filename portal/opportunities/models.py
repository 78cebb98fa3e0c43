"""An opportunity a partner is about to buy, its lots and categories, and social value asks."""
from __future__ import annotations

from datetime import date, datetime

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
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from tenants import TenantScoped
from tenants.models import utcnow

STATUSES = ("draft", "published", "closed", "withdrawn")
# Where the purchase is in the procurement (pipeline.py holds the moves allowed between them).
STAGES = ("planned", "market_engagement", "tender", "awarded", "cancelled")
# Bands of estimated whole-life value in pence; upper bound exclusive, None for "and over".
VALUE_BANDS = {
    "under_10k": (0, 10_000_00),
    "10k_to_50k": (10_000_00, 50_000_00),
    "50k_to_214k": (50_000_00, 214_000_00),
    "214k_to_1m": (214_000_00, 1_000_000_00),
    "over_1m": (1_000_000_00, None),
}
ASK_KINDS = (
    "mentoring",
    "work_placements",
    "apprenticeships",
    "careers_talks",
    "decarbonisation_help",
    "volunteering",
    "local_recruitment",
    "donations_in_kind",
)


def _in(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class Opportunity(TenantScoped, db.Model):
    __tablename__ = "opportunities"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="draft")
    value_band: Mapped[str] = mapped_column(String(16))
    estimated_value_pence: Mapped[int | None] = mapped_column(BigInteger)
    # Where the work is delivered: words for people, postcode districts for matching.
    delivery_location: Mapped[str] = mapped_column(String(300), default="")
    delivery_districts: Mapped[list] = mapped_column(JSON, default=list)
    suitable_for_sme: Mapped[bool] = mapped_column(Boolean, default=True)
    suitable_for_vcse: Mapped[bool] = mapped_column(Boolean, default=False)
    closing_date: Mapped[date] = mapped_column(Date)
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(320), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The procurement stage; ``status`` stays who may see it (pipeline.py says how the two relate).
    # Opportunities made before stages existed were live tenders, hence the default.
    stage: Mapped[str] = mapped_column(String(20), default="tender", server_default="tender")
    # Each stage's expected date (the officer's plan) and actual date (set by the move into it).
    expected_market_engagement_on: Mapped[date | None] = mapped_column(Date)
    market_engagement_on: Mapped[date | None] = mapped_column(Date)
    expected_tender_on: Mapped[date | None] = mapped_column(Date)
    tender_on: Mapped[date | None] = mapped_column(Date)
    expected_award_on: Mapped[date | None] = mapped_column(Date)
    awarded_on: Mapped[date | None] = mapped_column(Date)
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    # The notices on the national services (notices.py checks their formats).
    find_a_tender_notice: Mapped[str | None] = mapped_column(String(20))
    contracts_finder_notice: Mapped[str | None] = mapped_column(String(36))

    categories: Mapped[list[OpportunityCategory]] = relationship(
        back_populates="opportunity", cascade="all, delete-orphan", order_by="OpportunityCategory.cpv_code"
    )
    lots: Mapped[list[OpportunityLot]] = relationship(
        back_populates="opportunity", cascade="all, delete-orphan", order_by="OpportunityLot.number"
    )
    asks: Mapped[list[SocialValueAsk]] = relationship(back_populates="opportunity", order_by="SocialValueAsk.id")

    __table_args__ = (
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint(_in("value_band", VALUE_BANDS), name="value_band"),
        CheckConstraint(_in("stage", STAGES), name="stage"),
        # For the matches' key (opportunity, partner): a match's partner is its opportunity's.
        UniqueConstraint("id", "organisation_id"),
    )

    @property
    def cpv_codes(self) -> list[str]:
        return [c.cpv_code for c in self.categories]


class OpportunityCategory(TenantScoped, db.Model):
    __tablename__ = "opportunity_categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), index=True)
    cpv_code: Mapped[str] = mapped_column(String(8))

    opportunity: Mapped[Opportunity] = relationship(back_populates="categories")

    __table_args__ = (UniqueConstraint("opportunity_id", "cpv_code"),)


class OpportunityLot(TenantScoped, db.Model):
    __tablename__ = "opportunity_lots"
    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    value_band: Mapped[str | None] = mapped_column(String(16))

    opportunity: Mapped[Opportunity] = relationship(back_populates="lots")

    __table_args__ = (UniqueConstraint("opportunity_id", "number"),)


class SocialValueAsk(TenantScoped, db.Model):
    """Something the community needs (a VCSE needs mentoring, a school wants careers talks) that a supplier can offer.

    Published by a partner, on an opportunity or on its own.
    """

    __tablename__ = "social_value_asks"
    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunities.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    # Who benefits, in their words ("Rotherham Youth Centre").
    beneficiary: Mapped[str] = mapped_column(String(200), default="")
    postcode_district: Mapped[str | None] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(12), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    opportunity: Mapped[Opportunity | None] = relationship(back_populates="asks")

    __table_args__ = (
        CheckConstraint(_in("kind", ASK_KINDS), name="kind"),
        CheckConstraint("status IN ('open', 'met', 'closed')", name="status"),
    )


class OpportunityBid(TenantScoped, db.Model):
    """Who bid for an opportunity: a registered business or a supplier in the network's register."""

    __tablename__ = "opportunity_bids"
    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), index=True)
    business_id: Mapped[int | None] = mapped_column(ForeignKey("businesses.id", ondelete="SET NULL"), index=True)
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id", ondelete="SET NULL"), index=True)
    # The bidder's name when recorded, kept should the business or supplier row go.
    name: Mapped[str] = mapped_column(String(300))
    won: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_on: Mapped[date] = mapped_column(Date)

    opportunity: Mapped[Opportunity] = relationship()

    __table_args__ = (
        UniqueConstraint("opportunity_id", "business_id"),
        UniqueConstraint("opportunity_id", "supplier_id"),
        CheckConstraint("business_id IS NOT NULL OR supplier_id IS NOT NULL", name="bidder_named"),
    )


class OpportunityAward(TenantScoped, db.Model):
    """The award of an opportunity: its winning bid, the value, and the contract it became.

    One per opportunity and one per contract, held by the database: a second award of the
    same opportunity fails on the unique key and its contract is rolled back with it.
    """

    __tablename__ = "opportunity_awards"
    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), unique=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("opportunity_bids.id", ondelete="RESTRICT"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("sv_contracts.id", ondelete="RESTRICT"), unique=True)
    value_pence: Mapped[int] = mapped_column(BigInteger)
    awarded_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    opportunity: Mapped[Opportunity] = relationship()
    bid: Mapped[OpportunityBid] = relationship()

    __table_args__ = (CheckConstraint("value_pence >= 0", name="value_not_negative"),)
