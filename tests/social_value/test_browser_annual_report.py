"""In a real browser: an officer who leads the network produces its report for a half-year and downloads every format."""
from __future__ import annotations

import io
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.extensions import db
from portal.reports.annual import ILLUSTRATIVE_WARNING
from portal.social_value import commitments, contracts, delivery, measures
from portal.social_value.models import Measure
from tenants import tenant_context
from tests.accessibility import assert_accessible
from tests.cross_tenant.annual_report import text_of

from ..test_browser import sign_in_through_browser

pytestmark = pytest.mark.browser


@pytest.fixture
def officer(app, make_network, make_partner, make_user):
    network = make_network(name="Rother Valley Anchor Network", local_area=("S60", "S61"))
    measures.load_demo_measures(db.session, network)
    db.session.commit()
    partner = make_partner(name="Rotherham Metropolitan Borough Council", network=network)
    partner.shares_lines_with_lead = True  # so the lead's report names its contracts and case studies
    user = make_user(partner=partner, role="officer", name="Priya Officer", lead_of=network)
    with tenant_context(partner.id):
        contract = contracts.create_contract(
            db.session, reference="HW-2024-01", title="Highways maintenance", start_date=date(2024, 4, 1),
            end_date=date(2026, 3, 31), supplier_name_as_given="Acme Roads Ltd", rlw_in_scope=True, supplier_pays_rlw="yes")
        measure = db.session.scalar(select(Measure).where(Measure.network_id == network.id, Measure.code == "DEMO-02"))
        commitment = commitments.record_commitment(db.session, contract, measure, committed_on=date(2024, 5, 1), quantity=100)
        report = delivery.record_delivery(db.session, commitment, period_start=date(2024, 5, 1), period_end=date(2024, 9, 30),
                                          quantity=40, narrative="Twelve apprentices started on the highways crews.")
        delivery.verify_delivery(db.session, report, user)
        db.session.commit()
    return user


def test_an_officer_produces_the_network_report_for_a_half_year_and_downloads_every_format(page, officer, screenshot):
    sign_in_through_browser(page, officer.email)
    page.get_by_role("link", name="Social value", exact=True).click()
    page.get_by_role("link", name="Annual report for scrutiny").click()
    page.get_by_role("link", name="Choose the case studies").click()
    page.get_by_label("HW-2024-01 Highways maintenance", exact=False).check()
    page.get_by_role("button", name="Save case studies").click()
    expect(page.get_by_text("Case studies saved.")).to_be_visible()

    page.get_by_role("link", name="Social value", exact=True).click()
    page.get_by_role("link", name="The network's annual report").click()
    page.get_by_test_id("periods").get_by_role("link", name="the first half").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("April 2024 to September 2024")
    expect(page.get_by_test_id("illustrative-warning")).to_contain_text(ILLUSTRATIVE_WARNING)
    expect(page.get_by_role("heading", name="Case studies April 2024 to September 2024")).to_be_visible()
    screenshot("annual-report-network-half-year")
    assert_accessible(page)

    for link, suffix in (("PDF", ".pdf"), ("Word document", ".docx"), ("CSV file", ".csv"),
                         ("Excel spreadsheet (a sheet per table)", ".xlsx")):
        with page.expect_download() as download:
            page.get_by_test_id("downloads").get_by_role("link", name=link).click()
        assert download.value.suggested_filename == f"annual-report-network-2024-h1{suffix}"
        data = io.BytesIO()
        with open(download.value.path(), "rb") as f:
            data.write(f.read())
        text = text_of(suffix, data.getvalue())
        assert ILLUSTRATIVE_WARNING in text, suffix
        assert "HW-2024-01" in text and "Twelve apprentices started on the highways crews." in text, suffix
