"""Can the lead settle the matches the registers could not, one supplier at a time, through the pages?"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.registers.matching import match_suppliers
from portal.suppliers.models import Supplier, SupplierRegisterCandidate
from tenants import tenant_context
from tenants.models import AuditEvent, Network
from tests.network.conftest import import_rows


@pytest.fixture
def review_world(make_network, make_partner, make_user, registers, sign_in):
    network = make_network("Calder Anchors")
    council = make_partner("Calder Council", network)
    police = make_partner("Calder Police", network)
    council.shares_lines_with_lead = True
    db.session.commit()
    lead = make_user(council, "officer", email="lead@calder.org", lead_of=network)
    # Pennine comes first (the older supplier), Twin has more spend.
    import_rows(council, [
        ["03/04/2024", "C-3", "Pennine Roofing and Guttering", "", "10.00", "Works", ""],
        ["01/04/2024", "C-1", "Twin", "", "100.00", "Works", ""],
        ["02/04/2024", "C-2", "Twin", "", "50.00", "Works", ""],
    ])
    import_rows(police, [["04/04/2024", "P-1", "TWIN", "", "25.00", "Works", ""]])
    registers.company("00000010", "TWIN LIMITED", postcode="S60 1AA", address="1 Mill Lane, Rotherham")
    registers.company("00000011", "TWIN PLC", postcode="LS1 1AA", status="Active - Proposal to Strike off",
                      address="2 Park Row, Leeds")
    registers.company("00000031", "PENNINE ROOFING AND GUTTERING SERVICES LIMITED", postcode="HX1 1AA",
                      address="3 Calder Street, Halifax")
    match_suppliers(db.session, db.session.get(Network, network.id))
    db.session.commit()
    twin = db.session.scalar(select(Supplier).where(Supplier.normalised_name == "twin"))
    pennine = db.session.scalar(select(Supplier).where(Supplier.normalised_name == "pennine roofing and guttering"))
    assert pennine.id < twin.id
    return network, council, lead, twin, pennine, sign_in(lead)


def _url(network):
    return f"/network/{network.id}/suppliers/register-matches"


def _candidate_id(supplier, number):
    return db.session.scalar(select(SupplierRegisterCandidate.id).where(
        SupplierRegisterCandidate.supplier_id == supplier.id, SupplierRegisterCandidate.number == number))


def test_the_supplier_with_most_spend_comes_first_with_its_spend_and_candidates(review_world):
    network, _, _, _twin, _, client = review_world
    page = client.get(_url(network)).get_data(as_text=True)
    assert "2 suppliers to review." in page
    assert 'data-testid="supplier-name">Twin<' in page
    # £175 across both partners; the council shares its lines and is named, the police only its totals.
    assert "£175 in 3 lines from 2 partners" in page
    assert "Calder Council" in page and "£150" in page and "Calder Police" not in page
    assert "1 partner who share only their totals" in page
    for text in ("TWIN LIMITED", "Companies House 00000010", "1 Mill Lane, Rotherham", "S60 1AA", "Active",
                 "TWIN PLC", "2 Park Row, Leeds", "Active - Proposal to Strike off", "None of these"):
        assert text in page, text
    assert 'type="radio"' in page and "<script" not in page.split("</main>")[0].split("<main")[1]


def test_the_supplier_register_links_to_the_review(review_world):
    network, _, _, _, _, client = review_world
    page = client.get(f"/network/{network.id}/suppliers").get_data(as_text=True)
    assert f'href="{_url(network)}"' in page


def test_accepting_a_candidate_matches_the_supplier_and_moves_on(review_world):
    network, council, lead, twin, _pennine, client = review_world
    chosen = _candidate_id(twin, "00000011")
    response = client.post(_url(network), data={"supplier_id": twin.id, "choice": str(chosen)})
    assert response.status_code == 302

    db.session.expire_all()
    twin = db.session.get(Supplier, twin.id)
    assert (twin.company_number, twin.postcode, twin.place_source, twin.match_method, twin.match_confidence, twin.placed_by_id) == (
        "00000011", "LS1 1AA", "companies", "name", 100, lead.id)
    statuses = dict(db.session.execute(select(SupplierRegisterCandidate.number, SupplierRegisterCandidate.status)
                                       .where(SupplierRegisterCandidate.supplier_id == twin.id)).all())
    assert statuses == {"00000011": "accepted", "00000010": "refused"}
    with tenant_context(council.id):
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "supplier.register_match_accepted"))
    assert event.detail["number"] == "00000011" and event.user_id == lead.id

    page = client.get(_url(network)).get_data(as_text=True)
    assert "1 supplier to review." in page and "Pennine Roofing and Guttering" in page and "% alike" in page
    # Matching again leaves the lead's choice as it is.
    report = match_suppliers(db.session, db.session.get(Network, network.id))
    db.session.commit()
    assert twin.id not in report.changed_ids and db.session.get(Supplier, twin.id).company_number == "00000011"


def test_none_of_these_refuses_every_candidate_for_good(review_world):
    network, _, _, twin, pennine, client = review_world
    client.post(_url(network), data={"supplier_id": twin.id, "choice": str(_candidate_id(twin, "00000010"))})
    response = client.post(_url(network), data={"supplier_id": pennine.id, "choice": "none"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Supplier, pennine.id).company_number is None
    assert set(db.session.scalars(select(SupplierRegisterCandidate.status)
                                  .where(SupplierRegisterCandidate.supplier_id == pennine.id))) == {"refused"}
    report = match_suppliers(db.session, db.session.get(Network, network.id))
    db.session.commit()
    assert pennine.id not in report.to_review
    page = client.get(_url(network)).get_data(as_text=True)
    assert "0 suppliers to review." in page and "Nothing to review" in page


def test_saving_without_a_choice_asks_for_one(review_world):
    network, _, _, twin, _, client = review_world
    response = client.post(_url(network), data={"supplier_id": twin.id})
    assert response.status_code == 400
    assert "Choose the register entry that is this supplier, or none of these" in response.get_data(as_text=True)
    assert db.session.scalar(select(SupplierRegisterCandidate.status).where(SupplierRegisterCandidate.status != "pending")) is None


def test_a_choice_that_is_not_one_of_the_suppliers_candidates_is_refused(review_world):
    network, _, _, twin, pennine, client = review_world
    other = _candidate_id(pennine, "00000031")
    response = client.post(_url(network), data={"supplier_id": twin.id, "choice": str(other)})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Supplier, twin.id).company_number is None


def test_a_dissolved_candidate_shows_its_status(make_network, make_partner, make_user, registers, make_supplier, sign_in):
    network = make_network()
    partner = make_partner("Council", network)
    lead = make_user(partner, "officer", lead_of=network)
    registers.company("00000023", "TWICE GONE LIMITED", status="Dissolved", address="9 Old Road, Hull")
    registers.company("00000024", "TWICE GONE PLC", status="Dissolved", address="8 New Road, York")
    make_supplier(network, "Twice Gone")
    match_suppliers(db.session, db.session.get(Network, network.id))
    db.session.commit()
    page = sign_in(lead).get(_url(network)).get_data(as_text=True)
    assert page.count("Dissolved") == 2 and "9 Old Road, Hull" in page and "£0 in 0 lines from 0 partners" in page
