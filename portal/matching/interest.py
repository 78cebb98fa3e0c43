"""A business says it is interested in an opportunity, or offers to meet a social value ask.

Both are shared rows: the business writes them in its own scope, and they are
stamped with the partner that published the opportunity or ask, who alone
sees them (with the contact details the business chose to share).
"""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal.opportunities.models import Opportunity, SocialValueAsk
from portal.opportunities.queries import public_opportunity
from portal.smes.models import SmeProfile
from tenants import network_wide
from tenants.businesses import Business
from tenants.models import Organisation, utcnow

from .models import AskOffer, OpportunityInterest


def published_partner_of(session: Session, business: Business, opportunity_id: int) -> int | None:
    """The partner that published this opportunity in the business's network, or None (a draft, another network's)."""
    found = public_opportunity(session, business.network, opportunity_id)
    return found.partner_id if found else None


def express_interest(session: Session, business: Business, opportunity_id: int, message: str = "",
                     contact_name: str = "", contact_email: str = "") -> OpportunityInterest | None:
    """Record (or renew) the business's interest; None if the opportunity is not published in its network.

    Saying it twice keeps one row with the latest message; interest withdrawn and
    given again is live again.
    """
    partner_id = published_partner_of(session, business, opportunity_id)
    if partner_id is None:
        return None
    interest = session.scalar(select(OpportunityInterest).where(OpportunityInterest.opportunity_id == opportunity_id))
    if interest is None:
        interest = OpportunityInterest(opportunity_id=opportunity_id, organisation_id=partner_id)
        session.add(interest)
    interest.message, interest.contact_name, interest.contact_email = message, contact_name, contact_email
    interest.withdrawn_at = None
    session.flush()
    return interest


def withdraw_interest(session: Session, opportunity_id: int) -> bool:
    """The business is no longer interested; False if it had not said it was."""
    interest = session.scalar(select(OpportunityInterest).where(OpportunityInterest.opportunity_id == opportunity_id,
                                                                OpportunityInterest.withdrawn_at.is_(None)))
    if interest is None:
        return False
    interest.withdrawn_at = utcnow()
    session.flush()
    return True


def open_ask_partner_of(session: Session, business: Business, ask_id: int) -> int | None:
    """The partner of an open ask in the business's network that the public can see, or None."""
    partner_ids = session.scalars(select(Organisation.id).where(Organisation.network_id == business.network_id)).all()
    with network_wide(partner_ids, "a business offers to meet a published social value ask"):
        return session.scalar(
            select(SocialValueAsk.organisation_id)
            .outerjoin(Opportunity, Opportunity.id == SocialValueAsk.opportunity_id)
            .where(SocialValueAsk.id == ask_id, SocialValueAsk.status == "open")
            .where(or_(SocialValueAsk.opportunity_id.is_(None), Opportunity.status == "published"))
        )


def offer_to_meet(session: Session, business: Business, ask_id: int, message: str = "") -> AskOffer | None:
    """Record (or update) the business's offer to meet an ask; None if the ask is not open in its network."""
    partner_id = open_ask_partner_of(session, business, ask_id)
    if partner_id is None:
        return None
    offer = session.scalar(select(AskOffer).where(AskOffer.ask_id == ask_id))
    if offer is None:
        offer = AskOffer(ask_id=ask_id, organisation_id=partner_id)
        session.add(offer)
    offer.message = message
    # The business's confirmed place in the supplier register: where an accepted offer can become a commitment.
    profile = session.scalar(select(SmeProfile))
    offer.supplier_id = profile.supplier_id if profile else None
    session.flush()
    return offer


def withdraw_offer(session: Session, ask_id: int) -> bool:
    offer = session.scalar(select(AskOffer).where(AskOffer.ask_id == ask_id))
    if offer is None:
        return False
    session.delete(offer)
    session.flush()
    return True
