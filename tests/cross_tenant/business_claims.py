"""Claims to the supplier register: only the network's own lead lists or decides them."""
from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.smes.claims import PENDING
from portal.smes.models import SmeProfile
from portal.suppliers.models import Supplier
from tenants import business_context
from tenants.businesses import Business

from .world import World

CLAIMANT = "Claimant Roofing of the shared network"


def _claim(w: World) -> int:
    supplier = Supplier(network_id=w.network.id, name="Register Entry Ltd", normalised_name="register entry",
                        company_number="07777777")
    business = Business(network_id=w.network.id, name=CLAIMANT)
    db.session.add_all([supplier, business])
    db.session.commit()
    with business_context(business.id):
        db.session.add(SmeProfile(postcode="S60 1AA", postcode_district="S60", size_band="small", company_number="07777777",
                                  claimed_supplier_id=supplier.id, claim_status=PENDING))
        db.session.commit()
    return business.id


def _state(business_id: int):
    db.session.expire_all()
    with business_context(business_id):
        profile = db.session.scalar(select(SmeProfile))
        return profile.supplier_id, profile.claimed_supplier_id, profile.claim_status


def probe_business_claims(w: World):
    business_id = _claim(w)
    for user in (w.other_lead, w.a_admin, w.b_admin):
        response = w.sign_in(user).get(f"/network/{w.network.id}/business-claims")
        assert response.status_code == 404 and CLAIMANT.encode() not in response.data
    own = w.sign_in(w.other_lead).get(f"/network/{w.other_network.id}/business-claims")
    assert own.status_code == 200 and CLAIMANT.encode() not in own.data
    assert CLAIMANT.encode() in w.sign_in(w.lead).get(f"/network/{w.network.id}/business-claims").data
    assert _state(business_id)[2] == PENDING


def probe_decide_claim(w: World):
    business_id = _claim(w)
    before = _state(business_id)
    for user, network_id in ((w.other_lead, w.network.id), (w.other_lead, w.other_network.id), (w.a_admin, w.network.id)):
        response = w.sign_in(user).post(f"/network/{network_id}/business-claims/{business_id}", data={"decision": "confirm"})
        assert response.status_code == 404
    assert _state(business_id) == before


PROBES = {
    "network.business_claims": probe_business_claims,
    "network.decide_claim": probe_decide_claim,
}
