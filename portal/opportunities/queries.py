"""What the public reads: published opportunities and open asks across a network's partners.

Opportunities are partners' rows, so reading them for the public opens the
network's partners with ``network_wide`` (named, greppable) for the length of
one query. Every query here keeps to published rows, and only plain frozen
copies leave the scope: no ORM object of a partner outlives it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import String, and_, cast, false, func, or_, select
from sqlalchemy.orm import Session, selectinload

from tenants import network_wide
from tenants.models import Network, Organisation

from .models import Opportunity, OpportunityCategory, SocialValueAsk

PER_PAGE = 20


@dataclass(frozen=True)
class PublicLot:
    number: int
    title: str
    description: str
    value_band: str | None


@dataclass(frozen=True)
class PublicAsk:
    id: int
    kind: str
    title: str
    description: str
    beneficiary: str
    postcode_district: str | None
    partner_name: str
    network_slug: str
    network_name: str
    opportunity_id: int | None
    opportunity_title: str | None


@dataclass(frozen=True)
class PublicOpportunity:
    id: int
    network_slug: str
    network_name: str
    partner_id: int
    partner_slug: str
    partner_name: str
    title: str
    description: str
    cpv_codes: tuple[str, ...]
    value_band: str
    estimated_value_pence: int | None
    delivery_location: str
    delivery_districts: tuple[str, ...]
    suitable_for_sme: bool
    suitable_for_vcse: bool
    closing_date: date
    contact_name: str
    contact_email: str
    published_at: datetime | None
    updated_at: datetime
    lots: tuple[PublicLot, ...]
    asks: tuple[PublicAsk, ...]
    stage: str = "tender"
    expected_market_engagement_on: date | None = None
    market_engagement_on: date | None = None
    expected_tender_on: date | None = None
    tender_on: date | None = None
    expected_award_on: date | None = None
    awarded_on: date | None = None
    cancelled_on: date | None = None
    find_a_tender_notice: str | None = None
    contracts_finder_notice: str | None = None
    status: str = "published"
    created_at: datetime | None = None


@dataclass(frozen=True)
class OpportunityFilter:
    """The public list's search and filters, as given in the address."""

    words: str = ""
    division: str | None = None
    value_band: str | None = None
    partner_id: int | None = None
    sme: bool = False
    vcse: bool = False
    closing_within: int | None = None
    local: bool = False

    @property
    def is_empty(self) -> bool:
        return self == OpportunityFilter()


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_shown(self) -> int:
        """The number of the first item on this page, counting from 1 (0 when there are none)."""
        return min((self.page - 1) * self.per_page + 1, self.total)

    @property
    def last_shown(self) -> int:
        return min(self.page * self.per_page, self.total)

    def numbers(self) -> list[int | None]:
        """The page numbers to offer, GOV.UK's way: the first, the last, this one and its neighbours; None is a gap."""
        wanted = sorted({1, self.pages, self.page - 1, self.page, self.page + 1} & set(range(1, self.pages + 1)))
        shown: list[int | None] = []
        for number in wanted:
            if shown and number - shown[-1] > 1:
                shown.append(None)
            shown.append(number)
        return shown


def _partners(session: Session, networks: list[Network]) -> dict[int, Organisation]:
    ids = [n.id for n in networks]
    return {o.id: o for o in session.scalars(select(Organisation).where(Organisation.network_id.in_(ids)))}


def _published(today: date | None, *, open_only: bool):
    """Published rows; ``open_only``: out to tender and still taking responses (planned work is on the forward plan)."""
    query = select(Opportunity).where(Opportunity.status == "published")
    if open_only:
        query = query.where(Opportunity.closing_date >= (today or date.today()), Opportunity.stage == "tender")
    return query


def _delivered_locally(networks: list[Network], partners: dict[int, Organisation]):
    """Delivered in a district of the partner's network's local area.

    The districts are a JSON list of outward codes, matched as quoted text so the
    same statement runs on SQLite and PostgreSQL.
    """
    text = cast(Opportunity.delivery_districts, String)
    conditions = []
    for network in networks:
        area = [d for d in (network.local_area or []) if d]
        partner_ids = [p.id for p in partners.values() if p.network_id == network.id]
        if area and partner_ids:
            conditions.append(
                and_(Opportunity.organisation_id.in_(partner_ids), or_(*(text.contains(f'"{d}"') for d in area)))
            )
    return or_(*conditions) if conditions else false()


def _filtered(query, chosen: OpportunityFilter, networks, partners, today: date):
    for word in chosen.words.lower().split()[:10]:
        query = query.where(
            or_(
                func.lower(Opportunity.title).contains(word, autoescape=True),
                func.lower(Opportunity.description).contains(word, autoescape=True),
            )
        )
    if chosen.division:
        in_division = select(OpportunityCategory.opportunity_id).where(
            OpportunityCategory.cpv_code.startswith(chosen.division[:2])
        )
        query = query.where(Opportunity.id.in_(in_division))
    if chosen.value_band:
        query = query.where(Opportunity.value_band == chosen.value_band)
    if chosen.partner_id:
        query = query.where(Opportunity.organisation_id == chosen.partner_id)
    if chosen.sme:
        query = query.where(Opportunity.suitable_for_sme.is_(True))
    if chosen.vcse:
        query = query.where(Opportunity.suitable_for_vcse.is_(True))
    if chosen.closing_within is not None:
        query = query.where(Opportunity.closing_date <= today + timedelta(days=chosen.closing_within))
    if chosen.local:
        query = query.where(_delivered_locally(networks, partners))
    return query


def published_opportunities(
    session: Session, networks: list[Network], chosen: OpportunityFilter = OpportunityFilter(),
    page: int = 1, per_page: int = PER_PAGE, today: date | None = None,
) -> Page:
    """One page of the published opportunities still open, across the networks' partners, soonest closing first."""
    today = today or date.today()
    partners = _partners(session, networks)
    by_id = {n.id: n for n in networks}
    with network_wide(list(partners), "public list of published opportunities"):
        query = _filtered(_published(today, open_only=True), chosen, networks, partners, today)
        total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
        rows = session.scalars(
            query.order_by(Opportunity.closing_date, Opportunity.id)
            .offset((page - 1) * per_page).limit(per_page)
            .options(selectinload(Opportunity.categories))
        ).all()
        items = [_public(o, partners, by_id, with_details=False) for o in rows]
    return Page(items, total or 0, page, per_page)


def all_published(session: Session, network: Network) -> list[PublicOpportunity]:
    """Every published opportunity of the network, open or past its closing date (the feed and OCDS), newest first."""
    partners = _partners(session, [network])
    with network_wide(list(partners), "public feed and OCDS of published opportunities"):
        rows = session.scalars(
            _published(None, open_only=False)
            .order_by(Opportunity.published_at.desc(), Opportunity.id.desc())
            .options(*_detail_loads())
        ).all()
        return [_public(o, partners, {network.id: network}) for o in rows]


def public_opportunity(session: Session, network: Network, opportunity_id: int) -> PublicOpportunity | None:
    """A published opportunity of the network's partners, or None (a draft, or another network's)."""
    partners = _partners(session, [network])
    with network_wide(list(partners), "public page of a published opportunity"):
        found = session.scalar(
            _published(None, open_only=False).where(Opportunity.id == opportunity_id).options(*_detail_loads())
        )
        return _public(found, partners, {network.id: network}) if found else None


def open_asks(session: Session, networks: list[Network], page: int = 1, per_page: int = PER_PAGE) -> Page:
    """Open social value asks of the networks' partners, newest first.

    An ask on an opportunity is public only once that opportunity is published.
    """
    partners = _partners(session, networks)
    by_id = {n.id: n for n in networks}
    with network_wide(list(partners), "public list of open social value asks"):
        query = (
            select(SocialValueAsk)
            .outerjoin(Opportunity, Opportunity.id == SocialValueAsk.opportunity_id)
            .where(SocialValueAsk.status == "open")
            .where(or_(SocialValueAsk.opportunity_id.is_(None), Opportunity.status == "published"))
        )
        total = session.scalar(select(func.count()).select_from(query.subquery()))
        rows = session.scalars(
            query.order_by(SocialValueAsk.created_at.desc(), SocialValueAsk.id.desc())
            .offset((page - 1) * per_page).limit(per_page)
            .options(selectinload(SocialValueAsk.opportunity))
        ).all()
        items = [_public_ask(a, partners, by_id) for a in rows]
    return Page(items, total or 0, page, per_page)


def _detail_loads():
    return (
        selectinload(Opportunity.categories),
        selectinload(Opportunity.lots),
        selectinload(Opportunity.asks).selectinload(SocialValueAsk.opportunity),
    )


def _public_ask(ask: SocialValueAsk, partners, networks) -> PublicAsk:
    partner = partners[ask.organisation_id]
    network = networks[partner.network_id]
    opportunity = ask.opportunity if ask.opportunity and ask.opportunity.status == "published" else None
    return PublicAsk(
        ask.id, ask.kind, ask.title, ask.description, ask.beneficiary, ask.postcode_district, partner.name,
        network.slug, network.name, opportunity.id if opportunity else None, opportunity.title if opportunity else None,
    )


def _public(o: Opportunity, partners, networks, with_details: bool = True) -> PublicOpportunity:
    partner = partners[o.organisation_id]
    network = networks[partner.network_id]
    lots = tuple(PublicLot(lot.number, lot.title, lot.description, lot.value_band) for lot in o.lots) if with_details else ()
    asks = (
        tuple(_public_ask(a, partners, networks) for a in o.asks if a.status == "open") if with_details else ()
    )
    return PublicOpportunity(
        id=o.id, network_slug=network.slug, network_name=network.name, partner_id=partner.id,
        partner_slug=partner.slug, partner_name=partner.name, title=o.title, description=o.description,
        cpv_codes=tuple(o.cpv_codes), value_band=o.value_band, estimated_value_pence=o.estimated_value_pence,
        delivery_location=o.delivery_location, delivery_districts=tuple(o.delivery_districts or ()),
        suitable_for_sme=o.suitable_for_sme, suitable_for_vcse=o.suitable_for_vcse, closing_date=o.closing_date,
        contact_name=o.contact_name, contact_email=o.contact_email, published_at=o.published_at,
        updated_at=o.updated_at, lots=lots, asks=asks, **{name: getattr(o, name) for name in _PIPELINE},
    )


_PIPELINE = (
    "status", "created_at", "stage", "expected_market_engagement_on", "market_engagement_on", "expected_tender_on", "tender_on",
    "expected_award_on", "awarded_on", "cancelled_on", "find_a_tender_notice", "contracts_finder_notice",
)
