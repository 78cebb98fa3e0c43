"""Classing suppliers: size from the accounts, VCSE, public bodies, tax, pensions, individuals; the lead's word stands."""
from __future__ import annotations

import pytest

from portal.extensions import db
from portal.registers.classing import (
    SupplierFacts,
    class_of,
    class_suppliers,
    kind_by_name,
    size_from_accounts,
)
from portal.registers.placing import place_suppliers
from portal.suppliers.models import SUPPLIER_KINDS, Supplier


@pytest.mark.parametrize("category, sme", [
    ("MICRO ENTITY", True), ("SMALL", True), ("MEDIUM", True), ("TOTAL EXEMPTION SMALL", True),
    ("TOTAL EXEMPTION FULL", True), ("UNAUDITED ABRIDGED", True), ("AUDITED ABRIDGED", True),
    ("FULL", False), ("GROUP", False),
    ("DORMANT", None), ("NO ACCOUNTS FILED", None), ("ACCOUNTS TYPE NOT AVAILABLE", None),
    ("AUDIT EXEMPTION SUBSIDIARY", None), ("FILING EXEMPTION SUBSIDIARY", None), ("INITIAL", None), ("", None), (None, None),
])
def test_size_comes_from_the_accounts_category(category, sme):
    assert size_from_accounts(category) is sme


@pytest.mark.parametrize("name, kind", [
    ("Rotherham Metropolitan Borough Council", "public"), ("Calderdale Council", "public"), ("Doncaster MBC", "public"),
    ("London Borough of Camden", "public"), ("Sheffield Teaching Hospitals NHS Foundation Trust", "public"),
    ("NHS South Yorkshire Integrated Care Board", "public"), ("South Yorkshire Police", "public"),
    ("South Yorkshire Fire & Rescue", "public"), ("Department for Education", "public"),
    ("Department for Work and Pensions", "public"), ("The University of Sheffield", "public"),
    ("Sheffield Hallam University", "public"), ("HM Revenue & Customs", "tax"), ("H.M.R.C.", "tax"),
    ("South Yorkshire Pensions Authority", "pension"), ("West Yorkshire Pension Fund", "pension"),
    ("Teachers' Pensions", "pension"),
    # Not on the list: a council for voluntary service is a charity, a firm may have "police" inside its name.
    ("Rotherham Council for Voluntary Service", None), ("Police Uniforms Direct Ltd", None), ("Acme Ltd", None),
])
def test_the_maintained_list_recognises_public_bodies_tax_and_pensions(name, kind):
    assert kind_by_name(name) == kind


@pytest.mark.parametrize("facts, expected", [
    (SupplierFacts("Acme Ltd", company_matched=True, accounts_category="MICRO ENTITY"), ("private", True)),
    (SupplierFacts("Bigco PLC", company_matched=True, company_category="Public Limited Company", accounts_category="GROUP"),
     ("private", False)),
    (SupplierFacts("Quiet Ltd", company_matched=True, accounts_category="DORMANT"), ("private", None)),
    (SupplierFacts("Helping Hands", charity_number="1100001", charity_status="Registered"), ("vcse", None)),
    (SupplierFacts("Gone Charity", charity_number="1100002", charity_status="Removed"), ("unknown", None)),
    (SupplierFacts("Valley Food", mutual_matched=True, mutual_number="IP00001R"), ("vcse", None)),
    (SupplierFacts("Green Futures CIC", company_matched=True, company_category="Community Interest Company",
                   accounts_category="SMALL"), ("vcse", True)),
    (SupplierFacts("Green Futures C.I.C."), ("vcse", None)),
    (SupplierFacts("Town Society", company_matched=True, company_category="Registered Society"), ("vcse", None)),
    (SupplierFacts("Youth Trust", company_matched=True, accounts_category="SMALL",
                   company_category="PRI/LBG/NSC (Private, Limited by guarantee, no share capital, use of 'Limited' exemption)"),
     ("vcse", True)),
    (SupplierFacts("Club", company_matched=True, company_category="PRI/LTD BY GUAR/NSC (Private, limited by guarantee, no share capital)"),
     ("vcse", None)),
    (SupplierFacts("Town College", company_matched=True, company_category="Further Education and Sixth Form College Corps"),
     ("public", False)),
    (SupplierFacts("NHS Property Services Ltd", company_matched=True, accounts_category="FULL"), ("public", False)),
    (SupplierFacts("Redacted"), ("individual", None)),
    # A number no loaded register holds: a company all the same; a society's or a CIO's by its prefix.
    (SupplierFacts("New Firm Ltd", company_number="15000001"), ("private", None)),
    (SupplierFacts("New Society", company_number="IP00123R"), ("vcse", None)),
    (SupplierFacts("New CIO", company_number="CE012345"), ("vcse", None)),
    (SupplierFacts("Mrs J Smith"), ("individual", None)),
    (SupplierFacts("Someone Unknown Trading"), ("unknown", None)),
    # A VCSE flag from the spend file stands when the reference say nothing ...
    (SupplierFacts("Local Group", current_kind="vcse"), ("vcse", None)),
    # ... but a matched private company is private.
    (SupplierFacts("Local Group Ltd", current_kind="vcse", company_matched=True, accounts_category="SMALL"), ("private", True)),
])
def test_each_class_rule(facts, expected):
    kind, is_sme = class_of(facts)
    assert (kind, is_sme) == expected
    assert kind in SUPPLIER_KINDS


def test_the_leads_class_and_size_survive_a_replacement(area_network, reference, make_supplier):
    reference.company("03000001", "Acme Ltd", category="Private Limited Company", accounts="FULL")
    by_lead = make_supplier(area_network, "Acme Ltd", company_number="03000001", kind="sole_trader", kind_by_lead=True,
                            is_sme=True, sme_by_lead=True)
    automatic = make_supplier(area_network, "Acme Ltd", company_number="03000001", kind="sole_trader", is_sme=True)
    changed = place_suppliers(db.session, area_network)
    db.session.expire_all()
    assert automatic.id in changed and by_lead.id not in changed
    assert (db.session.get(Supplier, by_lead.id).kind, db.session.get(Supplier, by_lead.id).is_sme) == ("sole_trader", True)
    assert (db.session.get(Supplier, automatic.id).kind, db.session.get(Supplier, automatic.id).is_sme) == ("private", False)


def test_classing_alone_writes_only_classes(area_network, reference, make_supplier):
    reference.charity("1100009", "Rotherham Carers", postcode="S60 1AA")
    reference.postcodes()
    carers = make_supplier(area_network, "Rotherham Carers", charity_number="1100009")
    council = make_supplier(area_network, "Rotherham Metropolitan Borough Council")
    assert class_suppliers(db.session, area_network) == {carers.id, council.id}
    db.session.expire_all()
    carers, council = db.session.get(Supplier, carers.id), db.session.get(Supplier, council.id)
    assert (carers.kind, carers.locality, carers.postcode) == ("vcse", None, None)
    assert (council.kind, council.is_sme) == ("public", False)
    assert class_suppliers(db.session, area_network) == set()


def test_a_company_only_the_live_lookup_found_is_classed_by_what_it_said(area_network, make_supplier):
    from portal.registers.lookup_models import CompaniesHouseLookup

    found = make_supplier(area_network, "Green Futures", company_number="07000001", postcode="S60 1AA", place_source="api")
    db.session.add(CompaniesHouseLookup(network_id=area_network.id, supplier_id=found.id, outcome="matched",
                                        company_number="07000001", category="Community Interest Company",
                                        accounts_category="MICRO ENTITY"))
    db.session.commit()
    place_suppliers(db.session, area_network)
    db.session.expire_all()
    found = db.session.get(Supplier, found.id)
    assert (found.kind, found.is_sme, found.place_source, found.postcode) == ("vcse", True, "api", "S60 1AA")
