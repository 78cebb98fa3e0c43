"""What the matching pages read: a business's own matches, a partner's matched and interested businesses.

Both run in the request's own scope; the shared rows' automatic filter does
the isolation. Opportunities are partners' rows, so a business reads their
titles through ``network_wide`` over its network's partners, published only.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.opportunities.models import Opportunity
from tenants import network_wide
from tenants.businesses import Business
from tenants.models import Organisation

from .models import OpportunityInterest, OpportunityMatch
from .services import is_open


@dataclass(frozen=True)
class BusinessMatch:
    opportunity_id: int
    title: str
    partner_name: str
    closing_date: date
    score: float
    reasons: tuple[str, ...]
    interested: bool


def matches_for_business(session: Session, business: Business, limit: int = 50) -> list[BusinessMatch]:
    """The business's matches to open opportunities, best first, with whether it said it is interested."""
    interested = set(session.scalars(
        select(OpportunityInterest.opportunity_id).where(OpportunityInterest.withdrawn_at.is_(None))
    ))
    matches = session.execute(
        select(OpportunityMatch.opportunity_id, OpportunityMatch.score, OpportunityMatch.reasons)
        .order_by(OpportunityMatch.score.desc(), OpportunityMatch.opportunity_id)
    ).all()
    partners = dict(session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.network_id == business.network_id)
    ).all())
    with network_wide(list(partners), "a business reads the published opportunities it matches"):
        opportunities = {
            o.id: o for o in session.execute(
                select(Opportunity.id, Opportunity.title, Opportunity.organisation_id, Opportunity.closing_date)
                .where(Opportunity.id.in_([m.opportunity_id for m in matches]), is_open())
            )
        }
    found = [
        BusinessMatch(m.opportunity_id, o.title, partners[o.organisation_id], o.closing_date, m.score,
                      tuple(m.reasons), m.opportunity_id in interested)
        for m in matches if (o := opportunities.get(m.opportunity_id))
    ]
    return found[:limit]


@dataclass(frozen=True)
class MatchedBusiness:
    name: str
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class InterestedBusiness:
    business_id: int
    name: str
    contact_name: str
    contact_email: str
    message: str
    since: object


def own_opportunity(session: Session, opportunity_id: int) -> Opportunity | None:
    """One of the current partner's opportunities (None for another partner's: the scope hides it)."""
    return session.get(Opportunity, opportunity_id)


def matched_businesses(session: Session, opportunity_id: int) -> list[MatchedBusiness]:
    """The businesses matched to the partner's opportunity, best first: their names and reasons only."""
    rows = session.execute(
        select(Business.name, OpportunityMatch.score, OpportunityMatch.reasons)
        .join(Business, Business.id == OpportunityMatch.business_id)
        .where(OpportunityMatch.opportunity_id == opportunity_id)
        .order_by(OpportunityMatch.score.desc(), Business.name)
    ).all()
    return [MatchedBusiness(r.name, r.score, tuple(r.reasons)) for r in rows]


def interested_businesses(session: Session, opportunity_id: int) -> list[InterestedBusiness]:
    """The businesses that said they are interested (and have not withdrawn), with what they chose to share."""
    rows = session.execute(
        select(Business.id, Business.name, OpportunityInterest.contact_name, OpportunityInterest.contact_email,
               OpportunityInterest.message, OpportunityInterest.created_at)
        .join(Business, Business.id == OpportunityInterest.business_id)
        .where(OpportunityInterest.opportunity_id == opportunity_id, OpportunityInterest.withdrawn_at.is_(None))
        .order_by(OpportunityInterest.created_at)
    ).all()
    return [InterestedBusiness(*r) for r in rows]
