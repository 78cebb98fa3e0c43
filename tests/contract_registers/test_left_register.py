"""Does a contract the latest register no longer lists show as having left it, in the list and on its page?"""
from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.social_value.models import Contract
from tenants import tenant_context

from .test_importing import CARE, LIBRARY, PARKS, csv_bytes


def _contract_id(partner, reference):
    with tenant_context(partner.id):
        return db.session.scalar(select(Contract.id).where(Contract.reference == reference))


def test_a_contract_that_left_the_register_is_flagged_in_the_list_and_on_its_page(council, register, make_user, sign_in):
    register(council, csv_bytes(PARKS, LIBRARY, CARE))
    register(council, csv_bytes(PARKS, LIBRARY))  # next month's register drops C3
    client = sign_in(make_user(council, "viewer"))
    listing = client.get("/social-value/contracts").get_data(as_text=True)
    rows = {row.split("</a>")[0].rsplit(">", 1)[-1]: row for row in listing.split('<tr class="govuk-table__row">')[2:]}
    assert "Left the register" in rows["C3"]
    assert "Left the register" not in rows["C1"] and "Left the register" not in rows["C2"]
    page = client.get(f"/social-value/contracts/{_contract_id(council, 'C3')}").get_data(as_text=True)
    assert 'data-testid="left-register"' in page and "no longer lists it" in page
    still = client.get(f"/social-value/contracts/{_contract_id(council, 'C1')}").get_data(as_text=True)
    assert 'data-testid="left-register"' not in still


def test_a_contract_listed_again_is_no_longer_flagged(council, register, make_user, sign_in):
    register(council, csv_bytes(PARKS, CARE))
    register(council, csv_bytes(PARKS))
    register(council, csv_bytes(PARKS, CARE))
    client = sign_in(make_user(council, "viewer"))
    assert "Left the register" not in client.get("/social-value/contracts").get_data(as_text=True)
    page = client.get(f"/social-value/contracts/{_contract_id(council, 'C3')}").get_data(as_text=True)
    assert 'data-testid="left-register"' not in page


def test_another_partners_contract_that_left_is_not_found(council, register, make_partner, make_user, sign_in):
    police = make_partner("Police", council.network, kind="police")
    register(police, csv_bytes(PARKS, CARE))
    register(police, csv_bytes(PARKS))
    client = sign_in(make_user(council, "admin"))
    theirs = _contract_id(police, "C3")
    response = client.get(f"/social-value/contracts/{theirs}")
    assert response.status_code == 404 and "Home care" not in response.get_data(as_text=True)
    listing = client.get("/social-value/contracts").get_data(as_text=True)
    assert "Left the register" not in listing and "Home care" not in listing
