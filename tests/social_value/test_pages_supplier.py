"""Can a supplier report through the link its partner sent, and not once the link is revoked, expired or forged?"""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.social_value.models import DeliveryReport, EvidenceFile
from tenants import tenant_context
from tenants.models import AuditEvent

from .test_pages_journey import PDF, add_commitment, add_contract, count, ids


@pytest.fixture
def council(partners):
    return partners[0]


@pytest.fixture
def officer_client(council, make_user, sign_in, measure):
    client = sign_in(make_user(council, "officer"))
    add_contract(client)
    contract_id, _, _ = ids(council)
    add_commitment(client, contract_id, measure("DEMO-02").id)
    return client


def new_link(client, contract_id) -> str:
    page = client.post(f"/social-value/contracts/{contract_id}/supplier-link").get_data(as_text=True)
    url = re.search(r'id="supplier-link-url"[^>]*value="([^"]+)"', page).group(1)
    return url.removeprefix("http://localhost")


def supplier_post(path, commitment_id, files=(), **changes):
    from flask import current_app

    data = {"commitment_id": str(commitment_id), "period_start": ["1", "4", "2024"], "period_end": ["30", "6", "2024"],
            "quantity": "6", "narrative": "Apprentice weeks on site", **changes}
    if files:
        data["evidence"] = [(io.BytesIO(content), name) for name, content in files]
    client = current_app.test_client()  # no sign-in: the supplier has no account
    current_app.config["WTF_CSRF_ENABLED"] = False
    return client.post(path, data=data, content_type="multipart/form-data")


def test_the_supplier_reports_through_the_link_and_the_partner_sees_it(council, officer_client, sign_in):
    contract_id, commitment_id, _ = ids(council)
    path = new_link(officer_client, contract_id)
    assert path.startswith("/supplier-report/")
    # The link is shown once: the contract page does not show it again.
    assert "supplier-link-url" not in officer_client.get(f"/social-value/contracts/{contract_id}").get_data(as_text=True)
    from flask import current_app

    page = current_app.test_client().get(path).get_data(as_text=True)
    assert "HW-001" in page and "DEMO-02" in page and "Report what you have delivered" in page
    response = supplier_post(path, commitment_id, files=[("weeks.pdf", PDF)])
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with tenant_context(council.id):
        report = db.session.scalars(select(DeliveryReport)).one()
        assert (report.reported_via, report.status, int(report.quantity), report.reported_by_id) == ("supplier_link", "reported", 6, None)
        assert db.session.scalars(select(EvidenceFile.original_filename)).all() == ["weeks.pdf"]
        assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("%supplier_link%"))).all() == [
            "social_value.supplier_link_created"]
    contract_page = officer_client.get(f"/social-value/contracts/{contract_id}").get_data(as_text=True)
    assert "Waiting to be verified" in contract_page


def test_bad_input_through_the_link_is_refused_and_changes_nothing(council, officer_client):
    contract_id, commitment_id, _ = ids(council)
    path = new_link(officer_client, contract_id)
    for changes, message in (({"quantity": "-3"}, "cannot be negative"), ({"period_end": ["40", "6", "2024"]}, "real date")):
        response = supplier_post(path, commitment_id, **changes)
        assert response.status_code == 400 and "There is a problem" in response.get_data(as_text=True)
        assert message in response.get_data(as_text=True)
    response = supplier_post(path, commitment_id, files=[("x.exe", b"MZ\x90\x00")])
    assert response.status_code == 400 and "The file must be a PDF" in response.get_data(as_text=True)
    assert count(DeliveryReport, council) == 0 and count(EvidenceFile, council) == 0


def test_a_revoked_expired_or_forged_link_gets_a_clear_400_and_changes_nothing(app, council, officer_client):
    contract_id, commitment_id, _ = ids(council)
    path = new_link(officer_client, contract_id)
    from flask import current_app

    forged = path[:-4] + "abcd"
    for bad in (forged, "/supplier-report/not-a-token"):
        response = current_app.test_client().get(bad)
        assert response.status_code == 400 and "This link is not valid" in response.get_data(as_text=True)
        assert supplier_post(bad, commitment_id).status_code == 400
    app.config["SUPPLIER_LINK_MAX_AGE_SECONDS"] = -1
    try:
        response = supplier_post(path, commitment_id)
        assert response.status_code == 400 and "This link has expired" in response.get_data(as_text=True)
    finally:
        del app.config["SUPPLIER_LINK_MAX_AGE_SECONDS"]
    assert officer_client.post(f"/social-value/contracts/{contract_id}/supplier-link/revoke").status_code == 302
    response = supplier_post(path, commitment_id)
    assert response.status_code == 400 and "no longer valid" in response.get_data(as_text=True)
    assert count(DeliveryReport, council) == 0
    fresh = new_link(officer_client, contract_id)
    assert supplier_post(fresh, commitment_id).status_code == 302
