"""Can award notices from Contracts Finder or Find a Tender (OCDS release packages) become contracts?"""
from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from portal.contract_registers.models import ContractRegisterProblem
from portal.extensions import db
from portal.social_value.models import Contract
from portal.suppliers.models import Supplier
from tenants import tenant_context

from .conftest import DATA

AWARDS = DATA / "contracts-finder-awards.json"


def held(partner):
    with tenant_context(partner.id):
        return {c.reference: c for c in db.session.scalars(select(Contract))}


def test_each_award_becomes_a_contract(council, register):
    result = register(council, AWARDS)
    assert (result.kind, result.status, result.added_count) == ("ocds", "imported", 3)
    contracts = held(council)
    dive = contracts["S1417-A1"]
    assert dive.ocid == "ocds-b5fd17-0a1b2c3d-4e5f-6789-abcd-ef0123456789"
    assert (dive.title, dive.value_pence, dive.start_date, dive.end_date) == (
        "Underwater dive surveys for principal inspections", 501_520, date(2022, 3, 7), date(2022, 3, 31))
    assert (dive.supplier_name_as_given, dive.supplier_company_number, dive.supplier_postcode, dive.is_sme) == (
        "Underwater Diving Services Ltd", "02535986", "LA14 2TB", True)
    assert (dive.category, dive.purchasing_body) == ("71351810", "Salford City Council")
    lot1, lot2 = contracts["S1001-LOT1"], contracts["S1001-LOT2"]
    assert (lot1.value_pence, lot1.supplier_company_number, lot1.supplier_postcode, lot1.is_sme) == (
        9_160_000, "08229264", "BN43 5FG", False)
    assert (lot2.value_pence, lot2.supplier_company_number) == (4_825_050, "01631595"), "GB-COH among additional identifiers"
    assert lot2.category == "90731000", "the first item's classification when the tender has none"


def test_the_same_package_again_changes_nothing(council, register):
    register(council, AWARDS)
    again = register(council, AWARDS)
    assert (again.status, again.unchanged_count, again.differs) == ("imported", 3, False)
    assert len(held(council)) == 3


def test_a_republished_award_with_a_new_value_is_a_change(council, register, tmp_path):
    register(council, AWARDS)
    package = json.loads(AWARDS.read_text())
    package["releases"][1]["awards"][0]["value"]["amount"] = 95000
    changed = tmp_path / "awards-august.json"
    changed.write_text(json.dumps(package))
    result = register(council, changed, apply=False)
    assert (result.unchanged_count, result.changed_count, result.added_count, result.removed_count) == (2, 1, 0, 0)


def test_suppliers_are_found_by_their_companies_house_identifier(council, register):
    supplier = Supplier(network_id=council.network_id, name="RICARDO-AEA LIMITED", normalised_name="ricardo aea",
                        company_number="08229264")
    db.session.add(supplier)
    db.session.commit()
    register(council, AWARDS)
    assert held(council)["S1001-LOT1"].supplier_id == supplier.id


def test_bad_releases_are_reported_by_their_place_and_nothing_is_imported(council, register):
    result = register(council, DATA / "bad-awards.json")
    assert (result.status, result.error_count) == ("rejected", 3)
    with tenant_context(council.id):
        errors = db.session.execute(select(ContractRegisterProblem.line_number, ContractRegisterProblem.reason)
                                    .where(ContractRegisterProblem.import_id == result.id)
                                    .order_by(ContractRegisterProblem.line_number)).all()
    assert [n for n, _ in errors] == [1, 2, 3]
    assert "EUR" in errors[0][1] and "no ocid" in errors[1][1] and "no award" in errors[2][1]
    assert held(council) == {}
