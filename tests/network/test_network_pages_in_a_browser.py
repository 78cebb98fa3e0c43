"""The lead's pages in a real browser: under the CSP, no console errors, the chart drawn, forms that work without JavaScript."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.test_browser import sign_in_through_browser

pytestmark = pytest.mark.browser


def test_the_lead_compares_partners_and_reviews_a_duplicate_supplier(page, anchors, screenshot):
    sign_in_through_browser(page, anchors.lead.email)
    page.goto(f"/network/{anchors.network.id}?year=2023-04-01")
    expect(page.get_by_test_id("side-by-side")).to_be_visible()
    expect(page.get_by_role("img", name="Local share of spend by partner, April 2023 to March 2024")).to_be_visible()
    expect(page.get_by_test_id("totals-only-message")).to_contain_text("share totals only")
    screenshot("network-side-by-side")

    page.get_by_role("link", name="Supplier register").click()
    expect(page.get_by_test_id("suppliers")).to_be_visible()
    screenshot("network-suppliers")
    page.get_by_role("link", name="Northern IT Solutions Ltd").click()
    page.get_by_label("Local, whatever the postcode says", exact=True).check()
    page.get_by_role("button", name="Save supplier").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("saved")
    screenshot("network-supplier")

    page.goto(f"/network/{anchors.network.id}/suppliers/review")
    pair = page.locator("section.app-review-pair").first
    pair.get_by_label("Different suppliers: keep them apart").check()
    screenshot("network-review")
    pair.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("kept apart")


def test_a_partner_admin_opens_their_lines_to_the_lead(page, anchors, screenshot):
    sign_in_through_browser(page, anchors.police_admin.email)
    page.goto("/partner/sharing")
    page.get_by_label("Our totals and our spend lines").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("sharing-history")).to_contain_text("Totals and spend lines")
    screenshot("partner-sharing")
