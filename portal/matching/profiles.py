"""What a business that said it is interested tells the partner about itself: its profile, for that partner.

A business's profile is its own row (``BusinessScoped``): a partner never reads profiles
at large. Saying "I'm interested" in one of the partner's opportunities is the business
choosing to be seen by that partner, so the partner may read this one business's profile,
through that opportunity only, and only while the interest stands. A business that is merely
matched has chosen nothing: the partner sees its name and reasons (queries.matched_businesses).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.smes.models import SmeCategory, SmeProfile
from tenants import business_context
from tenants.businesses import Business

from .models import OpportunityInterest


@dataclass(frozen=True)
class InterestedProfile:
    name: str
    organisation_type: str
    company_number: str | None
    charity_number: str | None
    postcode_district: str
    is_local: bool
    size_band: str
    ownership: tuple[str, ...]  # the flags set, by their SmeProfile names
    living_wage_accredited: bool
    accreditations: tuple[str, ...]
    what_we_do: str
    social_value_offers: tuple[str, ...]
    social_value_detail: str
    website: str
    cpv_codes: tuple[str, ...]
    # What it gave with its interest in this opportunity.
    contact_name: str
    contact_email: str
    message: str


OWNERSHIP_FLAGS = ("employee_owned", "cooperative", "social_enterprise", "charity")


def interested_profile(session: Session, opportunity_id: int, business_id: int) -> InterestedProfile | None:
    """The profile of a business interested in the partner's own opportunity; None for any other (the caller 404s).

    Runs in the partner's request scope: the interest row is a shared row, seen only by the
    partner whose opportunity it is, so another partner's opportunity finds nothing here.
    """
    interest = session.scalar(select(OpportunityInterest).where(
        OpportunityInterest.opportunity_id == opportunity_id, OpportunityInterest.business_id == business_id,
        OpportunityInterest.withdrawn_at.is_(None),
    ))
    if interest is None:
        return None
    contact = (interest.contact_name, interest.contact_email, interest.message)
    # This business's own rows, and nobody else's: a scope opened for it alone, for this read.
    with business_context(business_id):
        business = session.get(Business, business_id)
        profile = session.scalar(select(SmeProfile))
        codes = tuple(session.scalars(select(SmeCategory.cpv_code).order_by(SmeCategory.cpv_code)))
        if business is None or profile is None:
            return None
        found = InterestedProfile(
            business.name, profile.organisation_type, profile.company_number, profile.charity_number,
            profile.postcode_district, profile.is_local, profile.size_band,
            tuple(flag for flag in OWNERSHIP_FLAGS if getattr(profile, flag)), profile.living_wage_accredited,
            tuple(profile.accreditations or ()), profile.what_we_do, tuple(profile.social_value_offers or ()),
            profile.social_value_detail, profile.website, codes, *contact,
        )
    return found
