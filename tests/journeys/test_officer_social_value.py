"""Can an officer, by keyboard, record a contract, a commitment and its delivery, and download the annual report?"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.social_value import measures

from .conftest import sign_in
from .keyboard import assert_error_summary, submit_by_keyboard

pytestmark = pytest.mark.browser


@pytest.fixture
def officer(make_network, make_partner, make_user):
    network = make_network(name="Rother Valley Anchor Network", local_area=("S60", "S61"))
    measures.load_demo_measures(db.session, network)
    db.session.commit()
    partner = make_partner(name="Rotherham Metropolitan Borough Council", network=network)
    make_user(partner=partner, role="officer", name="Colin Colleague", email="colin@rotherham.example")
    return make_user(partner=partner, role="officer", name="Priya Officer")


def dates(field_id: str, day: str, month: str, year: str) -> dict[str, str]:
    return {f"{field_id}-day": day, f"{field_id}-month": month, f"{field_id}-year": year}


def test_an_officer_records_a_contract_commitment_and_delivery_then_downloads_the_report(journey, officer, tmp_path):
    page = journey.page
    evidence = tmp_path / "timesheets.pdf"
    evidence.write_bytes(b"%PDF-1.4\n%%EOF\n")
    sign_in(journey, officer.email)
    page.get_by_role("link", name="Social value", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contracts")
    journey.check("contracts")

    page.get_by_role("button", name="Add a contract").click()
    journey.check("add-a-contract")
    page.watch.allow(r"status of 400")
    submit_by_keyboard(page, page.get_by_role("button", name="Save contract"))
    assert_error_summary(page)
    journey.check("add-a-contract-errors")

    page.get_by_label("Procurement").check()
    page.get_by_label("In scope for the Real Living Wage").check()
    submit_by_keyboard(page, page.get_by_role("button", name="Save contract"), typed={
        "reference": "HW-2024-01", "title": "Highways maintenance", "supplier_name_as_given": "Acme Roads Ltd",
        "value": "1,250,000", **dates("start_date", "1", "4", "2024"), **dates("end_date", "31", "3", "2027"),
    })
    expect(page).to_have_url(re.compile(r"/social-value/contracts/\d+$"))
    journey.check("contract")

    page.get_by_role("button", name="Record a commitment").click()
    journey.check("record-a-commitment")
    page.get_by_label("Measure").select_option(label="DEMO-02: Apprenticeship weeks on the contract (no. of weeks)")
    submit_by_keyboard(page, page.get_by_role("button", name="Save commitment"), typed={
        "quantity": "52", **dates("committed_on", "1", "5", "2024"),
    })
    expect(page.get_by_test_id("commitment-DEMO-02")).to_contain_text("£10,920")
    journey.check("contract-with-commitment")

    page.get_by_role("link", name=re.compile("Record delivery")).click()
    journey.check("record-delivery")
    page.get_by_label("Evidence (optional)").set_input_files(str(evidence))
    submit_by_keyboard(page, page.get_by_role("button", name="Save the delivery report"), typed={
        **dates("period_start", "1", "4", "2024"), **dates("period_end", "30", "6", "2024"), "quantity": "10",
        "narrative": "Two apprentices on site for five weeks each.",
    })
    expect(page.get_by_test_id("report-status")).to_have_text("reported")
    journey.check("delivery-report")
    # Four eyes: the officer who recorded the report cannot verify it; a colleague does.
    expect(page.get_by_test_id("four-eyes")).to_be_visible()
    expect(page.get_by_role("button", name="Verify the report")).to_have_count(0)
    report_url = page.url
    page.get_by_role("button", name="Sign out").click()
    sign_in(journey, "colin@rotherham.example")
    page.goto(report_url)
    page.get_by_role("button", name="Verify the report").click()
    expect(page.get_by_test_id("report-status")).to_have_text("verified")
    journey.check("delivery-report-verified")
    page.get_by_role("link", name="Back to HW-2024-01").click()
    expect(page.get_by_test_id("delivered-total")).to_have_text("£2,100")
    journey.screenshot("social-value-contract", readme=True)

    page.get_by_role("link", name="Social value", exact=True).click()
    page.get_by_role("link", name="Annual report", exact=True).click()
    report = page.get_by_role("main")
    expect(report).to_contain_text("£10,920")
    expect(report).to_contain_text("£2,100")
    journey.check("annual-report")
    journey.screenshot("social-value-annual-report", readme=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV file").click()
    path = download.value.path()
    assert download.value.suggested_filename.endswith(".csv")
    assert "HW-2024-01" in path.read_text(encoding="utf-8-sig")
