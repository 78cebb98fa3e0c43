"""Can an officer import a month, see what a corrected file changes, replace the month, and withdraw an import?"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import sign_in
from .keyboard import submit_by_keyboard

pytestmark = [pytest.mark.browser, pytest.mark.worker]

HEADER = "Date,Transaction Number,Supplier Name,Net Amount\n"
# An invoice of several lines, identical item lines among them, and a card payment with no payee named.
APRIL = HEADER + "".join(["01/04/2024,INV-1,Valley Foods Ltd,2.70\n"] * 3) + (
    "02/04/2024,INV-2,Local Builders Ltd,1200.00\n03/04/2024,INV-3,Redacted Personal Information,80.00\n")
CORRECTED = HEADER + "".join(["01/04/2024,INV-1,Valley Foods Ltd,2.70\n"] * 3) + (
    "02/04/2024,INV-2,Local Builders Ltd,1250.00\n05/04/2024,INV-4,Valley Care CIC,99.00\n")


def upload(journey, path):
    page = journey.page
    page.goto("/spend/imports")
    page.get_by_label("Upload a spend file").set_input_files(str(path))
    submit_by_keyboard(page, page.get_by_role("button", name="Upload file"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the columns")
    submit_by_keyboard(page, page.get_by_role("button", name="Import the file"))
    expect(page).to_have_url(re.compile(r"/spend/imports/\d+$"))


def test_an_officer_replaces_a_corrected_month_and_withdraws_an_import(journey, officer, tmp_path, celery_worker_process):
    page = journey.page
    april, corrected = tmp_path / "april-2024.csv", tmp_path / "april-2024-corrected.csv"
    april.write_text(APRIL)
    corrected.write_text(CORRECTED)
    sign_in(journey, officer.email)

    upload(journey, april)
    expect(page.get_by_text("Import complete")).to_be_visible(timeout=60_000)
    result = page.get_by_test_id("import-result")
    expect(result).to_contain_text("Lines read")
    expect(result).to_contain_text("£1,288.10")  # the file's own net total: every line, identical ones too
    expect(page.get_by_text("3 lines share their transaction reference")).to_be_visible()
    expect(page.get_by_test_id("import-months")).to_contain_text("April 2024")

    upload(journey, corrected)
    expect(page.get_by_text("Nothing has been saved yet")).to_be_visible(timeout=60_000)
    comparison = page.get_by_test_id("comparison")
    expect(comparison).to_contain_text("Lines already held")
    expect(page.get_by_test_id("differences-changed")).to_contain_text("£1,250.00")
    expect(page.get_by_test_id("differences-changed")).to_contain_text("£1,200.00")
    journey.check("import-needs-choice")
    journey.screenshot("import-needs-choice", readme=True)

    page.get_by_label("Replace those months with this file").check()
    submit_by_keyboard(page, page.get_by_role("button", name="Continue the import"))
    expect(page.get_by_text("Import complete")).to_be_visible(timeout=60_000)
    expect(result).to_contain_text("Earlier lines replaced")
    journey.check("import-replaced")

    page.get_by_label("I understand this import's lines will stop counting").check()
    submit_by_keyboard(page, page.get_by_role("button", name="Withdraw this import"))
    expect(page.get_by_text("This import was withdrawn")).to_be_visible()
    journey.check("import-withdrawn")

    page.goto("/spend/imports")
    expect(page.get_by_test_id("imports")).to_contain_text("withdrawn")
    expect(page.get_by_test_id("imports")).to_contain_text("Already held")
