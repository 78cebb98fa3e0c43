"""Support given to businesses: who records it, who reads it, and who counts as supported in a year."""
from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.support import events, records
from portal.support.models import EventRegistration, SupportEvent, SupportRecord
from portal.support.problems import SupportProblem
from tenants import business_context, tenant_context


def _record(partner, business, given_on=date(2025, 5, 1), hours="1.5", kind="one_to_one", **more):
    with tenant_context(partner.id):
        record = records.record_support(db.session, partner, records.SupportDetails(
            business.id, kind, given_on, hours, more.get("programme", ""), more.get("notes", "")))
        db.session.commit()
        return record.id


def test_a_partner_records_support_and_only_that_business_sees_it(make_partner, make_business, make_user, sign_in):
    """Can a business read its own support history, and neither another business nor another partner read it?"""
    council = make_partner("Council")
    chamber = make_partner("Chamber", council.network, kind="chamber")
    helped = make_business("Helped Firm", council.network)
    other = make_business("Other Firm", council.network)
    _record(chamber, helped, hours="2.25", kind="bid_writing", programme="Go For Growth", notes="Chamber's private note")

    page = sign_in(helped.owner).get("/your-support").get_data(as_text=True)
    assert "Bid-writing help" in page and "Go For Growth" in page and "2.25" in page and "Chamber" in page
    assert "Chamber's private note" not in page  # the notes are the partner's own
    assert "Go For Growth" not in sign_in(other.owner).get("/your-support").get_data(as_text=True)
    with business_context(other.id):
        assert db.session.scalars(select(SupportRecord)).all() == []
    with tenant_context(council.id):
        assert db.session.scalars(select(SupportRecord)).all() == []
    officer = make_user(chamber, "officer")
    listing = sign_in(officer).get("/partner/support").get_data(as_text=True)
    assert "Helped Firm" in listing and "Go For Growth" in listing


def test_support_form_refuses_bad_hours_and_a_business_of_another_network(make_partner, make_business, make_user, make_network, sign_in):
    """Are bad hours and another network's business refused, with nothing saved?"""
    chamber = make_partner("Chamber", kind="chamber")
    mine = make_business("Mine", chamber.network)
    theirs = make_business("Theirs", make_network())
    client = sign_in(make_user(chamber, "officer"))
    base = {"business_id": str(mine.id), "kind": "mentoring", "given_on": ["2", "6", "2025"], "programme": ""}
    for hours, message in (("-1", "not negative"), ("lots", "as a number"), ("1.234", "2 decimal places")):
        response = client.post("/partner/support/new", data={**base, "hours": hours})
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    response = client.post("/partner/support/new", data={**base, "business_id": str(theirs.id), "hours": "1"})
    assert response.status_code == 400
    with tenant_context(chamber.id):
        assert db.session.scalars(select(SupportRecord)).all() == []
    assert client.post("/partner/support/new", data={**base, "hours": "1.50"}).status_code == 302
    with tenant_context(chamber.id):
        assert [r.hours for r in db.session.scalars(select(SupportRecord))] == [Decimal("1.50")]
    with pytest.raises(SupportProblem):
        records.hours_of("NaN")


def test_supported_businesses_in_a_year_match_an_independent_count(make_partner, make_business):
    """Does supported_business_ids give exactly the businesses with support, or an attended event, in the year?"""
    rng = random.Random(17)
    council = make_partner("Council")
    chamber = make_partner("Chamber", council.network, kind="chamber")
    elsewhere = make_partner("Elsewhere")
    firms = [make_business(f"Firm {n}", council.network) for n in range(12)]
    stranger = make_business("Stranger", elsewhere.network)
    _record(elsewhere, stranger, given_on=date(2025, 6, 1))
    year_start = date(2025, 4, 1)
    expected: set[int] = set()
    for firm in firms:
        for _ in range(rng.randint(0, 2)):
            partner = rng.choice((council, chamber))
            given_on = year_start + timedelta(days=rng.randint(-200, 565))
            _record(partner, firm, given_on=given_on)
            if year_start <= given_on < date(2026, 4, 1):
                expected.add(firm.id)
    # Events: registered-only does not count, attended does, in the event's year.
    for n, starts in enumerate((datetime(2025, 9, 1, 10, tzinfo=UTC), datetime(2026, 5, 1, 10, tzinfo=UTC))):
        with tenant_context(chamber.id):
            event = SupportEvent(kind="meet_the_buyer", title=f"Event {n}", starts_at=starts, place="Town Hall", capacity=50)
            db.session.add(event)
            db.session.commit()
        for firm in rng.sample(firms, 5):
            came = rng.random() < 0.5
            with business_context(firm.id):
                db.session.add(EventRegistration(event_id=event.id, organisation_id=chamber.id, contact_name="A",
                                                 contact_email="a@example.org", attended=came))
                db.session.commit()
            if came and n == 0:
                expected.add(firm.id)
    assert records.supported_business_ids(db.session, council.network_id, year_start) == expected
    assert records.supported_business_ids(db.session, elsewhere.network_id, year_start) == {stranger.id}


def test_events_are_listed_to_the_network_only(make_partner, make_business, make_network):
    chamber = make_partner("Chamber", kind="chamber")
    mine = make_business("Mine", chamber.network)
    theirs = make_business("Theirs", make_network())
    with tenant_context(chamber.id):
        events.create_event(db.session, events.EventDetails("supplier_day", "Supplier day", datetime.now(UTC)
                                                            + timedelta(days=9), "Town Hall", 3))
        db.session.commit()
    assert [e.title for e in events.upcoming_events(db.session, mine)] == ["Supplier day"]
    assert events.upcoming_events(db.session, theirs) == []
