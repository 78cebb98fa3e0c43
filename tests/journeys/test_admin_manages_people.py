"""Can a partner admin, with the keyboard alone, change a colleague's role and remove someone, on accessible pages?"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import sign_in
from .keyboard import submit_by_keyboard

pytestmark = pytest.mark.browser


@pytest.fixture
def team(make_partner, make_user):
    council = make_partner(name="Rotherham Metropolitan Borough Council")
    admin = make_user(council, role="admin", email="ann@rotherham.example.org", name="Ann Admin")
    make_user(council, role="officer", email="olly@rotherham.example.org", name="Olly Officer")
    make_user(council, role="viewer", email="vic@rotherham.example.org", name="Vic Viewer")
    return admin


def test_the_admin_changes_a_role_and_removes_someone(journey, team):
    page = journey.page
    sign_in(journey, team.email)
    page.get_by_role("link", name="People", exact=True).click()
    members = page.get_by_test_id("members")
    expect(members).to_contain_text("Olly Officer")
    journey.check("people")

    members.get_by_role("link", name="Change role of Olly Officer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change Olly Officer's role")
    journey.check("change-role")
    page.get_by_label("Viewer: reads dashboards and reports").check()
    submit_by_keyboard(page, page.get_by_role("button", name="Change role"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Olly Officer is now viewer")
    journey.check("people-role-changed")

    page.get_by_test_id("members").get_by_role("link", name="Remove Vic Viewer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove Vic Viewer from Rotherham Metropolitan Borough Council?")
    journey.check("remove-confirmation")
    submit_by_keyboard(page, page.get_by_role("button", name="Remove"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Vic Viewer has been removed")
    expect(page.get_by_test_id("members")).not_to_contain_text("Vic Viewer")
    journey.check("people-removed")
