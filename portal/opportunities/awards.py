"""Bidders and the award: who bid, who won, and the contract the award becomes.

Plain functions in the partner's tenant scope; they flush, the request commits. A bidder is a
business registered with the partner's network or a supplier in its register.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.social_value import awards as social_value_awards
from portal.social_value.problems import SocialValueProblem
from portal.suppliers.models import Supplier
from tenants.businesses import Business
from tenants.models import Organisation

from .models import Opportunity, OpportunityAward, OpportunityBid, SocialValueAsk
from .pipeline import move_to_stage
from .services import OpportunityProblem

BIDDING_STAGES = ("tender", "awarded")


@dataclass(frozen=True)
class Bidder:
    """Exactly one of the two: a registered business, or a supplier in the network's register."""

    business_id: int | None = None
    supplier_id: int | None = None


def _network_id(session: Session, opportunity: Opportunity) -> int:
    return session.get(Organisation, opportunity.organisation_id).network_id


def _bidder_name(session: Session, opportunity: Opportunity, bidder: Bidder) -> str:
    if (bidder.business_id is None) == (bidder.supplier_id is None):
        raise OpportunityProblem("Choose the bidder: a registered business or a supplier in the register", "bidder")
    network_id = _network_id(session, opportunity)
    found = (session.get(Business, bidder.business_id) if bidder.business_id is not None
             else session.get(Supplier, bidder.supplier_id))
    if found is None or found.network_id != network_id:
        raise OpportunityProblem("That bidder is not registered with your network", "bidder")
    return found.name


def bidder_choices(session: Session, opportunity: Opportunity) -> list[tuple[Bidder, str]]:
    """Who the officer may pick as a bidder: those who bid, registered businesses matched to or
    interested in the opportunity (the rows the partner shares with them), and the partner's suppliers.
    """
    from portal.matching.models import FirstMatch, OpportunityInterest
    from portal.social_value.contracts import own_suppliers

    business_ids = set()
    for model in (FirstMatch, OpportunityInterest, OpportunityBid):
        business_ids |= set(session.scalars(select(model.business_id).where(
            model.opportunity_id == opportunity.id, model.business_id.is_not(None))))
    businesses = session.execute(
        select(Business.id, Business.name).where(Business.id.in_(business_ids)).order_by(Business.name)).all()
    suppliers = session.execute(
        own_suppliers(opportunity.organisation_id).with_only_columns(Supplier.id, Supplier.name).order_by(Supplier.name)
    ).all()
    bid_suppliers = session.execute(
        select(Supplier.id, Supplier.name).join(OpportunityBid, OpportunityBid.supplier_id == Supplier.id)
        .where(OpportunityBid.opportunity_id == opportunity.id)).all()
    seen_suppliers = {}
    for supplier_id, name in [*bid_suppliers, *suppliers]:
        seen_suppliers.setdefault(supplier_id, name)
    return ([(Bidder(business_id=i), f"{n} (registered business)") for i, n in businesses]
            + [(Bidder(supplier_id=i), f"{n} (supplier)") for i, n in sorted(seen_suppliers.items(), key=lambda p: p[1])])


def bids(session: Session, opportunity: Opportunity) -> list[OpportunityBid]:
    """The opportunity's bids, the winner first."""
    return list(session.scalars(
        select(OpportunityBid).where(OpportunityBid.opportunity_id == opportunity.id)
        .order_by(OpportunityBid.won.desc(), OpportunityBid.name)
    ))


def record_bid(session: Session, opportunity: Opportunity, bidder: Bidder, on: date | None = None) -> OpportunityBid:
    """Record that this business or supplier bid; recording the same bidder again returns the bid held."""
    if opportunity.stage not in BIDDING_STAGES:
        raise OpportunityProblem("Bids are recorded once the opportunity is out to tender", "bidder")
    name = _bidder_name(session, opportunity, bidder)
    held = session.scalar(select(OpportunityBid).where(
        OpportunityBid.opportunity_id == opportunity.id,
        OpportunityBid.business_id == bidder.business_id if bidder.business_id is not None
        else OpportunityBid.supplier_id == bidder.supplier_id,
    ))
    if held is not None:
        return held
    bid = OpportunityBid(opportunity_id=opportunity.id, business_id=bidder.business_id, supplier_id=bidder.supplier_id,
                         name=name, won=False, recorded_on=on or date.today())
    session.add(bid)
    session.flush()
    return bid


def award_of(session: Session, opportunity: Opportunity) -> OpportunityAward | None:
    return session.scalar(select(OpportunityAward).where(OpportunityAward.opportunity_id == opportunity.id))


def record_award(
    session: Session, opportunity: Opportunity, winner: Bidder, value_pence: int, on: date | None = None,
    recorded_by_id: int | None = None,
) -> OpportunityAward:
    """Award the opportunity: the winner's bid marked won, one contract made, the open asks proposed on it.

    Refused for an opportunity already awarded (the unique key on the award holds it even for two
    requests at once: the second fails and its contract goes with it) or not at the tender stage.
    """
    if award_of(session, opportunity) is not None or opportunity.stage == "awarded":
        raise OpportunityProblem("This opportunity is already awarded: its contract is recorded", "bidder")
    if opportunity.stage != "tender":
        move_to_stage(session, opportunity, "awarded")  # raises, saying which moves there are
    if not isinstance(value_pence, int) or isinstance(value_pence, bool) or value_pence < 0:
        raise OpportunityProblem("Enter the value of the contract awarded, in pounds", "value")
    on = on or date.today()
    bid = record_bid(session, opportunity, winner, on)
    bid.won = True
    try:
        contract = social_value_awards.contract_from_award(
            session, reference=f"OPP-{opportunity.id}", title=opportunity.title, description=opportunity.description,
            supplier_id=bid.supplier_id, supplier_name=bid.name, value_pence=value_pence, start_date=on,
            category=opportunity.cpv_codes[0] if opportunity.cpv_codes else None,
        )
    except SocialValueProblem as problem:
        raise OpportunityProblem(str(problem), "bidder") from None
    asks = session.scalars(select(SocialValueAsk).where(
        SocialValueAsk.opportunity_id == opportunity.id, SocialValueAsk.status != "closed").order_by(SocialValueAsk.id))
    social_value_awards.propose_commitments(session, contract, list(asks))
    award = OpportunityAward(opportunity_id=opportunity.id, bid_id=bid.id, contract_id=contract.id,
                             value_pence=value_pence, awarded_on=on, recorded_by_id=recorded_by_id)
    session.add(award)
    session.flush()
    move_to_stage(session, opportunity, "awarded", on, award_recorded=True)
    return award
