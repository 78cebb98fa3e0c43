"""Can a partner admin, and a network lead, manage their people with the keyboard alone, on accessible pages?"""
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


@pytest.fixture
def lead_team(make_network, make_partner, make_user):
    network = make_network(name="Rother Valley Anchor Network", local_area=("S60", "S61"))
    council = make_partner(name="Rotherham Metropolitan Borough Council", network=network)
    lead = make_user(council, role="officer", email="lee@rotherham.example.org", name="Lee Lead", lead_of=network)
    make_user(None, email="cora@network.example.org", name="Cora Co-lead", lead_of=network)
    return lead


def test_the_lead_disables_and_re_enables_a_co_leads_account(journey, lead_team):
    page = journey.page
    sign_in(journey, lead_team.email)
    page.get_by_role("link", name="Network", exact=True).click()
    page.get_by_role("link", name="Lead team").click()
    team = page.get_by_test_id("lead-team")
    expect(team).to_contain_text("Cora Co-lead")
    journey.check("lead-team")

    team.get_by_role("link", name="Disable Cora Co-lead's account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Disable Cora Co-lead's account?")
    journey.check("disable-confirmation")
    submit_by_keyboard(page, page.get_by_role("button", name="Disable account"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Cora Co-lead's account has been disabled")
    journey.check("lead-team-disabled")

    page.get_by_test_id("lead-team").get_by_role("link", name="Re-enable Cora Co-lead's account").click()
    submit_by_keyboard(page, page.get_by_role("button", name="Re-enable account"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("re-enabled")
