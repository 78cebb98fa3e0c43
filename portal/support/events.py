"""Events partners run: creating one, businesses registering from their account, attendance and the follow-up list."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tenants import network_wide
from tenants.businesses import Business
from tenants.models import Organisation, as_utc, utcnow

from .labels import attendance_label
from .models import EVENT_KINDS, EventRegistration, SupportEvent
from .problems import SupportProblem

MAX_CAPACITY = 100_000


@dataclass(frozen=True)
class EventDetails:
    kind: str
    title: str
    starts_at: datetime
    place: str
    capacity: int
    description: str = ""


@dataclass(frozen=True)
class OpenEvent:
    """An upcoming event as a business of the network reads it (plain values: no partner row leaves the scope)."""

    id: int
    kind: str
    title: str
    description: str
    starts_at: datetime
    place: str
    partner_name: str
    places_left: int


def create_event(session: Session, details: EventDetails, created_by_id: int | None = None,
                 now: datetime | None = None) -> SupportEvent:
    """A new event of the current partner, in the future, with room for at least one."""
    if details.kind not in EVENT_KINDS:
        raise SupportProblem("Choose the kind of event", "kind")
    if not details.title.strip():
        raise SupportProblem("Enter the event's title", "title")
    if not details.place.strip():
        raise SupportProblem("Enter where the event is", "place")
    if not 1 <= details.capacity <= MAX_CAPACITY:
        raise SupportProblem(f"Enter how many places there are, from 1 to {MAX_CAPACITY:,}", "capacity")
    if as_utc(details.starts_at) <= (now or utcnow()):
        raise SupportProblem("The event must start in the future", "starts_at")
    event = SupportEvent(kind=details.kind, title=details.title.strip(), description=details.description.strip(),
                         starts_at=as_utc(details.starts_at), place=details.place.strip(), capacity=details.capacity,
                         created_by_id=created_by_id)
    session.add(event)
    session.flush()
    return event


def partner_events(session: Session) -> list[SupportEvent]:
    """The current partner's events, latest first."""
    return list(session.scalars(select(SupportEvent).order_by(SupportEvent.starts_at.desc(), SupportEvent.id.desc())))


def get_event(session: Session, event_id: int) -> SupportEvent | None:
    """One of the current partner's events, or None."""
    return session.scalar(select(SupportEvent).where(SupportEvent.id == event_id))


def _partners_of(session: Session, network_id: int) -> dict[int, str]:
    return dict(session.execute(select(Organisation.id, Organisation.name).where(Organisation.network_id == network_id)).all())


def upcoming_events(session: Session, business: Business, now: datetime | None = None) -> list[OpenEvent]:
    """Events of the business's network that have not started, soonest first, with the places left."""
    return _open_events(session, business, now)


def open_event(session: Session, business: Business, event_id: int, now: datetime | None = None) -> OpenEvent | None:
    """One upcoming event of the business's network, or None (past, another network's, unknown)."""
    found = _open_events(session, business, now, event_id)
    return found[0] if found else None


def _open_events(session: Session, business: Business, now: datetime | None, event_id: int | None = None) -> list[OpenEvent]:
    partners = _partners_of(session, business.network_id)
    query = select(SupportEvent).where(SupportEvent.starts_at > (now or utcnow()))
    if event_id is not None:
        query = query.where(SupportEvent.id == event_id)
    with network_wide(list(partners), "a business reads its network's upcoming events"):
        events = list(session.scalars(query.order_by(SupportEvent.starts_at, SupportEvent.id)))
        taken = dict(session.execute(
            select(EventRegistration.event_id, func.count(EventRegistration.id))
            .where(EventRegistration.event_id.in_([e.id for e in events])).group_by(EventRegistration.event_id)
        ).all())
        return [OpenEvent(e.id, e.kind, e.title, e.description, as_utc(e.starts_at), e.place, partners[e.organisation_id],
                          max(e.capacity - taken.get(e.id, 0), 0)) for e in events]


def own_registration(session: Session, event_id: int) -> EventRegistration | None:
    """The current business's registration for this event, or None."""
    return session.scalar(select(EventRegistration).where(EventRegistration.event_id == event_id))


def register(session: Session, business: Business, event_id: int, contact_name: str, contact_email: str,
             now: datetime | None = None) -> EventRegistration:
    """Register the business for an upcoming event of its network; a second time changes the contact only.

    :raise SupportProblem: the event is not open to it, or it is full.
    """
    organisation_id = _hold_the_event(session, business, event_id)
    event = open_event(session, business, event_id, now) if organisation_id is not None else None
    if event is None:
        raise SupportProblem("This event is not open for registration")
    registration = own_registration(session, event_id)
    if registration is None:
        if event.places_left < 1:
            raise SupportProblem("This event is full")
        registration = EventRegistration(event_id=event_id, organisation_id=organisation_id)
        session.add(registration)
    registration.contact_name, registration.contact_email = contact_name.strip(), contact_email.strip()
    session.flush()
    return registration


def _hold_the_event(session: Session, business: Business, event_id: int) -> int | None:
    """Lock the event until the transaction ends and return its partner's id (None: not of the business's network).

    Two businesses taking the last place at once would both count one place left and both register:
    the second must count after the first has committed. PostgreSQL locks the event's row. SQLite has
    no row locks and pysqlite reads outside any transaction, so a write to the event (one that changes
    nothing) takes the database's write lock first: the other registration waits for it (busy_timeout)
    and then counts what this one wrote.
    """
    partners = _partners_of(session, business.network_id)
    with network_wide(list(partners), "the event a business registers for, held while it counts the places"):
        if session.get_bind().dialect.name == "sqlite":
            table = SupportEvent.__table__
            session.execute(update(table).where(table.c.id == event_id, table.c.organisation_id.in_(list(partners)))
                            .values(capacity=table.c.capacity))
        return session.scalar(select(SupportEvent.organisation_id).where(SupportEvent.id == event_id).with_for_update())


def cancel_registration(session: Session, event_id: int, now: datetime | None = None) -> bool:
    """The business will not come after all; False if it had not registered or the event has begun."""
    registration = own_registration(session, event_id)
    if registration is None or registration.attended is not None:
        return False
    session.delete(registration)
    session.flush()
    return True


def business_events(session: Session) -> list[tuple[EventRegistration, OpenEvent | None]]:
    """The current business's registrations with their events, latest first."""
    registrations = list(session.scalars(select(EventRegistration)))
    if not registrations:
        return []
    business = registrations[0].business
    partners = _partners_of(session, business.network_id)
    with network_wide(list(partners), "a business reads the events it registered for"):
        events = {e.id: OpenEvent(e.id, e.kind, e.title, e.description, as_utc(e.starts_at), e.place,
                                  partners[e.organisation_id], 0)
                  for e in session.scalars(select(SupportEvent).where(
                      SupportEvent.id.in_([r.event_id for r in registrations])))}
    return sorted(((r, events.get(r.event_id)) for r in registrations),
                  key=lambda pair: pair[1].starts_at if pair[1] else as_utc(pair[0].registered_at), reverse=True)


def mark_attendance(session: Session, event: SupportEvent, attended: dict[int, bool | None]) -> int:
    """Set who came ({registration id: True, False or None}); ids not of this event are refused. Returns how many changed."""
    by_id = {r.id: r for r in event.registrations}
    unknown = set(attended) - set(by_id)
    if unknown:
        raise SupportProblem("Those registrations are not for this event")
    changed = 0
    for registration_id, value in attended.items():
        if by_id[registration_id].attended is not value:
            by_id[registration_id].attended = value
            changed += 1
    session.flush()
    return changed


FOLLOW_UP_HEADER = ["Business", "Contact name", "Contact email", "Registered on", "Attendance", "Follow up as"]


def follow_up_rows(event: SupportEvent) -> list[list[str]]:
    """Who came and who registered but did not, with the contact they gave: attended first, then the rest, by name."""
    rows = []
    for registration in sorted(event.registrations, key=lambda r: (r.attended is not True, r.business.name.lower())):
        follow_up = "attended" if registration.attended else "registered, did not attend"
        rows.append([registration.business.name, registration.contact_name, registration.contact_email,
                     f"{as_utc(registration.registered_at):%d/%m/%Y}", attendance_label(registration.attended), follow_up])
    return rows
