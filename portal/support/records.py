"""Support a partner gives a business: recording it, each side's list, and who was supported in a year."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenants import network_wide
from tenants.businesses import Business
from tenants.models import Organisation, User

from .models import SUPPORT_KINDS, EventRegistration, SupportEvent, SupportRecord
from .problems import SupportProblem

MAX_HOURS = Decimal(10000)


@dataclass(frozen=True)
class SupportDetails:
    business_id: int
    kind: str
    given_on: date
    hours: Decimal | str
    programme: str = ""
    notes: str = ""


def registered_businesses(session: Session, network_id: int) -> list[Business]:
    """The network's registered businesses whose account's email is verified, by name (whom support can be for)."""
    return list(session.scalars(
        select(Business).join(User, User.business_id == Business.id)
        .where(Business.network_id == network_id, User.email_verified_at.is_not(None))
        .distinct().order_by(Business.name, Business.id)
    ))


def hours_of(value) -> Decimal:
    """Hours as a Decimal of at most 2 places, not negative (raises SupportProblem naming the field)."""
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise SupportProblem("Enter the hours as a number, like 1.5", "hours") from None
    if not hours.is_finite() or hours < 0:
        raise SupportProblem("Enter the hours as a number, not negative", "hours")
    if hours != hours.quantize(Decimal("0.01")):
        raise SupportProblem("Hours can have at most 2 decimal places", "hours")
    if hours > MAX_HOURS:
        raise SupportProblem(f"Hours must be {MAX_HOURS:,} or fewer", "hours")
    return hours


def record_support(session: Session, partner: Organisation, details: SupportDetails,
                   recorded_by_id: int | None = None) -> SupportRecord:
    """Record support the partner gave one of its network's registered businesses."""
    if details.kind not in SUPPORT_KINDS:
        raise SupportProblem("Choose the kind of support", "kind")
    if details.business_id not in {b.id for b in registered_businesses(session, partner.network_id)}:
        raise SupportProblem("Choose a business registered in your network", "business_id")
    record = SupportRecord(
        organisation_id=partner.id, business_id=details.business_id, kind=details.kind, given_on=details.given_on,
        hours=hours_of(details.hours), programme=details.programme.strip(), notes=details.notes.strip(),
        recorded_by_id=recorded_by_id,
    )
    session.add(record)
    session.flush()
    return record


def partner_support(session: Session) -> list[SupportRecord]:
    """The current partner's support records, newest first (the tenant filter keeps them its own)."""
    return list(session.scalars(select(SupportRecord).order_by(SupportRecord.given_on.desc(), SupportRecord.id.desc())))


def business_support(session: Session) -> list[tuple[SupportRecord, str]]:
    """The current business's support history with the partner that gave each, newest first."""
    rows = list(session.scalars(select(SupportRecord).order_by(SupportRecord.given_on.desc(), SupportRecord.id.desc())))
    names = dict(session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_({r.organisation_id for r in rows}))
    ).all())
    return [(r, names[r.organisation_id]) for r in rows]


def year_end(year_start: date) -> date:
    return date(year_start.year + 1, year_start.month, year_start.day)


def supported_business_ids(session: Session, network_id: int, year_start: date) -> set[int]:
    """The businesses of the network any partner supported in the year from ``year_start``.

    Supported: given a support record dated in the year, or marked as having attended an event held
    in it. For the funnel of supported businesses; reads across the network's partners on purpose.
    """
    partner_ids = session.scalars(select(Organisation.id).where(Organisation.network_id == network_id)).all()
    end = year_end(year_start)
    with network_wide(partner_ids, "which businesses the network's partners supported in a year"):
        given = session.scalars(
            select(SupportRecord.business_id).where(
                SupportRecord.network_id == network_id, SupportRecord.given_on >= year_start, SupportRecord.given_on < end)
        ).all()
        attended = session.scalars(
            select(EventRegistration.business_id).join(SupportEvent, SupportEvent.id == EventRegistration.event_id)
            .where(EventRegistration.network_id == network_id, EventRegistration.attended.is_(True),
                   SupportEvent.starts_at >= _start_of(year_start), SupportEvent.starts_at < _start_of(end))
        ).all()
    return set(given) | set(attended)


def _start_of(day: date):
    from datetime import datetime

    return datetime(day.year, day.month, day.day, tzinfo=UTC)
