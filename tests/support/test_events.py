"""Events: a business registers from its account, the partner marks attendance and downloads the follow-up list."""
from __future__ import annotations

import csv
import io
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.support import events
from portal.support.models import EventRegistration, SupportEvent
from portal.support.problems import SupportProblem
from tenants import business_context, tenant_context
from tenants.businesses import Business


def _event(partner, capacity=2, in_days=10, title="Meet the buyer: highways"):
    with tenant_context(partner.id):
        event = SupportEvent(kind="meet_the_buyer", title=title, starts_at=datetime.now(UTC) + timedelta(days=in_days),
                             place="Rotherham Town Hall", capacity=capacity)
        db.session.add(event)
        db.session.commit()
        return event.id


def test_a_partner_creates_an_event_from_the_form(make_partner, make_user, sign_in):
    chamber = make_partner("Chamber", kind="chamber")
    client = sign_in(make_user(chamber, "officer"))
    later = datetime.now(UTC) + timedelta(days=30)
    data = {"kind": "supplier_day", "title": "Supplier day", "day": [str(later.day), str(later.month), str(later.year)],
            "starts": "09:30", "place": "Magna, S60 1DX", "capacity": "40"}
    assert client.post("/partner/events/new", data={**data, "starts": "25:00"}).status_code == 400
    assert client.post("/partner/events/new", data={**data, "capacity": "0"}).status_code == 400
    past = datetime.now(UTC) - timedelta(days=3)
    response = client.post("/partner/events/new", data={**data, "day": [str(past.day), str(past.month), str(past.year)]})
    assert response.status_code == 400 and "in the future" in response.get_data(as_text=True)
    assert client.post("/partner/events/new", data=data).status_code == 302
    with tenant_context(chamber.id):
        (event,) = db.session.scalars(select(SupportEvent)).all()
        assert (event.title, event.capacity, event.place) == ("Supplier day", 40, "Magna, S60 1DX")
    assert "Supplier day" in client.get("/partner/events").get_data(as_text=True)


def test_registration_attendance_and_the_follow_up_list(make_partner, make_business, make_user, sign_in):
    """Can businesses register until it is full, and does the follow-up list say who came and who did not?"""
    chamber = make_partner("Chamber", kind="chamber")
    came, missed, late = (make_business(n, chamber.network) for n in ("Came Ltd", "Missed Ltd", "Late Ltd"))
    event_id = _event(chamber, capacity=2)
    for business, name in ((came, "Cara Came"), (missed, "Mo Missed")):
        client = sign_in(business.owner)
        assert "Meet the buyer: highways" in client.get("/events").get_data(as_text=True)
        response = client.post(f"/events/{event_id}/register", data={"contact_name": name, "contact_email": f"{name.split()[0].lower()}@example.org"})
        assert response.status_code == 302
    full = sign_in(late.owner).post(f"/events/{event_id}/register", data={"contact_name": "L", "contact_email": "l@example.org"})
    assert full.status_code == 400 and "full" in full.get_data(as_text=True)
    with business_context(late.id):
        assert db.session.scalars(select(EventRegistration)).all() == []

    officer = sign_in(make_user(chamber, "officer"))
    with tenant_context(chamber.id):
        ids = dict(db.session.execute(select(EventRegistration.business_id, EventRegistration.id)).all())
    page = officer.get(f"/partner/events/{event_id}").get_data(as_text=True)
    assert "Cara Came" in page and "Mo Missed" in page
    assert officer.post(f"/partner/events/{event_id}/attendance",
                        data={f"attended-{ids[came.id]}": "yes", f"attended-{ids[missed.id]}": "no"}).status_code == 302
    download = officer.get(f"/partner/events/{event_id}/follow-up.csv")
    assert download.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == events.FOLLOW_UP_HEADER
    assert [(r[0], r[1], r[2], r[4], r[5]) for r in rows[1:]] == [
        ("Came Ltd", "Cara Came", "cara@example.org", "Attended", "attended"),
        ("Missed Ltd", "Mo Missed", "mo@example.org", "Did not attend", "registered, did not attend"),
    ]
    # Each business sees its own registration and attendance, not the other's.
    own = sign_in(came.owner).get("/your-support").get_data(as_text=True)
    assert "Meet the buyer: highways" in own and "Attended" in own and "Missed Ltd" not in own
    assert "Meet the buyer: highways" not in sign_in(late.owner).get("/your-support").get_data(as_text=True)


def test_past_and_other_networks_events_cannot_be_registered_for(make_partner, make_business, make_network, sign_in):
    chamber = make_partner("Chamber", kind="chamber")
    past_id = _event(chamber, in_days=-1)
    future_id = _event(chamber)
    stranger = make_business("Stranger", make_network())
    local = make_business("Local", chamber.network)
    assert sign_in(local.owner).get(f"/events/{past_id}/register").status_code == 404
    assert sign_in(stranger.owner).get(f"/events/{future_id}/register").status_code == 404
    try:
        events.register(db.session, stranger, future_id, "S", "s@example.org")
    except SupportProblem:
        pass
    else:
        raise AssertionError("a business of another network registered")


def test_a_business_cancels_its_registration_until_attendance_is_marked(make_partner, make_business, sign_in):
    chamber = make_partner("Chamber", kind="chamber")
    firm = make_business("Firm", chamber.network)
    event_id = _event(chamber)
    client = sign_in(firm.owner)
    client.post(f"/events/{event_id}/register", data={"contact_name": "F", "contact_email": "f@example.org"})
    assert client.post(f"/events/{event_id}/cancel").status_code == 302
    assert client.post(f"/events/{event_id}/cancel").status_code == 404


def test_two_businesses_taking_the_last_place_at_once_do_not_both_get_it(app, make_partner, make_business, monkeypatch):
    """When two businesses register for the last place at the same moment, does only one get it?"""
    chamber = make_partner("Chamber", kind="chamber")
    first, second = (make_business(n, chamber.network).id for n in ("First Ltd", "Second Ltd"))
    event_id = _event(chamber, capacity=1)
    # The race made certain: each registration waits here, after counting the places left and before
    # writing, for the other to count too. Held by the event's lock, the other cannot count yet: the
    # wait runs out and the first goes on alone.
    both_counted = threading.Barrier(2, timeout=3)
    own_registration = events.own_registration

    def counted_then_wait(session, event_id):
        try:
            both_counted.wait()
        except threading.BrokenBarrierError:
            pass
        return own_registration(session, event_id)

    monkeypatch.setattr(events, "own_registration", counted_then_wait)
    outcomes, errors = {}, []

    def register(business_id):
        try:
            with app.app_context(), business_context(business_id):
                try:
                    events.register(db.session, db.session.get(Business, business_id), event_id, "C", "c@example.org")
                    db.session.commit()
                    outcomes[business_id] = "registered"
                except SupportProblem as problem:
                    db.session.rollback()
                    outcomes[business_id] = str(problem)
                finally:
                    db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=register, args=(business_id,)) for business_id in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(outcomes.values()) == ["This event is full", "registered"]
    with tenant_context(chamber.id):
        assert len(db.session.scalars(select(EventRegistration)).all()) == 1
