"""The network's support figures, partner by partner, conduit partners included: support, events and asks."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.matching.models import AskOffer
from portal.opportunities.models import SocialValueAsk
from tenants import network_wide
from tenants.models import Network

from .models import BusinessAsk, EventRegistration, SupportEvent, SupportRecord
from .records import year_end


@dataclass(frozen=True)
class PartnerSupport:
    organisation_id: int
    name: str
    conduit: bool
    support_given: int
    hours: Decimal
    businesses_supported: int
    events: int
    registrations: int
    attended: int
    asks_open: int
    offers_accepted: int
    vcse_asks: int


@dataclass(frozen=True)
class NetworkSupport:
    year_start: date
    partners: list[PartnerSupport]
    # A business supported by two partners is one business of the network.
    businesses_supported: int

    @property
    def total(self) -> PartnerSupport:
        """The network's row: the partners' sums, with businesses supported counted once each."""
        def total_of(name: str, start=0):
            return sum((getattr(p, name) for p in self.partners), start)

        return PartnerSupport(
            0, "Network", False, total_of("support_given"), total_of("hours", Decimal(0)), self.businesses_supported,
            total_of("events"), total_of("registrations"), total_of("attended"), total_of("asks_open"),
            total_of("offers_accepted"), total_of("vcse_asks"))


def financial_year_start(network: Network, today: date) -> date:
    month = network.financial_year_start_month
    return date(today.year if today.month >= month else today.year - 1, month, 1)


def _moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def network_support(session: Session, network: Network, year_start: date) -> NetworkSupport:
    """Each partner's support given, events and asks in the year from ``year_start`` (asks: as they stand now)."""
    partners = sorted(network.organisations, key=lambda o: o.name)
    ids = [p.id for p in partners]
    end = year_end(year_start)
    with network_wide(ids, "lead: the network's support, events and asks by partner"):
        def by_partner(query) -> dict:
            return {row[0]: row[1:] for row in session.execute(query).all()}

        in_year = (SupportRecord.given_on >= year_start, SupportRecord.given_on < end)
        support = by_partner(
            select(SupportRecord.organisation_id, func.count(SupportRecord.id), func.coalesce(func.sum(SupportRecord.hours), 0),
                   func.count(func.distinct(SupportRecord.business_id)))
            .where(*in_year).group_by(SupportRecord.organisation_id))
        distinct_businesses = session.scalar(select(func.count(func.distinct(SupportRecord.business_id))).where(*in_year)) or 0
        event_in_year = (SupportEvent.starts_at >= _moment(year_start), SupportEvent.starts_at < _moment(end))
        events = by_partner(select(SupportEvent.organisation_id, func.count(SupportEvent.id))
                            .where(*event_in_year).group_by(SupportEvent.organisation_id))
        registrations = by_partner(
            select(EventRegistration.organisation_id, func.count(EventRegistration.id),
                   func.count(EventRegistration.id).filter(EventRegistration.attended.is_(True)))
            .join(SupportEvent, SupportEvent.id == EventRegistration.event_id)
            .where(*event_in_year).group_by(EventRegistration.organisation_id))
        asks_open = by_partner(select(SocialValueAsk.organisation_id, func.count(SocialValueAsk.id))
                               .where(SocialValueAsk.status == "open").group_by(SocialValueAsk.organisation_id))
        accepted = by_partner(select(AskOffer.organisation_id, func.count(AskOffer.id))
                              .where(AskOffer.accepted_at.is_not(None)).group_by(AskOffer.organisation_id))
        vcse = by_partner(select(BusinessAsk.organisation_id, func.count(BusinessAsk.id)).group_by(BusinessAsk.organisation_id))
    rows = []
    for p in partners:
        given, hours, supported = support.get(p.id, (0, 0, 0))
        registered, came = registrations.get(p.id, (0, 0))
        rows.append(PartnerSupport(
            p.id, p.name, p.conduit, given, Decimal(str(hours)).quantize(Decimal("0.01")), supported,
            events.get(p.id, (0,))[0], registered, came, asks_open.get(p.id, (0,))[0], accepted.get(p.id, (0,))[0],
            vcse.get(p.id, (0,))[0]))
    return NetworkSupport(year_start, rows, distinct_businesses)
