"""Can a partner admin read their organisation's audit log, find a change by who, what and when,
and page through it, without JavaScript?"""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from portal.extensions import db
from tenants import tenant_context
from tenants.models import AuditEvent, Invitation

from .test_audit import admin, council  # noqa: F401 (fixtures used by name)


def invite(client, email, role="viewer"):
    response = client.post("/people/invite", data={"name": email.split("@")[0].title(), "email": email, "role": role})
    assert response.status_code == 302
    client.get(response.headers["Location"])  # shows (and so clears) the "invitation sent" message


@pytest.fixture
def log_page(admin, council, sign_in):
    client = sign_in(admin)
    invite(client, "nina@example.org")
    return client


def test_an_admin_sees_who_changed_what_and_the_values(log_page, admin):
    page = log_page.get("/audit-log").get_data(as_text=True)
    assert 'data-testid="audit-log"' in page
    assert "Ann Admin" in page and "Created" in page and "Invitation" in page and "nina@example.org" in page
    assert "Invitation sent" in page  # the service's own named event is listed too


def test_a_change_shows_the_field_before_and_after(log_page, council):
    with tenant_context(council.id):
        invitation = db.session.scalar(select(Invitation))
        invitation.role = "officer"
        db.session.commit()
    page = log_page.get("/audit-log?action=changed").get_data(as_text=True)
    assert "<strong>Role</strong>: viewer to officer" in page
    assert "The portal (a background task or a supplier&#39;s link)" in page  # changed outside a request


def test_the_admin_menu_links_to_the_log_and_others_cannot_open_it(log_page, council, make_user, sign_in):
    assert 'href="/audit-log"' in log_page.get("/").get_data(as_text=True)
    for role in ("officer", "viewer"):
        client = sign_in(make_user(council, role))
        assert 'href="/audit-log"' not in client.get("/").get_data(as_text=True)
        assert client.get("/audit-log").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/audit-log")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_filtering_by_person_action_record_and_date(log_page, admin, council, make_user, sign_in):
    other = make_user(council, "admin", name="Omar Other")
    invite(sign_in(other), "olga@example.org")
    by_omar = log_page.get(f"/audit-log?person={other.id}").get_data(as_text=True)
    assert "olga@example.org" in by_omar and "nina@example.org" not in by_omar

    created = log_page.get("/audit-log?action=created&object_type=Invitation").get_data(as_text=True)
    assert "2 changes." in created

    today = datetime.now(timezone.utc).date()
    tomorrow = today + timedelta(days=1)
    in_range = log_page.get(f"/audit-log?since={today.day}&since={today.month}&since={today.year}")
    assert in_range.status_code == 200 and "nina@example.org" in in_range.get_data(as_text=True)
    later = log_page.get(f"/audit-log?since={tomorrow.day}&since={tomorrow.month}&since={tomorrow.year}")
    assert "No changes match." in later.get_data(as_text=True)


@pytest.mark.parametrize("query, message", [
    ("since=31&since=2&since=2026", "Enter the &#39;from&#39; date as a real date"),
    ("until=x&until=y&until=z", "Enter the &#39;to&#39; date as a real date"),
    ("since=2&since=1&since=2026&until=1&until=1&until=2026", "must be the same as or after"),
    ("person=999999", "Choose &#39;who&#39; from the list"),
    ("person=not-a-number", "Choose &#39;who&#39; from the list"),
    ("action=dropped_tables", "Choose &#39;what happened&#39; from the list"),
])
def test_a_bad_filter_is_a_clear_error_not_a_failure(log_page, query, message):
    response = log_page.get(f"/audit-log?{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "govuk-error-summary" in page and message in page


def test_the_log_is_paged_fifty_at_a_time_and_the_filter_is_kept(log_page, council):
    with tenant_context(council.id):
        db.session.add_all(AuditEvent(action="test.bulk", detail={"n": n}) for n in range(60))
        db.session.commit()
    first = log_page.get("/audit-log?action=test.bulk").get_data(as_text=True)
    assert "60 changes." in first and first.count('<tr class="govuk-table__row">') == 51  # with the header row
    assert "/audit-log?page=2&amp;action=test.bulk" in first
    second = log_page.get("/audit-log?page=2&action=test.bulk").get_data(as_text=True)
    assert second.count('<tr class="govuk-table__row">') == 11
    # Numbered pages, the one shown marked as current.
    assert 'href="/audit-log?page=1&amp;action=test.bulk"' in second and 'aria-current="page"' in second
    assert log_page.get("/audit-log?page=abc").status_code == 200


def test_each_record_links_to_where_it_can_be_seen(log_page, council):
    """A contract links to its page; a commitment to its contract's; people to the people page; a deleted row to nothing."""
    from datetime import date

    from portal.social_value.models import Contract

    with tenant_context(council.id):
        kept = Contract(reference="LINK-1", title="Grounds maintenance", start_date=date(2024, 4, 1))
        gone = Contract(reference="LINK-2", title="Withdrawn", start_date=date(2024, 4, 1))
        db.session.add_all([kept, gone])
        db.session.commit()
        kept_id, gone_id = kept.id, gone.id
        db.session.delete(gone)
        db.session.commit()
    page = log_page.get("/audit-log").get_data(as_text=True)
    assert f'href="/social-value/contracts/{kept_id}" data-testid="record-link">Contract {kept_id}</a>' in page
    assert f'href="/social-value/contracts/{gone_id}"' not in page and f"Contract {gone_id}" in page
    assert 'href="/people" data-testid="record-link">Invitation' in page
