"""Can the network lead, with the keyboard alone, add a partner and compare the partners side by side?"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import sign_in
from .keyboard import assert_error_summary, submit_by_keyboard

pytestmark = pytest.mark.browser


def test_the_lead_adds_a_partner_and_compares_partners(journey, anchors):
    page = journey.page
    sign_in(journey, anchors.lead.email)
    page.get_by_role("link", name="Network", exact=True).click()
    expect(page.get_by_test_id("network-name")).to_have_text("Rother Valley Anchors")
    journey.check("network")

    page.get_by_role("button", name="Add a partner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a partner")
    journey.check("add-a-partner")
    page.watch.allow(r"status of 400")
    submit_by_keyboard(page, page.get_by_role("button", name="Add partner"))
    assert_error_summary(page, ["name", "kind", "admin_name", "admin_email"])
    journey.check("add-a-partner-errors")

    page.get_by_label("Chamber of commerce").check()
    submit_by_keyboard(page, page.get_by_role("button", name="Add partner"), typed={
        "name": "Rotherham Chamber of Commerce", "admin_name": "Cara Chamber", "admin_email": "cara@chamber.example.org",
    })
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Rotherham Chamber of Commerce added")
    expect(page.get_by_test_id("partners")).to_contain_text("Rotherham Chamber of Commerce")
    journey.check("network-partner-added")

    page.get_by_label("Financial year").select_option(label="April 2023 to March 2024")
    submit_by_keyboard(page, page.get_by_test_id("side-by-side").locator("xpath=preceding::button[1]"))
    expect(page).to_have_url(re.compile(r"year=2023-04-01"))
    expect(page.get_by_role("img", name="Local share of spend by partner, April 2023 to March 2024")).to_be_visible()
    expect(page.get_by_test_id("side-by-side")).to_contain_text("South Yorkshire Police")
    journey.check("partners-side-by-side")
    page.get_by_test_id("side-by-side").scroll_into_view_if_needed()
    journey.screenshot("network-side-by-side", readme=True)
