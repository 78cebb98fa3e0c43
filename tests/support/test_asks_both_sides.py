"""Asks from both sides: a VCSE posts its own ask, a partner publishes it, a supplier offers, an accepted offer is a commitment."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.extensions import db
from portal.matching.models import AskOffer
from portal.opportunities.models import SocialValueAsk
from portal.smes.models import SmeProfile
from portal.social_value import totals
from portal.social_value.models import Commitment, Contract
from portal.suppliers.models import Supplier
from portal.support.models import BusinessAsk
from tenants import business_context, network_wide, tenant_context


def _supplier_business(network, make_business, name="Roofing Ltd"):
    supplier = Supplier(network_id=network.id, name=name, normalised_name=name.lower())
    db.session.add(supplier)
    db.session.commit()
    business = make_business(name, network, postcode="S60 2BB")
    with business_context(business.id):
        profile = db.session.scalar(select(SmeProfile))
        profile.supplier_id, profile.claimed_supplier_id, profile.claim_status = supplier.id, supplier.id, "confirmed"
        db.session.commit()
    return business, supplier


def _contract(partner, supplier_id, title):
    """A contract with the supplier as a contracts register would load it (the form takes only suppliers paid already)."""
    with tenant_context(partner.id):
        contract = Contract(reference=f"R-{title}", title=title, supplier_id=supplier_id, start_date=date(2024, 4, 1),
                            end_date=date(2027, 3, 31))
        db.session.add(contract)
        db.session.commit()
        return contract.id


def _committed(network, partner_ids):
    with network_wide(partner_ids, "test: the network's committed total"):
        return totals.grand_total(totals.committed(db.session, network, partner_ids))


def test_a_vcse_ask_fulfilled_by_a_suppliers_offer_becomes_one_commitment(
        sv_network, partners, measure, make_business, make_user, sign_in):
    """Does an accepted offer create exactly one commitment, counted in the totals like any other?"""
    council, police = partners
    vcse = make_business("Rotherham Youth Centre", sv_network, charity=True, organisation_type="charity")
    supplier_business, supplier = _supplier_business(sv_network, make_business)
    contract_id = _contract(council, supplier.id, "Roof repairs")
    other_contract = _contract(police, supplier.id, "Police roofs")

    vcse_client = sign_in(vcse.owner)
    response = vcse_client.post("/your-asks/new", data={
        "partner_id": str(council.id), "kind": "mentoring", "title": "Mentoring for our treasurer",
        "description": "Two hours a month", "postcode_district": "s60"})
    assert response.status_code == 302
    assert "Waiting for the partner" in vcse_client.get("/your-asks").get_data(as_text=True)
    # Nobody else reads it: not the police, not the public list, until the council publishes it.
    with tenant_context(police.id):
        assert db.session.scalars(select(BusinessAsk)).all() == []
    assert "Mentoring for our treasurer" not in sign_in(supplier_business.owner).get("/social-value-asks/near-you").get_data(as_text=True)

    officer = sign_in(make_user(council, "officer"))
    with tenant_context(council.id):
        business_ask_id = db.session.scalar(select(BusinessAsk.id))
    assert "Mentoring for our treasurer" in officer.get("/partner/vcse-asks").get_data(as_text=True)
    assert officer.post(f"/partner/vcse-asks/{business_ask_id}", data={"decision": "publish"}).status_code == 302
    with tenant_context(council.id):
        ask = db.session.scalar(select(SocialValueAsk))
        assert (ask.title, ask.beneficiary, ask.status, ask.postcode_district) == (
            "Mentoring for our treasurer", "Rotherham Youth Centre", "open", "S60")
        ask_id = ask.id

    supplier_client = sign_in(supplier_business.owner)
    near = supplier_client.get("/social-value-asks/near-you").get_data(as_text=True)
    assert "Mentoring for our treasurer" in near and "(your district)" in near
    assert supplier_client.post(f"/social-value-asks/{ask_id}/offer", data={"message": "Our finance director will mentor"}).status_code == 302

    before = _committed(sv_network, [council.id, police.id])
    with tenant_context(council.id):
        offer_id = db.session.scalar(select(AskOffer.id))
    page = officer.get(f"/partner/asks/{ask_id}/offers/{offer_id}/accept").get_data(as_text=True)
    assert "Roof repairs" in page and "Police roofs" not in page  # its own contracts with that supplier only
    accept = {"contract_id": str(contract_id), "measure_id": str(measure("DEMO-02").id), "quantity": "24",
              "committed_on": ["1", "6", "2025"]}
    wrong = officer.post(f"/partner/asks/{ask_id}/offers/{offer_id}/accept", data={**accept, "contract_id": str(other_contract)})
    assert wrong.status_code == 400
    assert officer.post(f"/partner/asks/{ask_id}/offers/{offer_id}/accept", data=accept).status_code == 302
    # A second acceptance changes nothing.
    officer.post(f"/partner/asks/{ask_id}/offers/{offer_id}/accept", data=accept)

    with tenant_context(council.id):
        (commitment,) = db.session.scalars(select(Commitment)).all()
        offer = db.session.get(AskOffer, offer_id)
        assert (commitment.contract_id, commitment.measure_id, commitment.quantity) == (contract_id, measure("DEMO-02").id, 24)
        assert offer.commitment_id == commitment.id and offer.accepted_at is not None
        assert db.session.get(SocialValueAsk, ask_id).status == "met"
        value = commitment.committed_value_pence
    after = _committed(sv_network, [council.id, police.id])
    assert (after.count, after.value_pence) == (before.count + 1, before.value_pence + value)
    assert "Met by a supplier" in vcse_client.get("/your-asks").get_data(as_text=True)


def test_only_a_vcse_posts_its_own_ask(sv_network, partners, make_business, sign_in):
    council, _ = partners
    firm = make_business("Plain Ltd", sv_network)
    client = sign_in(firm.owner)
    assert client.get("/your-asks/new").status_code == 403
    assert client.post("/your-asks/new", data={"partner_id": str(council.id), "kind": "mentoring", "title": "X"}).status_code == 403
    with business_context(firm.id):
        assert db.session.scalars(select(BusinessAsk)).all() == []


def test_a_partner_declines_a_vcse_ask_with_a_reason(sv_network, partners, make_business, make_user, sign_in):
    council, _ = partners
    vcse = make_business("Food Bank", sv_network, social_enterprise=True)
    sign_in(vcse.owner).post("/your-asks/new", data={"partner_id": str(council.id), "kind": "donations_in_kind",
                                                     "title": "A van for two days a week"})
    officer = sign_in(make_user(council, "officer"))
    with tenant_context(council.id):
        ask_id = db.session.scalar(select(BusinessAsk.id))
    assert officer.post(f"/partner/vcse-asks/{ask_id}", data={"decision": "decline"}).status_code == 400
    assert officer.post(f"/partner/vcse-asks/{ask_id}", data={"decision": "decline", "note": "Ask the Chamber"}).status_code == 302
    assert "Ask the Chamber" in sign_in(vcse.owner).get("/your-asks").get_data(as_text=True)
    with tenant_context(council.id):
        assert db.session.scalars(select(SocialValueAsk)).all() == []
