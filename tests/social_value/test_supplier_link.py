"""Can a supplier report through its link for its own contract only, and not after it expires?"""
from __future__ import annotations

import time
from datetime import date

import pytest

from portal.accounts.tokens import LinkProblem
from portal.extensions import db
from portal.social_value import commitments, contracts, delivery, supplier_link
from tenants import tenant_context


@pytest.fixture
def two_contracts(partners, make_contract, measure):
    """(council contract id, its commitment id, police contract id, its commitment id, a council link)."""
    council, police = partners
    out = []
    for partner in (council, police):
        contract_id = make_contract(partner)
        with tenant_context(partner.id):
            contract = contracts.get_contract(db.session, contract_id)
            c = commitments.record_commitment(db.session, contract, measure("DEMO-02"), committed_on=date(2024, 4, 1), quantity=52)
            db.session.commit()
            out += [contract_id, c.id]
    with tenant_context(council.id):
        token = supplier_link.make_supplier_link_token(contracts.get_contract(db.session, out[0]))
    return (*out, token)


def submit(token, commitment_id, **kwargs):
    return supplier_link.submit_supplier_delivery(
        db.session, token, commitment_id, period_start=date(2024, 4, 1), period_end=date(2024, 6, 30), quantity=4, **kwargs)


def test_the_link_records_a_report_for_its_contract_in_its_partners_tenant(partners, two_contracts, app_ctx):
    council, _ = partners
    _, council_commitment, _, _, token = two_contracts
    report_id = submit(token, council_commitment)
    db.session.commit()
    with tenant_context(council.id):
        report = delivery.get_report(db.session, report_id)
        assert (report.reported_via, report.reported_by_id, report.status) == ("supplier_link", None, "reported")


def test_the_link_cannot_reach_another_partners_commitment_or_another_contract(partners, two_contracts, make_contract, measure, app_ctx):
    council, _police = partners
    _, _, _, police_commitment, token = two_contracts
    with pytest.raises(LinkProblem, match="not part of the contract"):
        submit(token, police_commitment)
    other = make_contract(council)
    with tenant_context(council.id):
        c = commitments.record_commitment(db.session, contracts.get_contract(db.session, other), measure("DEMO-01"),
                                          committed_on=date(2024, 4, 1), quantity=1)
        db.session.commit()
        other_commitment = c.id
    with pytest.raises(LinkProblem, match="not part of the contract"):
        submit(token, other_commitment)


def test_a_forged_link_naming_another_partners_contract_is_refused(partners, two_contracts, app_ctx):
    _, council_commitment, police_contract, police_commitment, token = two_contracts
    council, _ = partners
    # Correctly signed, but the council's organisation with the police's contract: not found in that tenant.
    from flask import current_app
    from itsdangerous import URLSafeTimedSerializer

    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="anchor-portal:supplier-delivery")
    forged = serializer.dumps({"o": council.id, "c": police_contract, "v": 1})
    with pytest.raises(LinkProblem, match="no longer valid"):
        submit(forged, police_commitment)
    with pytest.raises(LinkProblem, match="not valid"):
        submit(token[:-3] + "abc", council_commitment)


def test_the_link_expires_and_can_be_revoked(partners, two_contracts, app_ctx):
    council, _ = partners
    council_contract, council_commitment, _, _, token = two_contracts
    time.sleep(1.1)
    with pytest.raises(LinkProblem, match="expired"):
        submit(token, council_commitment, max_age_seconds=0)
    with tenant_context(council.id):
        supplier_link.revoke_supplier_links(db.session, contracts.get_contract(db.session, council_contract))
        db.session.commit()
    with pytest.raises(LinkProblem, match="no longer valid"):
        submit(token, council_commitment)
