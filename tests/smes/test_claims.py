"""Is a business linked to the supplier register only once the network lead confirms its claim?

No supplier row holds an email domain, so the lead's confirmation is the only proof
(portal/smes/claims.py). Until then the business learns nothing of the register.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.smes.models import SmeProfile
from portal.smes.services import link_businesses_to_suppliers
from tenants import business_context, tenant_context
from tenants.models import AuditEvent
from tests.test_accounts import page

from .test_profile import FORM
from .test_supplier_link import _no_matching_worker, supplier  # noqa: F401 (a fixture)


@pytest.fixture
def network(make_network):
    return make_network("Rotherham", local_area=("S60", "S61"))


@pytest.fixture
def council(network, make_partner):
    return make_partner("Rotherham Council", network)


@pytest.fixture
def lead(council, network, make_user):
    return make_user(council, "officer", email="lead@council.example", lead_of=network)


def profile_of(business) -> SmeProfile:
    db.session.expire_all()
    with business_context(business.id):
        return db.session.scalar(select(SmeProfile))


def claim(network, make_business, sign_in, **form):
    firm = make_business("Roofing", network)
    entry = supplier(network, "R V ROOFING LTD", company_number="IP29627R", postcode="S61 2BB")
    sign_in(firm.owner).post("/profile/edit", data={**FORM, **form})
    return firm, entry


def decide(client, network, business, decision):
    return client.post(f"/network/{network.id}/business-claims/{business.id}", data={"decision": decision})


def test_the_lead_confirms_a_claim_and_only_then_is_the_business_told_and_linked(network, council, lead,
                                                                                 make_business, sign_in):
    firm, entry = claim(network, make_business, sign_in)
    assert "R V ROOFING LTD" not in page(sign_in(firm.owner).get("/profile"))
    as_lead = sign_in(lead)
    listed = page(as_lead.get(f"/network/{network.id}/business-claims"))
    assert "Roofing" in listed and "R V ROOFING LTD" in listed and "IP29627R" in listed
    response = decide(as_lead, network, firm, "confirm")
    assert response.status_code == 302
    profile = profile_of(firm)
    assert (profile.supplier_id, profile.claim_status) == (entry.id, "confirmed")
    shown = page(sign_in(firm.owner).get("/profile"))
    assert "supplier register" in shown and "R V ROOFING LTD" in shown
    assert "No claims are waiting" in page(as_lead.get(f"/network/{network.id}/business-claims"))
    with tenant_context(council.id):
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sme_claim.confirmed"))
    assert event.user_id == lead.id and event.detail["business_id"] == firm.id and event.detail["supplier_id"] == entry.id


def test_a_rejected_claim_links_nothing_and_is_not_raised_again(network, council, lead, make_business, sign_in):
    firm, _ = claim(network, make_business, sign_in)
    assert decide(sign_in(lead), network, firm, "reject").status_code == 302
    assert (profile_of(firm).supplier_id, profile_of(firm).claim_status) == (None, "rejected")
    assert link_businesses_to_suppliers(db.session, network.id) == []
    sign_in(firm.owner).post("/profile/edit", data=FORM)  # the same number again
    assert profile_of(firm).claim_status == "rejected"
    assert "R V ROOFING LTD" not in page(sign_in(firm.owner).get("/profile"))
    with tenant_context(council.id):
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "sme_claim.rejected"))


def test_a_new_company_number_ends_a_confirmed_link_until_the_lead_confirms_again(network, council, lead,
                                                                                  make_business, sign_in):
    firm, _ = claim(network, make_business, sign_in)
    decide(sign_in(lead), network, firm, "confirm")
    other = supplier(network, "ANOTHER ROOFER LTD", company_number="SC123456")
    sign_in(firm.owner).post("/profile/edit", data={**FORM, "company_number": "SC123456"})
    profile = profile_of(firm)
    assert (profile.supplier_id, profile.claimed_supplier_id, profile.claim_status) == (None, other.id, "pending")
    assert "supplier register" not in page(sign_in(firm.owner).get("/profile"))


def test_only_the_networks_own_lead_sees_or_decides_its_claims(network, council, lead, make_business, make_network,
                                                               make_partner, make_user, sign_in):
    firm, _ = claim(network, make_business, sign_in)
    elsewhere = make_network("Elsewhere")
    other_lead = make_user(make_partner("Far Council", elsewhere), "admin", lead_of=elsewhere)
    admin = make_user(council, "admin")  # a partner admin of the same network, not its lead
    for client in (sign_in(other_lead), sign_in(admin), sign_in(firm.owner)):
        assert client.get(f"/network/{network.id}/business-claims").status_code in (403, 404)
        assert decide(client, network, firm, "confirm").status_code in (403, 404)
    # The other network's lead, through their own network's address, reaches no business of this one.
    assert decide(sign_in(other_lead), elsewhere, firm, "confirm").status_code == 404
    assert "Roofing" not in page(sign_in(other_lead).get(f"/network/{elsewhere.id}/business-claims"))
    assert (profile_of(firm).supplier_id, profile_of(firm).claim_status) == (None, "pending")


def test_a_decision_needs_confirm_or_reject_and_a_pending_claim(network, council, lead, make_business, sign_in):
    firm, _ = claim(network, make_business, sign_in)
    nobody = make_business("No Claim Ltd", network)
    as_lead = sign_in(lead)
    assert decide(as_lead, network, firm, "maybe").status_code == 400
    assert decide(as_lead, network, nobody, "confirm").status_code == 404
    assert profile_of(firm).claim_status == "pending"
