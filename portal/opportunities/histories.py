"""What the Open Contracting export reads: each opportunity with its bids, award and the contract it became.

Plain frozen copies, read in one scope and handed to ``ocds_lifecycle``; no ORM object of a partner
leaves the scope. The public reads every opportunity that was ever made public (published, then
perhaps awarded and closed, or withdrawn); a partner reads its own, drafts too if it asks.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.social_value.models import Contract
from portal.suppliers.models import Supplier
from tenants import network_wide
from tenants.models import Network, Organisation

from .models import Opportunity, OpportunityAward, OpportunityBid
from .queries import PublicOpportunity, _detail_loads, _public

# Every opportunity the public has seen: an awarded one is closed, a cancelled one withdrawn.
EVER_PUBLIC = ("published", "closed", "withdrawn")


@dataclass(frozen=True)
class BidRecord:
    id: int
    name: str
    won: bool
    recorded_on: date
    business_id: int | None
    supplier_id: int | None
    company_number: str | None = None
    charity_number: str | None = None


@dataclass(frozen=True)
class AwardRecord:
    id: int
    bid_id: int
    value_pence: int
    awarded_on: date


@dataclass(frozen=True)
class ContractRecord:
    id: int
    reference: str
    title: str
    description: str | None
    value_pence: int | None
    start_date: date | None
    end_date: date | None
    expiry_date: date | None


@dataclass(frozen=True)
class OpportunityHistory:
    opportunity: PublicOpportunity
    bids: tuple[BidRecord, ...] = ()
    award: AwardRecord | None = None
    contract: ContractRecord | None = None


def network_histories(session: Session, network: Network, opportunity_id: int | None = None) -> list[OpportunityHistory]:
    """Every opportunity of the network's partners that was ever public (or just that one), newest first."""
    partners = {o.id: o for o in session.scalars(select(Organisation).where(Organisation.network_id == network.id))}
    query = select(Opportunity).where(Opportunity.status.in_(EVER_PUBLIC), Opportunity.published_at.is_not(None))
    if opportunity_id is not None:
        query = query.where(Opportunity.id == opportunity_id)
    with network_wide(list(partners), "public Open Contracting releases of opportunities made public"):
        rows = session.scalars(
            query.order_by(Opportunity.published_at.desc(), Opportunity.id.desc()).options(*_detail_loads())).all()
        return _histories(session, rows, partners, {network.id: network})


def network_history(session: Session, network: Network, opportunity_id: int) -> OpportunityHistory | None:
    """One opportunity of the network that was ever public, or None (a draft, or another network's)."""
    found = network_histories(session, network, opportunity_id)
    return found[0] if found else None


def partner_histories(session: Session, partner: Organisation, *, published_only: bool = True) -> list[OpportunityHistory]:
    """The current partner's opportunities (in its tenant scope), newest first; drafts too unless ``published_only``."""
    network = session.get(Network, partner.network_id)
    query = select(Opportunity)
    if published_only:
        query = query.where(Opportunity.status.in_(EVER_PUBLIC), Opportunity.published_at.is_not(None))
    rows = session.scalars(query.order_by(Opportunity.created_at.desc(), Opportunity.id.desc()).options(*_detail_loads())).all()
    return _histories(session, rows, {partner.id: partner}, {network.id: network})


def _histories(session: Session, rows, partners, networks) -> list[OpportunityHistory]:
    ids = [o.id for o in rows]
    bids: dict[int, list[BidRecord]] = {}
    if ids:
        found = session.execute(
            select(OpportunityBid, Supplier.company_number, Supplier.charity_number)
            .outerjoin(Supplier, Supplier.id == OpportunityBid.supplier_id)
            .where(OpportunityBid.opportunity_id.in_(ids)).order_by(OpportunityBid.id)
        ).all()
        for bid, company_number, charity_number in found:
            bids.setdefault(bid.opportunity_id, []).append(BidRecord(
                bid.id, bid.name, bid.won, bid.recorded_on, bid.business_id, bid.supplier_id, company_number, charity_number))
    awards = {a.opportunity_id: a for a in session.scalars(
        select(OpportunityAward).where(OpportunityAward.opportunity_id.in_(ids)))} if ids else {}
    contracts = {c.id: c for c in session.scalars(
        select(Contract).where(Contract.id.in_([a.contract_id for a in awards.values()])))} if awards else {}
    histories = []
    for o in rows:
        award = awards.get(o.id)
        contract = contracts.get(award.contract_id) if award else None
        histories.append(OpportunityHistory(
            _public(o, partners, networks), tuple(bids.get(o.id, ())),
            AwardRecord(award.id, award.bid_id, award.value_pence, award.awarded_on) if award else None,
            ContractRecord(contract.id, contract.reference, contract.title, contract.description, contract.value_pence,
                           contract.start_date, contract.end_date, contract.expiry_date) if contract else None,
        ))
    return histories
