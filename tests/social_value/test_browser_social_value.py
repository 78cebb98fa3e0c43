"""In a real browser: an officer records a contract, a supplier's commitment and a delivery report with evidence."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.social_value import measures
from tenants.models import Network
from tests.accessibility import assert_accessible

from ..test_browser import sign_in_through_browser
from .conftest import ROTHERHAM, load_wards

pytestmark = pytest.mark.browser


@pytest.fixture
def officer(app, make_network, make_partner, make_user):
    network = make_network(name="Rother Valley Anchor Network", local_area=("S60", "S61"))
    measures.load_demo_measures(db.session, network)
    network.area_codes = [ROTHERHAM]
    db.session.commit()
    load_wards(app)
    partner = make_partner(name="Rotherham Metropolitan Borough Council", network=network)
    return make_user(partner=partner, role="officer", name="Priya Officer", lead_of=network)


def fill_date(page, field_id: str, day: str, month: str, year: str) -> None:
    page.locator(f"#{field_id}-day").fill(day)
    page.locator(f"#{field_id}-month").fill(month)
    page.locator(f"#{field_id}-year").fill(year)


def test_an_officer_records_a_contract_a_commitment_and_a_delivery_report(page, officer, tmp_path, screenshot):
    evidence = tmp_path / "timesheets.pdf"
    evidence.write_bytes(b"%PDF-1.4\n%%EOF\n")
    sign_in_through_browser(page, officer.email)

    page.get_by_role("link", name="Social value", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contracts")
    page.get_by_role("link", name="Measures catalogue").click()
    expect(page.get_by_test_id("proxy-DEMO-02-demo-2024")).to_contain_text("£210.00")
    screenshot("social-value-measures")
    page.get_by_role("link", name="Social value", exact=True).click()

    page.get_by_role("button", name="Add a contract").click()
    page.get_by_label("Your contract reference").fill("HW-2024-01")
    page.get_by_label("Title").fill("Highways maintenance")
    page.get_by_label("Supplier name, if it is not in the register").fill("Acme Roads Ltd")
    page.get_by_label("Contract value in pounds").fill("1,250,000")
    fill_date(page, "start_date", "1", "4", "2024")
    fill_date(page, "end_date", "31", "3", "2027")
    page.get_by_label("Procurement").check()
    page.get_by_label("In scope for the Real Living Wage").check()
    screenshot("social-value-contract-form")
    page.get_by_role("button", name="Save contract").click()
    expect(page).to_have_url(re.compile(r"/social-value/contracts/\d+$"))

    page.get_by_role("button", name="Record a commitment").click()
    page.get_by_label("Measure").select_option(label="DEMO-02: Apprenticeship weeks on the contract (no. of weeks)")
    page.get_by_label("Quantity committed over the contract").fill("52")
    fill_date(page, "committed_on", "1", "5", "2024")
    page.locator("#year_0").fill("20")
    page.locator("#year_1").fill("20")
    page.locator("#year_2").fill("12")
    screenshot("social-value-commitment-form")
    page.get_by_role("button", name="Save commitment").click()
    expect(page.get_by_test_id("commitment-DEMO-02")).to_contain_text("£10,920")

    page.get_by_role("link", name=re.compile("Record delivery")).click()
    fill_date(page, "period_start", "1", "4", "2024")
    fill_date(page, "period_end", "30", "6", "2024")
    page.get_by_label("Quantity delivered in the period").fill("10")
    page.get_by_label("What was delivered (optional)").fill("Two apprentices on site for five weeks each.")
    page.get_by_label("Ward, row 1").select_option("Boston Castle")  # chosen from the ONS wards of the area
    page.get_by_label("Group, row 1").select_option("Age")
    page.get_by_label("Number of people, row 1").fill("2")
    page.get_by_label("Evidence (optional)").set_input_files(str(evidence))
    screenshot("social-value-delivery-form")
    page.get_by_role("button", name="Save the delivery report").click()
    expect(page.get_by_test_id("report-status")).to_have_text("reported")
    expect(page.get_by_test_id("evidence")).to_contain_text("timesheets.pdf")
    screenshot("social-value-delivery-report")

    # Four eyes, the network's default: the one who recorded the report cannot verify it, until the lead says so.
    expect(page.get_by_test_id("four-eyes")).to_be_visible()
    report_url = page.url
    page.goto("/social-value/contracts")
    page.get_by_role("link", name="Social value settings").click()
    page.get_by_label("Anyone who may verify, including the person who recorded it").check()
    page.get_by_role("button", name="Save").click()
    page.goto(report_url)
    page.get_by_role("button", name="Verify the report").click()
    expect(page.get_by_test_id("report-status")).to_have_text("verified")
    page.get_by_role("link", name="Back to HW-2024-01").click()
    expect(page.get_by_test_id("delivered-total")).to_have_text("£2,100")
    screenshot("social-value-contract")

    page.get_by_role("button", name="Create a link for the supplier").click()
    expect(page.locator("#supplier-link-url")).to_have_value(re.compile(r"/supplier-report/"))
    screenshot("social-value-supplier-link")
    link = page.locator("#supplier-link-url").input_value().removeprefix("http://localhost")
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Report what you have delivered")
    screenshot("social-value-supplier-page")

    page.goto("/social-value/flags")
    screenshot("social-value-flags")
    page.goto("/social-value/targets")
    screenshot("social-value-targets")

    # Both the commitment and the verified delivery are in the annual report.
    page.goto("/social-value/contracts")
    page.get_by_role("link", name="Annual report", exact=True).click()
    expect(page).to_have_url(re.compile(r"/social-value/report"))
    report = page.locator("main")
    expect(report).to_contain_text("HW-2024-01")
    expect(report).to_contain_text("£10,920")
    expect(report).to_contain_text("£2,100")
    screenshot("social-value-annual-report")


def test_the_lead_sets_when_the_policy_began_and_reads_figures_to_date(page, officer, screenshot):
    network_id = db.session.scalar(db.select(Network.id).where(Network.name == "Rother Valley Anchor Network"))
    sign_in_through_browser(page, officer.email)
    page.goto(f"/network/{network_id}/social-value-report")
    page.get_by_role("link", name="Change when the policy began").click()
    expect(page.get_by_test_id("policy-start")).to_contain_text("No date is set")
    fill_date(page, "policy_start_date", "1", "4", "2019")
    page.get_by_role("button", name="Save the date").click()
    expect(page.get_by_test_id("policy-start")).to_contain_text("The policy began on 1 April 2019")
    assert_accessible(page, "the policy start date page")
    screenshot("social-value-policy-start")
    page.get_by_role("link", name="The network's social value report").click()
    expect(page.get_by_test_id("to-date")).to_contain_text("since 1 April 2019")
    expect(page.get_by_test_id("table-halves")).to_contain_text("First half (H1)")
    assert_accessible(page, "the network's report with figures to date")
    screenshot("social-value-report-to-date")
