"""Offers to meet an ask, as the partner that asked sees them, and an accepted offer becoming a commitment.

The officer accepting picks one of its own contracts with the offering supplier, the measure and the
quantity; the commitment is recorded by the social value service like any other, so it is counted,
chased and reported as any other.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.matching.models import AskOffer
from portal.opportunities.models import SocialValueAsk
from portal.opportunities.queries import PublicAsk, open_asks
from portal.registers.area import area_names, districts_of_postcode, outward_codes_in
from portal.smes.models import SmeProfile
from portal.social_value.commitments import record_commitment
from portal.social_value.models import Commitment, Contract, Measure
from portal.social_value.problems import SocialValueProblem
from tenants.businesses import Business
from tenants.models import utcnow

from .models import BusinessAsk
from .problems import SupportProblem


def offers_for_ask(session: Session, ask_id: int) -> list[AskOffer]:
    """The offers made to the current partner's ask, oldest first."""
    return list(session.scalars(select(AskOffer).where(AskOffer.ask_id == ask_id).order_by(AskOffer.created_at, AskOffer.id)))


def get_offer(session: Session, ask_id: int, offer_id: int) -> AskOffer | None:
    return session.scalar(select(AskOffer).where(AskOffer.id == offer_id, AskOffer.ask_id == ask_id))


def contracts_for_offer(session: Session, offer: AskOffer) -> list[Contract]:
    """The current partner's contracts with the supplier the offer came from (none if the business is not linked)."""
    if offer.supplier_id is None:
        return []
    return list(session.scalars(
        select(Contract).where(Contract.supplier_id == offer.supplier_id).order_by(Contract.title, Contract.id)))


def accept_offer(session: Session, ask: SocialValueAsk, offer: AskOffer, *, contract_id: int, measure: Measure,
                 quantity, committed_on: date, accepted_by_id: int | None = None) -> Commitment:
    """Accept the offer: exactly one commitment on the supplier's contract, and the ask is met.

    :raise SupportProblem: the offer was accepted already, or the contract is not one with that supplier.
    """
    if offer.accepted_at is not None:
        raise SupportProblem("This offer was accepted already")
    if offer.ask_id != ask.id:
        raise SupportProblem("That offer is not for this ask")
    contract = next((c for c in contracts_for_offer(session, offer) if c.id == contract_id), None)
    if contract is None:
        raise SupportProblem("Choose one of your contracts with this supplier", "contract_id")
    try:
        commitment = record_commitment(session, contract, measure, committed_on=committed_on, quantity=quantity)
    except SocialValueProblem as problem:
        raise SupportProblem(str(problem), "quantity") from None
    offer.accepted_at, offer.accepted_by_id, offer.commitment_id = utcnow(), accepted_by_id, commitment.id
    ask.status = "met"
    for business_ask in session.scalars(select(BusinessAsk).where(BusinessAsk.ask_id == ask.id)):
        business_ask.status = "met"
    session.flush()
    return commitment


@dataclass(frozen=True)
class NearbyAsk:
    ask: PublicAsk
    # "district": the business's own postcode district; "borough": its local authority (named in
    # ``borough_name``); "area": its postcode area only; "": further away, or the ask gives no place.
    nearness: str
    offered: bool
    borough_name: str = ""

    @property
    def in_your_district(self) -> bool:
        return self.nearness == "district"


MAX_NEARBY = 200
NEARNESS = ("district", "borough", "area", "")


def asks_near(session: Session, business: Business) -> list[NearbyAsk]:
    """Open asks of the business's network, nearest first: in its own postcode district, then in its local
    authority (borough), then in its postcode area, then the rest.

    A postcode district is small and an area (S: Sheffield to Chesterfield) too wide, so "near" is the
    borough the business lies in, read from the postcode directory: an ask gives only its postcode
    district, which is in the borough when any of its live postcodes is (districts straddle boroughs).
    Before the directory is loaded there is no borough, and asks go district, area, rest.
    """
    profile = session.scalar(select(SmeProfile))
    district = (profile.postcode_district or "") if profile else ""
    area = district.rstrip("0123456789")
    boroughs = districts_of_postcode(session, profile.postcode if profile else None, district)
    in_borough = outward_codes_in(session, boroughs)
    names = area_names(session, boroughs)
    borough_name = ", ".join(names[code] for code in sorted(boroughs) if code in names)
    offered = set(session.scalars(select(AskOffer.ask_id)))
    asks = open_asks(session, [business.network], 1, MAX_NEARBY).items

    def nearness(ask: PublicAsk) -> str:
        here = ask.postcode_district or ""
        if not here:
            return ""
        if district and here == district:
            return "district"
        if here in in_borough:
            return "borough"
        if area and here.rstrip("0123456789") == area:
            return "area"
        return ""

    placed = [(nearness(a), a) for a in asks]
    return [NearbyAsk(a, near, a.id in offered, borough_name if near == "borough" else "")
            for near, a in sorted(placed, key=lambda pair: NEARNESS.index(pair[0]))]


def holds_supplier_link(session: Session) -> bool:
    """Whether the current business is confirmed as a supplier of the network's register (so offers can be accepted)."""
    profile = session.scalar(select(SmeProfile))
    return bool(profile and profile.supplier_id)
