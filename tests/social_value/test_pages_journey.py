"""Can an officer record a contract, a commitment and a delivery with evidence, and see it count once verified?"""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.social_value.models import Commitment, Contract, DeliveryReport, EvidenceFile
from tenants import tenant_context
from tenants.models import AuditEvent

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
CONTRACT = {
    "reference": "HW-001", "title": "Highways maintenance", "supplier_id": "", "supplier_name_as_given": "Acme Roads Ltd",
    "value": "£1,250,000.50", "start_date": ["1", "4", "2024"], "end_date": ["31", "3", "2027"], "category": "45233141",
    "route": "procurement", "rlw_in_scope": "y", "supplier_pays_rlw": "no",
}


@pytest.fixture
def council(partners):
    return partners[0]


@pytest.fixture
def officer(council, make_user):
    return make_user(council, "officer", email="officer@council.org")


def count(model, partner):
    with tenant_context(partner.id):
        return db.session.scalar(select(func.count()).select_from(model))


def add_contract(client, **changes):
    return client.post("/social-value/contracts/new", data={**CONTRACT, **changes})


def add_commitment(client, contract_id, measure_id, **changes):
    data = {"measure_id": str(measure_id), "quantity": "52", "committed_on": ["1", "5", "2024"], **changes}
    return client.post(f"/social-value/contracts/{contract_id}/commitments/new", data=data)


def report_delivery(client, commitment_id, files=(), **changes):
    data = {"period_start": ["1", "4", "2024"], "period_end": ["30", "6", "2024"], "quantity": "10",
            "narrative": "Two apprentices on site", "ward_0": "Boston Castle", "group_0": "Age", "count_0": "2",
            **changes}
    if files:
        data["evidence"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(f"/social-value/commitments/{commitment_id}/delivery-reports/new", data=data,
                       content_type="multipart/form-data")


def ids(partner):
    with tenant_context(partner.id):
        contract = db.session.scalars(select(Contract)).first()
        commitment = db.session.scalars(select(Commitment)).first()
        report = db.session.scalars(select(DeliveryReport)).first()
        return (contract.id if contract else None, commitment.id if commitment else None, report.id if report else None)


def test_contract_commitment_delivery_with_evidence_then_verified_shows_delivered(council, officer, sign_in, measure, make_user):
    client = sign_in(officer)
    response = add_contract(client)
    assert response.status_code == 302, response.get_data(as_text=True)
    contract_id, _, _ = ids(council)
    with tenant_context(council.id):
        contract = db.session.get(Contract, contract_id)
        assert (contract.value_pence, contract.supplier_name_as_given, contract.rlw_in_scope) == (125_000_050, "Acme Roads Ltd", True)
    assert add_commitment(client, contract_id, measure("DEMO-02").id).status_code == 302
    page = client.get(f"/social-value/contracts/{contract_id}").get_data(as_text=True)
    # 52 weeks at the demo-2024 £210 a week
    assert "DEMO-02" in page and "£10,920" in page and "demo-2024" in page
    _, commitment_id, _ = ids(council)
    response = report_delivery(client, commitment_id, files=[("timesheets.pdf", PDF)])
    assert response.status_code == 302, response.get_data(as_text=True)
    _, _, report_id = ids(council)
    report_page = client.get(f"/social-value/delivery-reports/{report_id}").get_data(as_text=True)
    assert "timesheets.pdf" in report_page and "Boston Castle" in report_page and "reported" in report_page
    assert "Nothing yet" in client.get(f"/social-value/contracts/{contract_id}").get_data(as_text=True)

    checker = sign_in(make_user(council, "officer", email="checker@council.org"))  # four eyes
    assert checker.post(f"/social-value/delivery-reports/{report_id}/verify").status_code == 302
    page = client.get(f"/social-value/contracts/{contract_id}").get_data(as_text=True)
    delivered = re.search(r'data-testid="delivered-total">(?:<[^>]+>)*([^<]+)<', page).group(1)
    assert delivered == "£2,100"  # 10 weeks at £210
    with tenant_context(council.id):
        # The named events; the automatic field-by-field ones are tested in tests/test_audit.py.
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_type.is_(None)).order_by(AuditEvent.id)
        ).all()
    assert actions == ["social_value.contract_created", "social_value.commitment_recorded",
                       "social_value.delivery_reported", "social_value.delivery_verified"]

    with tenant_context(council.id):
        evidence_id = db.session.scalar(select(EvidenceFile.id))
    download = client.get(f"/social-value/evidence/{evidence_id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;") and "timesheets.pdf" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_a_rejected_report_says_why_and_does_not_count(council, officer, sign_in, measure):
    client = sign_in(officer)
    add_contract(client)
    contract_id, _, _ = ids(council)
    add_commitment(client, contract_id, measure("DEMO-02").id)
    _, commitment_id, _ = ids(council)
    report_delivery(client, commitment_id)
    _, _, report_id = ids(council)
    refused = client.post(f"/social-value/delivery-reports/{report_id}/reject", data={"reason": "  "})
    assert refused.status_code == 400 and "There is a problem" in refused.get_data(as_text=True)
    assert "Say why the report is rejected" in refused.get_data(as_text=True)
    assert client.post(f"/social-value/delivery-reports/{report_id}/reject", data={"reason": "No timesheets attached"}).status_code == 302
    page = client.get(f"/social-value/delivery-reports/{report_id}").get_data(as_text=True)
    assert "rejected" in page and "No timesheets attached" in page
    contract_page = client.get(f"/social-value/contracts/{contract_id}").get_data(as_text=True)
    assert "Nothing yet" in contract_page and "Report rejected" in contract_page
    with tenant_context(council.id):
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "social_value.delivery_rejected")).one()
        assert event.detail["reason"] == "No timesheets attached"


def test_a_viewer_reads_but_cannot_record_or_verify(council, officer, make_user, sign_in, measure):
    client = sign_in(officer)
    add_contract(client)
    contract_id, _, _ = ids(council)
    viewer = sign_in(make_user(council, "viewer"))
    assert viewer.get(f"/social-value/contracts/{contract_id}").status_code == 200
    assert viewer.get("/social-value/contracts/new").status_code == 403
    assert add_commitment(viewer, contract_id, measure("DEMO-02").id).status_code == 403
    assert count(Commitment, council) == 0


def test_contracts_are_searched_by_reference_or_title_and_filtered_by_real_living_wage(council, officer, sign_in):
    client = sign_in(officer)
    add_contract(client)
    add_contract(client, reference="CL-9", title="Office cleaning", rlw_in_scope="")
    listed = client.get("/social-value/contracts").get_data(as_text=True)
    assert "HW-001" in listed and "CL-9" in listed
    found = client.get("/social-value/contracts?q=clean").get_data(as_text=True)
    assert "CL-9" in found and "HW-001" not in found
    found = client.get("/social-value/contracts?q=hw-0").get_data(as_text=True)
    assert "HW-001" in found and "CL-9" not in found
    in_scope = client.get("/social-value/contracts?rlw=yes").get_data(as_text=True)
    assert "HW-001" in in_scope and "CL-9" not in in_scope


def test_a_profile_by_contract_year_gives_the_total(council, officer, sign_in, measure):
    client = sign_in(officer)
    add_contract(client)
    contract_id, _, _ = ids(council)
    response = add_commitment(client, contract_id, measure("DEMO-02").id, quantity="", year_0="20", year_1="20", year_2="12")
    assert response.status_code == 302, response.get_data(as_text=True)
    with tenant_context(council.id):
        commitment = db.session.scalars(select(Commitment)).one()
        assert commitment.quantity == 52 and [int(p.quantity) for p in commitment.profile] == [20, 20, 12]
    page = client.get(f"/social-value/contracts/{contract_id}").get_data(as_text=True)
    assert "Profile by contract year" in page


def test_the_contract_can_be_changed_and_a_supplier_picked_from_the_register(council, officer, sign_in, sv_network):
    from portal.suppliers.models import Supplier

    import io

    from portal.spend import importing

    # The council pays the builders: only suppliers a partner pays are offered from the register.
    with tenant_context(council.id):
        upload = importing.store_upload(db.session, council, officer, "spend.csv", io.BytesIO(
            b"Date,Transaction Number,Supplier Name,Supplier Postcode,Net Amount\n"
            b"01/04/2024,T-1,Rotherham Builders Ltd,S60 1AA,120.00\n"))
        upload.column_mapping = dict(importing.proposed_mapping(db.session, upload)[1])
        db.session.commit()
        importing.run_import(db.session, upload.id)
        db.session.commit()
    supplier = db.session.scalar(select(Supplier).where(Supplier.name == "Rotherham Builders Ltd"))
    client = sign_in(officer)
    add_contract(client)
    contract_id, _, _ = ids(council)
    form = client.get(f"/social-value/contracts/{contract_id}/edit?supplier=builders").get_data(as_text=True)
    assert "Rotherham Builders Ltd" in form
    response = client.post(f"/social-value/contracts/{contract_id}/edit?supplier=builders",
                           data={**CONTRACT, "supplier_id": str(supplier.id), "title": "Highways and drains"})
    assert response.status_code == 302, response.get_data(as_text=True)
    with tenant_context(council.id):
        contract = db.session.get(Contract, contract_id)
        assert (contract.supplier_id, contract.supplier_name_as_given, contract.title) == (supplier.id, None, "Highways and drains")
