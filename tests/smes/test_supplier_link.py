"""Does a registered business claim its place in the supplier register when it is (or becomes) a supplier?

A claim is all it gets: the lead proves it (tests/smes/test_claims.py).
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.smes.models import SmeProfile
from portal.smes.services import link_businesses_to_suppliers
from portal.spend.normalise import normalise_supplier_name
from portal.suppliers.models import Supplier, SupplierAlias
from tenants import business_context
from tests.test_accounts import page

from .test_profile import FORM


@pytest.fixture
def network(make_network):
    return make_network("Rotherham", local_area=("S60", "S61"))


def supplier(network, name, **fields) -> Supplier:
    row = Supplier(network_id=network.id, name=name, normalised_name=normalise_supplier_name(name), **fields)
    db.session.add(row)
    db.session.commit()
    return row


def claimed(business) -> int | None:
    """The register entry the business claims, while the claim waits for the lead (never linked yet)."""
    db.session.expire_all()
    with business_context(business.id):
        profile = db.session.scalar(select(SmeProfile))
        assert profile.supplier_id is None, "linked without the lead's confirmation"
        return profile.claimed_supplier_id if profile.claim_status == "pending" else None


@pytest.fixture(autouse=True)
def _no_matching_worker(monkeypatch):
    from portal.matching.tasks import rematch_business

    monkeypatch.setattr(rematch_business, "apply_async", lambda *a, **k: None)


def test_a_company_number_is_only_a_claim_and_the_business_is_told_nothing_of_the_register(network, make_business,
                                                                                          sign_in):
    firm = make_business("Roofing", network)
    entry = supplier(network, "R V ROOFING LTD", company_number="IP29627R")
    client = sign_in(firm.owner)
    response = client.post("/profile/edit", data=FORM, follow_redirects=True)
    assert claimed(firm) == entry.id
    for shown in (page(response), page(client.get("/profile"))):
        assert "supplier register" not in shown and "R V ROOFING LTD" not in shown


def test_a_charity_number_claims_the_entry(network, make_business, sign_in):
    firm = make_business("Helping Hands", network)
    entry = supplier(network, "Helping Hands Trust", charity_number="1123456")
    sign_in(firm.owner).post("/profile/edit", data={**FORM, "company_number": "", "charity_number": "1123456"})
    assert claimed(firm) == entry.id


def test_the_name_and_postcode_claim_it_and_so_does_a_partners_spelling(network, make_business, sign_in):
    firm = make_business("Rother Valley Roofing", network)
    other = supplier(network, "Rother Valley Roofing Limited", postcode="S60 1AA")
    sign_in(firm.owner).post("/profile/edit", data={**FORM, "company_number": "", "postcode": "S60 1AA"})
    assert claimed(firm) == other.id
    # A spelling partners have used, at the business's postcode, counts too.
    spelled = supplier(network, "RVR Contracting")
    db.session.add(SupplierAlias(network_id=network.id, supplier_id=spelled.id, name_as_given="Rother Valley Roofing",
                                 normalised_name="rother valley roofing", postcode="S61 2BB"))
    db.session.commit()
    sign_in(firm.owner).post("/profile/edit", data={**FORM, "company_number": ""})
    assert claimed(firm) == spelled.id


def test_the_same_name_elsewhere_or_in_another_network_is_not_claimed(network, make_business, make_network, sign_in):
    firm = make_business("Rother Valley Roofing", network)
    supplier(network, "Rother Valley Roofing", postcode="LS1 4AP")
    supplier(make_network("Elsewhere"), "Rother Valley Roofing", postcode="S61 2BB", company_number="IP29627R")
    sign_in(firm.owner).post("/profile/edit", data=FORM)
    assert claimed(firm) is None
    assert "supplier register" not in page(sign_in(firm.owner).get("/profile"))


def test_a_registration_whose_name_and_postcode_are_in_the_register_claims_it(network, register_in):
    entry = supplier(network, "Rother Valley Roofing Ltd", postcode="S60 1AE")
    register_in(network)
    (profile_business,) = [b for b in _businesses()]
    assert claimed(profile_business) == entry.id


def test_nightly_linking_opens_claims_for_businesses_an_import_has_made_suppliers(network, make_business, make_network):
    by_number = make_business("Roofing", network, company_number="SC123456")
    by_name = make_business("Green Gardens", network, postcode="S61 9ZZ")
    unmatched = make_business("Nobody Pays Us", network)
    elsewhere = make_business("Far Away", make_network("Elsewhere"), company_number="SC654321")
    first = supplier(network, "Roofing Scotland", company_number="SC123456")
    supplier(network, "Roofing Scotland (duplicate)", company_number="SC123456")  # the oldest wins
    gardens = supplier(network, "GREEN GARDENS LTD", postcode="S61 9ZZ")
    supplier(make_network("Third"), "Far Away", company_number="SC654321")

    assert sorted(link_businesses_to_suppliers(db.session, network.id)) == sorted([by_number.id, by_name.id])
    db.session.commit()
    assert (claimed(by_number), claimed(by_name), claimed(unmatched), claimed(elsewhere)) == (first.id, gardens.id, None, None)
    # Run again: nothing new to claim.
    assert link_businesses_to_suppliers(db.session, network.id) == []


def test_the_nightly_task_is_in_the_schedule():
    from workers.schedule import PERIODIC_JOBS

    assert PERIODIC_JOBS["link-businesses-to-suppliers"]["task"] == "portal.smes.tasks.link_all_businesses_to_suppliers"


def test_the_task_opens_a_networks_claims(network, make_business):
    from portal.smes.tasks import link_network_businesses

    firm = make_business("Roofing", network, company_number="SC123456")
    entry = supplier(network, "Roofing Scotland", company_number="SC123456")
    assert link_network_businesses.run(network.id) == 1
    assert claimed(firm) == entry.id


def _businesses():
    from tenants.businesses import Business

    return db.session.scalars(select(Business)).all()


@pytest.fixture
def register_in(app, sign_in):
    from .conftest import registration

    def post(network):
        return app.test_client().post(f"/networks/{network.slug}/register", data=registration())

    return post


def test_a_spend_import_that_adds_the_business_as_a_supplier_opens_its_claim(network, make_business, make_partner, make_user, monkeypatch):
    import io

    from portal.smes.tasks import link_network_businesses
    from portal.spend import importing
    from portal.spend.tasks import import_spend_file
    from tenants import tenant_context

    firm = make_business("Green Gardens", network, postcode="S61 9ZZ")
    council = make_partner("Council", network)
    officer = make_user(council, "officer")
    queued = []
    monkeypatch.setattr(link_network_businesses, "apply_async", lambda args=(), kwargs=None, **_: queued.append(args))
    lines = b"Date,Transaction Number,Supplier Name,Supplier Postcode,Net Amount\n01/04/2024,T-1,GREEN GARDENS LTD,s61 9zz,120.00\n"
    with tenant_context(council.id):
        spend_import = importing.store_upload(db.session, council, officer, "spend.csv", io.BytesIO(lines))
        spend_import.column_mapping = dict(importing.proposed_mapping(db.session, spend_import)[1])
        spend_import.import_good_lines = True
        db.session.commit()
        import_id = spend_import.id
    assert import_spend_file.run(council.id, import_id)["imported"] == 1
    assert queued == [(network.id,)]
    assert link_network_businesses.run(network.id) == 1
    assert db.session.get(Supplier, claimed(firm)).name == "GREEN GARDENS LTD"
