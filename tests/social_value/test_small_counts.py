"""Are beneficiary counts under 5 suppressed in every page and export of the annual report?"""
from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest

from portal.extensions import db
from portal.social_value import commitments, delivery, totals
from portal.social_value.models import Contract
from tenants import tenant_context

YEAR = 2024
# Keppel: 7 people (shown); Boston Castle: 3 (suppressed); Disability: 3 + 0 (suppressed); Care leavers: 7 + 9.
COUNTS = [("Keppel", "Care leavers", 7), ("Boston Castle", "Disability", 3), ("Keppel", "Age", 9)]


@pytest.fixture
def reported(sv_network, partners, make_user, make_contract, measure):
    council = partners[0]
    officer = make_user(council, "officer", email="officer@council.org")
    lead = make_user(council, "officer", email="lead@council.org", lead_of=sv_network)
    contract_id = make_contract(council)
    with tenant_context(council.id):
        contract = db.session.get(Contract, contract_id)
        commitment = commitments.record_commitment(db.session, contract, measure("DEMO-02"), committed_on=date(2024, 5, 1), quantity=52)
        report = delivery.record_delivery(db.session, commitment, period_start=date(2024, 4, 1), period_end=date(2024, 6, 30),
                                          quantity=10, beneficiaries=COUNTS, reported_by=officer)
        delivery.verify_delivery(db.session, report, lead)
        db.session.commit()
    totals.recompute_all(db.session, sv_network)
    db.session.commit()
    return officer, lead


def _csv_rows(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


@pytest.mark.parametrize("who", ["partner", "network"])
def test_counts_under_5_are_suppressed_on_the_page_and_in_csv_xlsx_and_pdf(reported, sv_network, sign_in, who):
    from openpyxl import load_workbook

    officer, lead = reported
    client = sign_in(lead if who == "network" else officer)
    base = f"/network/{sv_network.id}/social-value-report" if who == "network" else "/social-value/report"

    page = client.get(f"{base}?year={YEAR}").get_data(as_text=True)
    assert re.search(r"Boston Castle</th>\s*<td[^>]*>fewer than 5</td>", page)
    assert re.search(r"Disability</th>\s*<td[^>]*>fewer than 5</td>", page)
    assert re.search(r"Keppel</th>\s*<td[^>]*>16</td>", page) and re.search(r"Care leavers</th>\s*<td[^>]*>7</td>", page)
    # Groups the network adopted are kept apart from the Act's protected characteristics.
    protected = re.search(r'data-testid="table-groups".*?</table>', page, re.DOTALL).group(0)
    others = re.search(r'data-testid="table-other-groups".*?</table>', page, re.DOTALL).group(0)
    assert "Disability" in protected and "Age" in protected and "Care leavers" not in protected
    assert "Care leavers" in others and "Disability" not in others

    lines = _csv_rows(client.get(f"{base}.csv?year={YEAR}"))
    people = {row[1]: row[3] for row in lines if row[0].startswith("Beneficiaries")}
    assert people["Boston Castle"] == "fewer than 5" and people["Disability"] == "fewer than 5"
    assert people["Keppel"] == "16" and people["Care leavers"] == "7" and people["Age"] == "9"

    book = load_workbook(io.BytesIO(client.get(f"{base}.xlsx?year={YEAR}").data))
    cells = [list(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
    for name in ("Boston Castle", "Disability"):
        row = next(r for r in cells if name in r)
        assert "fewer than 5" in row and 3 not in row

    pypdf = pytest.importorskip("pypdf")
    response = client.get(f"{base}.pdf?year={YEAR}")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.data)).pages)
    assert re.search(r"Boston Castle\s*fewer than 5", text) and re.search(r"Disability\s*fewer than 5", text)
