"""The dashboard and the public summary in Chromium: no CSP violation, the year chosen without JavaScript."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.test_browser import sign_in_through_browser

pytestmark = pytest.mark.browser


def test_a_viewer_reads_the_dashboard_and_changes_the_year(page, spend_world, screenshot):
    sign_in_through_browser(page, spend_world.a_viewer.email)
    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spend dashboard")
    expect(page.get_by_role("img", name="Spend by month, 2024 to 2025")).to_be_visible()
    screenshot("dashboard-partner")
    page.get_by_label("Financial year").select_option("2023")
    page.get_by_role("button", name="Show year").click()
    expect(page).to_have_url(re.compile(r"/spend\?year=2023$"))
    expect(page.get_by_role("heading", name="Headline figures, 2023 to 2024")).to_be_visible()


def test_the_public_summary_reads_without_signing_in(page, spend_world, screenshot):
    page.goto(f"/networks/{spend_world.network.slug}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rother Valley Anchors")
    expect(page.get_by_role("img", name=re.compile("Combined spend by month"))).to_be_visible()
    screenshot("dashboard-network-summary")
