"""A verified VCSE's own social value asks: posted from its account to a partner, who publishes or declines them.

Published, an ask is one of that partner's asks (``SocialValueAsk``): on the public list, open to
suppliers' offers like any other. The VCSE follows it through its own row here.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.opportunities import services as opportunity_services
from portal.opportunities.models import ASK_KINDS
from portal.smes.models import SmeProfile
from tenants.businesses import Business
from tenants.models import Organisation, utcnow

from .models import BusinessAsk
from .problems import SupportProblem


@dataclass(frozen=True)
class BusinessAskDetails:
    partner_id: int
    kind: str
    title: str
    description: str = ""
    postcode_district: str | None = None


def is_verified_vcse(session: Session) -> bool:
    """Whether the current business's own profile says it is a VCSE (charity, CIO, CIC, social enterprise)."""
    profile = session.scalar(select(SmeProfile))
    return bool(profile and profile.is_vcse)


def partners_to_ask(session: Session, business: Business) -> list[Organisation]:
    return list(session.scalars(
        select(Organisation).where(Organisation.network_id == business.network_id).order_by(Organisation.name)))


def post_ask(session: Session, business: Business, details: BusinessAskDetails) -> BusinessAsk:
    """The VCSE's ask, waiting for the partner it chose. :raise SupportProblem: not a VCSE, or not its network's partner."""
    if not is_verified_vcse(session):
        raise SupportProblem("Only a VCSE can post its own ask")
    if details.partner_id not in {p.id for p in partners_to_ask(session, business)}:
        raise SupportProblem("Choose a partner of your network", "partner_id")
    if details.kind not in ASK_KINDS:
        raise SupportProblem("Choose what kind of help you need", "kind")
    if not details.title.strip():
        raise SupportProblem("Say what you need", "title")
    ask = BusinessAsk(organisation_id=details.partner_id, kind=details.kind, title=details.title.strip(),
                      description=details.description.strip(), postcode_district=details.postcode_district,
                      status="waiting")
    session.add(ask)
    session.flush()
    return ask


def own_asks(session: Session) -> list[tuple[BusinessAsk, str]]:
    """The current business's asks, newest first, with the partner each went to."""
    asks = list(session.scalars(select(BusinessAsk).order_by(BusinessAsk.created_at.desc(), BusinessAsk.id.desc())))
    names = dict(session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_({a.organisation_id for a in asks}))).all())
    return [(a, names[a.organisation_id]) for a in asks]


def asks_sent_to_partner(session: Session) -> list[BusinessAsk]:
    """VCSEs' asks sent to the current partner, those waiting first."""
    return list(session.scalars(
        select(BusinessAsk).order_by(BusinessAsk.status != "waiting", BusinessAsk.created_at.desc(), BusinessAsk.id.desc())))


def get_sent_ask(session: Session, business_ask_id: int) -> BusinessAsk | None:
    """A VCSE's ask sent to the current partner, or None.

    Partner side only: a business reading it here would find its own rows too, so the caller is a partner view.
    """
    return session.scalar(select(BusinessAsk).where(BusinessAsk.id == business_ask_id))


def publish(session: Session, business_ask: BusinessAsk):
    """The partner takes the VCSE's ask on: it becomes one of its open asks, with the VCSE as who benefits."""
    if business_ask.status != "waiting":
        raise SupportProblem("This ask has been decided already")
    ask = opportunity_services.create_ask(session, opportunity_services.AskDetails(
        kind=business_ask.kind, title=business_ask.title, description=business_ask.description,
        beneficiary=business_ask.business.name, postcode_district=business_ask.postcode_district,
    ))
    business_ask.status, business_ask.ask_id, business_ask.decided_at = "published", ask.id, utcnow()
    session.flush()
    return ask


def decline(session: Session, business_ask: BusinessAsk, note: str) -> BusinessAsk:
    """The partner declines the ask, with a reason the VCSE reads."""
    if business_ask.status != "waiting":
        raise SupportProblem("This ask has been decided already")
    if not note.strip():
        raise SupportProblem("Say why, so the VCSE knows what to do next", "note")
    business_ask.status, business_ask.decision_note, business_ask.decided_at = "declined", note.strip(), utcnow()
    session.flush()
    return business_ask
