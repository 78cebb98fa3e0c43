"""Rows between a partner and a business: matches (written by workers), interest and offers (by the business)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from tenants import BusinessScoped, SharedScoped
from tenants.businesses import Business
from tenants.models import utcnow


class OpportunityMatch(SharedScoped, db.Model):
    """How well one business fits one open opportunity, with the reasons in words."""

    __tablename__ = "opportunity_matches"
    id: Mapped[int] = mapped_column(primary_key=True)
    # No single-column indexes of their own: a full run writes hundreds of thousands of these rows and every
    # index is paid on each. The unique (opportunity_id, business_id) serves the partner's page and a rematch of
    # one opportunity; (business_id, score) the business's page, the digest and a rematch of one business; the
    # network_id index the nightly run's read of its network. No page reads by organisation_id alone
    # (the row-level security policy is checked on rows already found); deleting a partner scans this table.
    # Two foreign keys of two columns each, not four of one: every row written pays one check per key, and
    # these also prove the partner is the opportunity's and the network the business's (bench/README.md).
    opportunity_id: Mapped[int] = mapped_column()
    organisation_id: Mapped[int] = mapped_column(nullable=False)
    business_id: Mapped[int] = mapped_column(nullable=False)
    network_id: Mapped[int] = mapped_column(index=True, nullable=False)
    # 0..1; a ranking, not money.
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    # Each part of the score, so the page and the tests can explain a ranking.
    components: Mapped[dict] = mapped_column(JSON, default=dict)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    business: Mapped[Business] = relationship()

    __table_args__ = (
        ForeignKeyConstraint(["opportunity_id", "organisation_id"], ["opportunities.id", "opportunities.organisation_id"],
                             ondelete="CASCADE"),
        ForeignKeyConstraint(["business_id", "network_id"], ["businesses.id", "businesses.network_id"], ondelete="CASCADE"),
        UniqueConstraint("opportunity_id", "business_id"),
        Index("ix_opportunity_matches_business_score", "business_id", "score"),
    )


class FirstMatch(SharedScoped, db.Model):
    """When a business was first matched to an opportunity: kept after the match itself goes.

    Matches live only while an opportunity is open; the funnel (portal/funnel/) counts who was
    ever matched, so each new pair is remembered here once, by the matching run that found it.
    """

    __tablename__ = "opportunity_first_matches"
    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    first_matched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("opportunity_id", "business_id"),)


class OpportunityInterest(SharedScoped, db.Model):
    """A business says it is interested in an opportunity; its contact details go to that partner only."""

    __tablename__ = "opportunity_interests"
    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(320), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    business: Mapped[Business] = relationship()

    __table_args__ = (UniqueConstraint("opportunity_id", "business_id"),)


class AskOffer(SharedScoped, db.Model):
    """A business offers to meet a partner's social value ask."""

    __tablename__ = "ask_offers"
    id: Mapped[int] = mapped_column(primary_key=True)
    ask_id: Mapped[int] = mapped_column(ForeignKey("social_value_asks.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The supplier in the network's register the business is (its confirmed claim), when it offered:
    # the partner's own contracts with that supplier are where an accepted offer becomes a commitment.
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id", ondelete="SET NULL"))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The commitment the accepted offer became (portal/support/offers.py).
    commitment_id: Mapped[int | None] = mapped_column(ForeignKey("sv_commitments.id", ondelete="SET NULL"))

    business: Mapped[Business] = relationship()

    __table_args__ = (UniqueConstraint("ask_id", "business_id"),)


class DigestSent(BusinessScoped, db.Model):
    """The weekly digest went to this business for this week: never twice."""

    __tablename__ = "digests_sent"
    id: Mapped[int] = mapped_column(primary_key=True)
    week_start: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    match_count: Mapped[int] = mapped_column(default=0)

    __table_args__ = (UniqueConstraint("business_id", "week_start"),)


class CategoryCpv(db.Model):
    """The lead's (or a suggested) CPV division for a spend category, for the local market gap analysis."""

    __tablename__ = "category_cpv"
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(200))
    cpv_code: Mapped[str] = mapped_column(String(8))
    # "suggested" by matching the words, or "lead" when a person chose it (never overwritten by a suggestion).
    source: Mapped[str] = mapped_column(String(10), default="suggested")
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("network_id", "category"),)


class TextWeights(db.Model):
    """How much each word of a network's businesses' descriptions counts (TF-IDF), kept between runs.

    Learnt by a full run once a week (or when missing), and used by every run in between, so a night
    when one profile in a hundred changed rescores those profiles' pairs only: weights re-learnt from
    every description each night shifted every score a little and rewrote half the matches. Words new
    to the network count from the next re-learning. A network's own derived figures, read by workers.
    """

    __tablename__ = "matching_text_weights"
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True)
    learnt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # How many businesses they were learnt from: a network that has grown or shrunk much since re-learns.
    business_count: Mapped[int] = mapped_column(default=0)
    # Parallel lists: the words in the vectoriser's column order, and each one's inverse document frequency.
    terms: Mapped[list] = mapped_column(JSON, default=list)
    idf: Mapped[list] = mapped_column(JSON, default=list)
