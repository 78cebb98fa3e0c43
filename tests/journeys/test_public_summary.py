"""Can a member of the public read a network's summary, on any screen, without signing in?"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_public_reads_the_network_summary(journey, spend_world):
    page = journey.page
    page.goto(f"/networks/{spend_world.network.slug}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rother Valley Anchors")
    expect(page.get_by_test_id("signed-in-as")).to_have_count(0)
    journey.check("network-summary")
    journey.screenshot("network-summary", readme=True)

    # The chart is a picture of the table beside it; "How we count this" opens with the keyboard.
    expect(page.get_by_role("img", name=re.compile("Combined spend by month"))).to_be_visible()
    expect(page.get_by_test_id("table-months").locator("tbody tr")).to_have_count(12)
    how = page.get_by_test_id("headline-local").locator("summary", has_text="How we count this")
    how.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("headline-local").get_by_text("registered office is in the local area")).to_be_visible()
    journey.check("network-summary-how-we-count")
    journey.screenshot("network-summary-how-we-count")
