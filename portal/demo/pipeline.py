"""The demo's pipeline: a forward plan of planned purchases, and an award to a business the portal had matched.

Run after the demo's matching (``demo_smes``), so the winner is chosen from the opportunity's
matches: the awarded contract is the loop closed, matched → bid → won. A second run finds the
planned purchases and the award there and adds nothing.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.matching.models import OpportunityMatch
from portal.opportunities import awards, pipeline, services
from portal.opportunities.models import Opportunity, OpportunityAward
from tenants import network_wide, tenant_context
from tenants.models import Network, Organisation

# (title, description, CPV code, value band, months until the expected tender)
PLANNED = [
    ("Grounds maintenance of cemeteries", "Mowing, hedges and tree care at four cemeteries, from next spring.",
     "77314000", "50k_to_214k", 4),
    ("Replacement of depot lighting with LEDs", "LED lighting and controls in two depots and a workshop.",
     "45316000", "50k_to_214k", 7),
    ("Mentoring programme for care leavers", "A year of one-to-one mentoring for twenty care leavers.",
     "85312000", "10k_to_50k", 9),
    ("School meals in three academies", "Hot meals cooked on site in three academies.",
     "55524000", "214k_to_1m", 13),
    ("Minibus hire for day centres", "Accessible minibuses with drivers, three days a week.",
     "60170000", "10k_to_50k", 16),
]
PLANNED_EACH = 3
WINNING_VALUE_PENCE = 38_750_00


def load_demo_pipeline(session: Session, network: Network, partners: dict[str, Organisation],
                       today: date | None = None) -> None:
    """Add each partner's planned purchases, then award one matched opportunity of the first partner."""
    today = today or date.today()
    added = False
    for short, partner in partners.items():
        with tenant_context(partner.id):
            if not session.scalar(select(func.count(Opportunity.id)).where(Opportunity.stage == "planned")):
                _add_planned(session, short, today)
                session.commit()
                added = True
    first = next(iter(partners.values()))
    with tenant_context(first.id):
        if not session.scalar(select(func.count(OpportunityAward.id))):
            _award_a_match(session, network, first, today)
            session.commit()
            added = True
    if added:  # the nightly full match again, over the planned purchases and without the awarded one: a second run adds nothing
        from portal.matching import services as matching

        matching.match_network(session, network.id)
        session.commit()


def _add_planned(session: Session, short: str, today: date) -> None:
    from portal.demo.smes import LOCAL_DISTRICTS

    rng = random.Random(f"pipeline-{short}")
    for title, description, code, band, months in rng.sample(PLANNED, PLANNED_EACH):
        expected = today + timedelta(days=30 * months)
        opportunity = services.create_opportunity(session, services.OpportunityDetails(
            title=title, description=description, cpv_codes=[code], value_band=band, estimated_value_pence=None,
            delivery_location="Across the borough", delivery_districts=rng.sample(LOCAL_DISTRICTS, 2),
            suitable_for_sme=True, suitable_for_vcse=code.startswith("85"), closing_date=expected + timedelta(days=45),
            contact_name=f"Demo {short} buyer", contact_email=f"officer@{short}.demo",
        ), stage="planned")
        pipeline.set_expected_dates(session, opportunity, market_engagement=expected - timedelta(days=60),
                                    tender=expected, award=expected + timedelta(days=90))
        services.publish_opportunity(session, opportunity, today)


def _award_a_match(session: Session, network: Network, partner: Organisation, today: date) -> None:
    """The partner's published opportunity with the most matches: its two best-matched businesses bid, the best wins."""
    with network_wide([partner.id], "demo: the matches of an opportunity to award", business_networks=[network.id]):
        best = session.execute(
            select(OpportunityMatch.opportunity_id, func.count(OpportunityMatch.id).label("n"))
            .join(Opportunity, Opportunity.id == OpportunityMatch.opportunity_id)
            .where(OpportunityMatch.organisation_id == partner.id, Opportunity.stage == "tender")
            .group_by(OpportunityMatch.opportunity_id).order_by(func.count(OpportunityMatch.id).desc(),
                                                               OpportunityMatch.opportunity_id).limit(1)
        ).first()
        if best is None:
            return
        bidders = session.scalars(
            select(OpportunityMatch.business_id).where(OpportunityMatch.opportunity_id == best.opportunity_id)
            .order_by(OpportunityMatch.score.desc(), OpportunityMatch.business_id).limit(2)
        ).all()
    with tenant_context(partner.id):
        opportunity = services.get_opportunity(session, best.opportunity_id)
        for business_id in reversed(bidders):
            awards.record_bid(session, opportunity, awards.Bidder(business_id=business_id), today)
        awards.record_award(session, opportunity, awards.Bidder(business_id=bidders[0]), WINNING_VALUE_PENCE, today)
