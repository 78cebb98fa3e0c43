"""In a real browser, with a real worker: an officer uploads a file, watches it import, and reads the dashboard."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .test_browser import sign_in_through_browser

pytestmark = [pytest.mark.browser, pytest.mark.worker]

SPEND_FILE = (
    "Date,Transaction Number,Supplier Name,Supplier Postcode,Net Amount,Expense Type\n"
    + "".join(
        f"{(n % 28) + 1:02d}/0{4 + n % 3}/2024,T{n},{'Local Builders Ltd' if n % 3 else 'Far Away plc'},"
        f"{'S60 1AE' if n % 3 else 'M1 1AA'},{100 + n}.00,Works\n"
        for n in range(300)
    )
)


@pytest.fixture
def officer(make_network, make_partner, make_user):
    network = make_network(name="Rother Valley Anchor Network", local_area=("S60", "S61"))
    partner = make_partner(name="Rotherham Metropolitan Borough Council", network=network)
    return make_user(partner=partner, role="officer", name="Priya Officer")


def test_an_officer_imports_a_file_and_sees_the_dashboard(page, officer, tmp_path, screenshot, celery_worker_process):
    spend_file = tmp_path / "april-june-2024.csv"
    spend_file.write_text(SPEND_FILE)
    sign_in_through_browser(page, officer.email)

    page.get_by_role("link", name="Imports").click()
    page.get_by_label("Upload a spend file").set_input_files(str(spend_file))
    page.get_by_role("button", name="Upload file").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check the columns")
    expect(page.get_by_label("Amount (required)", exact=True)).to_have_value("Net Amount")
    expect(page.get_by_label("Supplier postcode")).to_have_value("Supplier Postcode")
    page.get_by_role("button", name="Import the file").click()

    # The page refreshes itself (no JavaScript needed) until the worker has finished.
    expect(page).to_have_url(re.compile(r"/spend/imports/\d+$"))
    expect(page.get_by_text("Import complete")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("import-result")).to_contain_text("300")
    screenshot("import-complete")

    page.get_by_role("link", name="Dashboard").click()
    # Totals are refreshed by the worker after the import; the dashboard shows them once there.
    for _ in range(30):
        if page.get_by_text("£").count() and "No spend" not in page.content():
            break
        page.wait_for_timeout(1000)
        page.reload()
    expect(page.locator("svg[role=img]").first).to_be_visible()
    screenshot("partner-dashboard")
