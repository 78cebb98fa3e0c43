"""Can an officer note a remedy on a contract, see the returns chased, and read a supplier's delivery on one page?"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.social_value import chasing, commitments, contracts, delivery
from portal.social_value.models import ContractNote
from portal.suppliers.models import Supplier
from tenants import tenant_context
from tenants.models import AuditEvent

from .test_pages_journey import CONTRACT


@pytest.fixture
def council(partners):
    return partners[0]


@pytest.fixture
def officer(council, make_user):
    return make_user(council, "officer", email="officer@council.org", name="Olu Officer")


def test_does_a_note_record_who_wrote_it_and_when_and_go_in_the_audit_log(council, officer, make_contract, sign_in):
    contract_id = make_contract(council, reference="N-1")
    client = sign_in(officer)
    response = client.post(f"/social-value/contracts/{contract_id}/notes", data={"text": "Agreed an action plan: 2 apprentices by May"})
    assert response.status_code == 302
    with tenant_context(council.id):
        [note] = db.session.scalars(select(ContractNote)).all()
        assert (note.contract_id, note.written_by_id, note.text) == (contract_id, officer.id, "Agreed an action plan: 2 apprentices by May")
        assert note.written_at is not None
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "social_value.contract_note_added")).all()
        assert event.user_id == officer.id and event.detail["note_id"] == note.id
    page = client.get(f"/social-value/contracts/{contract_id}").get_data(as_text=True)
    assert "Agreed an action plan: 2 apprentices by May" in page and "Olu Officer" in page


def test_is_an_empty_note_refused_and_a_viewer_cannot_write_one(council, officer, make_user, make_contract, sign_in):
    contract_id = make_contract(council)
    empty = sign_in(officer).post(f"/social-value/contracts/{contract_id}/notes", data={"text": "   "})
    assert empty.status_code == 400 and "Enter the note" in empty.get_data(as_text=True)
    viewer = sign_in(make_user(council, "viewer"))
    assert viewer.post(f"/social-value/contracts/{contract_id}/notes", data={"text": "hello"}).status_code == 403
    with tenant_context(council.id):
        assert db.session.scalars(select(ContractNote)).all() == []


def test_does_the_contract_form_set_up_chasing(council, officer, sign_in):
    client = sign_in(officer)
    response = client.post("/social-value/contracts/new", data={
        **CONTRACT, "reporting_frequency": "half_yearly", "supplier_contact_email": "sv@acme.example",
        "contract_manager_id": str(officer.id)})
    assert response.status_code == 302, response.get_data(as_text=True)
    with tenant_context(council.id):
        contract = contracts.contract_by_reference(db.session, CONTRACT["reference"])
        assert (contract.reporting_frequency, contract.supplier_contact_email, contract.contract_manager_id) == (
            "half_yearly", "sv@acme.example", officer.id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Half-yearly, emailed to sv@acme.example" in page and "Olu Officer" in page
    form = client.get(f"/social-value/contracts/{contract.id}/edit").get_data(as_text=True)
    assert 'value="sv@acme.example"' in form


def test_does_the_contract_page_show_the_returns_chased(council, make_contract, measure, sign_in, officer):
    contract_id = make_contract(council, reference="Q-1", reporting_frequency="quarterly", supplier_contact_email="q@x.example")
    chasing.chase_partner(db.session, council.id, date(2024, 7, 1))
    db.session.commit()
    page = sign_in(officer).get(f"/social-value/contracts/{contract_id}").get_data(as_text=True)
    assert "Returns chased" in page and "1 April 2024 to 30 June 2024" in page and "missing" in page


def test_is_a_suppliers_delivery_across_the_partners_contracts_one_page(
    council, partners, make_contract, make_user, measure, sign_in, officer, sv_network,
):
    from portal.formatting import pounds

    verifier = make_user(council, "officer")
    supplier = Supplier(network_id=sv_network.id, name="Acme Facilities Ltd", normalised_name="acme facilities")
    other = Supplier(network_id=sv_network.id, name="Other Ltd", normalised_name="other")
    db.session.add_all([supplier, other])
    db.session.commit()
    ids = {}
    for reference, who in (("FAC-1", supplier), ("FAC-2", supplier), ("OTH-1", other)):
        ids[reference] = make_contract(council, reference=reference)
        with tenant_context(council.id):
            contract = contracts.get_contract(db.session, ids[reference])
            contract.supplier_id = who.id
            commitment = commitments.record_commitment(db.session, contract, measure("DEMO-02"),
                                                       committed_on=date(2024, 4, 1), quantity=10)
            report = delivery.record_delivery(db.session, commitment, period_start=date(2024, 4, 1),
                                              period_end=date(2024, 6, 30), quantity=4)
            if reference == "FAC-2":
                delivery.verify_delivery(db.session, report, verifier)
                verified_pence = report.current_value_pence
            db.session.commit()
    make_contract(partners[1], reference="POLICE-FAC")  # another partner's contract: never on this page
    response = sign_in(officer).get(f"/social-value/suppliers/{supplier.id}/delivery")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "FAC-1" in page and "FAC-2" in page and "OTH-1" not in page and "POLICE-FAC" not in page
    assert page.count("1 April 2024 to 30 June 2024") == 2
    assert f"delivered and verified {pounds(verified_pence)}" in page and f"delivered and verified {pounds(0)}" in page


def test_is_a_supplier_the_partner_has_no_dealings_with_not_found(council, officer, sign_in, sv_network):
    stranger = Supplier(network_id=sv_network.id, name="Stranger Ltd", normalised_name="stranger")
    db.session.add(stranger)
    db.session.commit()
    assert sign_in(officer).get(f"/social-value/suppliers/{stranger.id}/delivery").status_code == 404
    assert sign_in(officer).get("/social-value/suppliers/999999/delivery").status_code == 404


@pytest.mark.parametrize(("days", "status"), [("0", 400), ("366", 400), ("soon", 400), ("30", 302)])
def test_does_the_lead_set_the_days_before_the_manager_is_told(sv_network, partners, make_user, sign_in, days, status):
    from tenants.models import Network

    lead = make_user(partners[0], "admin", lead_of=sv_network)  # a lead's changes go in its own partner's audit log
    client = sign_in(lead)
    url = f"/network/{sv_network.id}/social-value/chasing"
    assert 'value="14"' in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"days": days})
    assert response.status_code == status
    db.session.expire_all()
    assert db.session.get(Network, sv_network.id).chase_manager_after_days == (30 if status == 302 else 14)
