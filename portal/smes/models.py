"""What a registered SME or VCSE says about itself: only it (and matching workers) read these rows."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from tenants import BusinessScoped
from tenants.models import utcnow

# Staff bands of the UK definition; "large" registers too (a local employer can still buy locally).
SIZE_BANDS = ("micro", "small", "medium", "large")
ORGANISATION_TYPES = ("company", "charity", "cio", "community_interest_company", "cooperative", "sole_trader", "other")
SOCIAL_VALUE_OFFERS = (
    "mentoring",
    "work_placements",
    "apprenticeships",
    "careers_talks",
    "decarbonisation_help",
    "volunteering",
    "local_recruitment",
    "donations_in_kind",
)


class SmeProfile(BusinessScoped, db.Model):
    __tablename__ = "sme_profiles"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_type: Mapped[str] = mapped_column(String(40), default="company")
    # Companies House numbers are 8 characters (2 letters for Scotland, NI ...); charity numbers 6-8 digits.
    company_number: Mapped[str | None] = mapped_column(String(8))
    charity_number: Mapped[str | None] = mapped_column(String(20))
    postcode: Mapped[str] = mapped_column(String(8))
    postcode_district: Mapped[str] = mapped_column(String(4))
    # Derived from the district against the network's local area, kept for counts and matching.
    is_local: Mapped[bool] = mapped_column(Boolean, default=False)
    size_band: Mapped[str] = mapped_column(String(10))
    employee_owned: Mapped[bool] = mapped_column(Boolean, default=False)
    cooperative: Mapped[bool] = mapped_column(Boolean, default=False)
    social_enterprise: Mapped[bool] = mapped_column(Boolean, default=False)
    charity: Mapped[bool] = mapped_column(Boolean, default=False)
    living_wage_accredited: Mapped[bool] = mapped_column(Boolean, default=False)
    # Other accreditations in the business's words (ISO 14001, Cyber Essentials ...).
    accreditations: Mapped[list] = mapped_column(JSON, default=list)
    what_we_do: Mapped[str] = mapped_column(Text, default="")
    social_value_offers: Mapped[list] = mapped_column(JSON, default=list)
    social_value_detail: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(320), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    wants_weekly_digest: Mapped[bool] = mapped_column(Boolean, default=False)
    # The business's place in the network's supplier register, set only once proven: the
    # network lead confirmed the claim below (no supplier row holds an email domain to match).
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id", ondelete="SET NULL"), index=True)
    # The register entry the business's numbers (or name and postcode) point at, and what the lead
    # made of it: "pending", "confirmed" or "rejected" (portal/smes/claims.py). The business is told
    # nothing of it until it is confirmed.
    claimed_supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id", ondelete="SET NULL"), index=True)
    claim_status: Mapped[str | None] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    categories: Mapped[list["SmeCategory"]] = relationship(
        primaryjoin="SmeProfile.business_id == foreign(SmeCategory.business_id)",
        order_by="SmeCategory.cpv_code",
        viewonly=True,
    )

    __table_args__ = (
        UniqueConstraint("business_id"),
        CheckConstraint("size_band IN (" + ", ".join(f"'{b}'" for b in SIZE_BANDS) + ")", name="size_band"),
    )

    @property
    def is_vcse(self) -> bool:
        return self.charity or self.social_enterprise or self.organisation_type in ("charity", "cio", "community_interest_company")


class SmeCategory(BusinessScoped, db.Model):
    """One CPV code the business works in; a row each so the gap analysis can count by division in SQL."""

    __tablename__ = "sme_categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    cpv_code: Mapped[str] = mapped_column(String(8))

    __table_args__ = (UniqueConstraint("business_id", "cpv_code"),)
