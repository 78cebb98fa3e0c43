"""Can a partner officer, with the keyboard alone, import a spend file and read the dashboard it feeds?"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import sign_in
from .keyboard import assert_error_summary, submit_by_keyboard

pytestmark = [pytest.mark.browser, pytest.mark.worker]

SUPPLIERS = [("Local Builders Ltd", "S60 1AE"), ("Valley Care CIC", "S61 2BB"), ("Far Away plc", "M1 1AA")]
SPEND_FILE = "Date,Transaction Number,Supplier Name,Supplier Postcode,Net Amount,Expense Type\n" + "".join(
    f"{(n % 28) + 1:02d}/{4 + n % 9:02d}/2024,T{n},{SUPPLIERS[n % 3][0]},{SUPPLIERS[n % 3][1]},{250 + n * 3}.00,"
    f"{['Works', 'Social care', 'IT services'][n % 3]}\n"
    for n in range(120)
)


def test_an_officer_imports_a_spend_file_and_reads_the_dashboard(journey, officer, tmp_path, celery_worker_process):
    page = journey.page
    spend_file = tmp_path / "april-december-2024.csv"
    spend_file.write_text(SPEND_FILE)
    sign_in(journey, officer.email)
    journey.check("partner-home")

    page.get_by_role("link", name="Imports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import spend")
    journey.check("imports")
    # Sent with no file: the error summary leads to the file field.
    page.watch.allow(r"status of 400")
    submit_by_keyboard(page, page.get_by_role("button", name="Upload file"))
    assert_error_summary(page, ["spend_file"])
    journey.check("imports-error")

    page.get_by_label("Upload a spend file").set_input_files(str(spend_file))
    submit_by_keyboard(page, page.get_by_role("button", name="Upload file"), key="Space")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the columns")
    expect(page.get_by_label("Amount (required)", exact=True)).to_have_value("Net Amount")
    journey.check("check-the-columns")
    submit_by_keyboard(page, page.get_by_role("button", name="Import the file"))

    # The page shows the result by itself (its script polls progress.json) once the worker has finished.
    expect(page).to_have_url(re.compile(r"/spend/imports/\d+$"))
    journey.check("import-in-progress")
    expect(page.get_by_text("Import complete")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("import-result")).to_contain_text("120")
    journey.check("import-complete")
    journey.screenshot("import-complete", readme=True)

    page.get_by_role("link", name="Dashboard", exact=True).click()
    # The worker refreshes the totals after the import; the dashboard shows them once they are in.
    for _ in range(30):
        if page.get_by_role("img", name=re.compile("Spend by month")).count():
            break
        page.wait_for_timeout(1000)
        page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spend dashboard")
    expect(page.get_by_test_id("table-months").locator("tbody tr")).to_have_count(12)
    journey.check("dashboard")
    journey.screenshot("partner-dashboard", readme=True)

    page.get_by_label("Financial year").select_option("2024")
    submit_by_keyboard(page, page.get_by_role("button", name="Show year"))
    expect(page).to_have_url(re.compile(r"/spend\?year=2024$"))

    page.get_by_test_id("table-suppliers").get_by_role("link", name="Valley Care CIC").click()
    expect(page).to_have_url(re.compile(r"/spend/lines\?"))
    expect(page.get_by_role("main").locator("tbody tr").first).to_contain_text("Valley Care CIC")
    journey.check("spend-lines")
    journey.screenshot("spend-lines")
