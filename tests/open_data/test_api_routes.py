"""The open data through the API: a partner's own packages with its token, the network's without one."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from portal.api import tokens
from portal.extensions import db
from portal.grants import services as grant_services
from portal.opportunities import ocds_packages
from tenants import tenant_context

from .conftest import AWARD_PENCE
from .standards import assert_valid_360giving, assert_valid_ocds


def _token(partner, scopes=("read",)) -> dict:
    with tenant_context(partner.id):
        made = tokens.create_token(db.session, partner, None, "Open data", list(scopes))
        db.session.commit()
        return {"Authorization": f"Bearer {made.secret}"}


def _json(response) -> dict:
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.loads(response.get_data(as_text=True), parse_float=Decimal)


def test_a_partner_token_reads_its_opportunities_with_every_bidder_named(app, council, lifecycle):
    package = _json(app.test_client().get("/api/v1/opportunities.ocds.json", headers=_token(council)))
    assert_valid_ocds(package)
    with tenant_context(council.id):
        expected = ocds_packages.partner_package(db.session, council, prefix=app.config["OCDS_PREFIX"], uri=package["uri"])
    assert [r["id"] for r in package["releases"]] == [r["id"] for r in expected["releases"]]
    award = next(r for r in package["releases"] if "award" in r["tag"])
    assert award["awards"][0]["value"]["amount"] == Decimal(AWARD_PENCE) / 100  # a JSON number, to the penny
    tenderers = {p["name"] for p in award["parties"] if "tenderer" in p["roles"]}
    assert set(lifecycle.loser_names) <= tenderers


def test_the_networks_package_needs_no_token_and_names_no_loser(app, network, lifecycle):
    response = app.test_client().get(f"/api/v1/networks/{network.slug}/opportunities.ocds.json")
    package = _json(response)
    assert_valid_ocds(package)
    assert [r["tag"][0] for r in package["releases"]] == ["planning", "planningUpdate", "tender", "award", "contract"]
    assert not any(name.encode() in response.data for name in lifecycle.loser_names)
    assert app.test_client().get("/api/v1/networks/no-such-network/opportunities.ocds.json").status_code == 404


def test_a_partner_token_reads_its_grants_as_360giving_and_another_partners_token_sees_none(app, council, network, make_partner):
    with tenant_context(council.id):
        grant_services.record_grant(db.session, grant_services.GrantDetails(
            title="Larder fridges", recipient_name="Wath Boxing Club", amount_pence=250_050, awarded_on=date(2026, 5, 1),
            recipient_charity_number="1123456"))
        db.session.commit()
    package = _json(app.test_client().get("/api/v1/grants.360giving.json", headers=_token(council)))
    assert_valid_360giving(package)
    assert [(g["title"], g["amountAwarded"]) for g in package["grants"]] == [("Larder fridges", Decimal("2500.50"))]
    police = make_partner("South Yorkshire Police", network)
    assert _json(app.test_client().get("/api/v1/grants.360giving.json", headers=_token(police)))["grants"] == []
    assert app.test_client().get("/api/v1/grants.360giving.json").status_code == 401
    assert app.test_client().get("/api/v1/grants.360giving.json", headers=_token(council, ("import_spend",))).status_code == 403
