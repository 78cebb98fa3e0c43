"""Does an opportunity's whole life (planning, engagement, tender, award, contract) publish as valid OCDS 1.1?"""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from portal.opportunities import ocds, ocds_packages
from tenants import tenant_context

from .conftest import AWARD_PENCE, AWARDED, TENDERED, TODAY
from .standards import assert_valid_ocds

PREFIX = "ocds-a1b2c3"
LONDON = ZoneInfo("Europe/London")
URI = "https://portal.example/networks/x/opportunities.ocds.json"


def _public(network, **given):
    from portal.extensions import db

    return ocds_packages.network_package(db.session, network, prefix=PREFIX, uri=URI, **given)


def test_every_stage_is_a_valid_release_in_order(network, council, lifecycle):
    package = _public(network, today=AWARDED + timedelta(days=1))
    assert_valid_ocds(package)
    the_ocid = f"{PREFIX}-{network.slug}-{lifecycle.opportunity_id}"
    assert [r["tag"] for r in package["releases"]] == [["planning"], ["planningUpdate"], ["tender"], ["award"], ["contract"]]
    assert [r["id"] for r in package["releases"]] == [
        f"{the_ocid}-{stage}" for stage in ("planning", "engagement", "tender", "award", "contract")]
    assert {r["ocid"] for r in package["releases"]} == {the_ocid}
    dates = [datetime.fromisoformat(r["date"]) for r in package["releases"]]
    assert dates == sorted(dates)
    planning, engagement, tender, award, contract = package["releases"]
    assert planning["tender"]["status"] == engagement["tender"]["status"] == "planning"
    # Planned: the expected tender date, as the moment that day begins in London; no closing date yet.
    assert list(planning["tender"]["tenderPeriod"]) == ["startDate"]
    assert datetime.fromisoformat(planning["tender"]["tenderPeriod"]["startDate"]).astimezone(LONDON).date() == TENDERED
    (milestone,) = engagement["planning"]["milestones"]
    assert (milestone["type"], milestone["status"]) == ("engagement", "met")
    assert datetime.fromisoformat(engagement["date"]) >= datetime.fromisoformat(planning["date"])
    assert tender["tender"]["status"] == "active" and [lot["title"] for lot in tender["tender"]["lots"]] == ["North", "South"]
    assert award["tender"]["status"] == "complete" and award["tender"]["numberOfTenderers"] == 3
    (the_award,) = award["awards"]
    assert the_award["value"] == {"amount": Decimal("1234567.89"), "currency": "GBP"}
    assert the_award["suppliers"] == [{"id": "GB-COH-01234567", "name": "Maltby Surfacing Ltd"}]
    (the_contract,) = contract["contracts"]
    assert the_contract["awardID"] == the_award["id"] and the_contract["status"] == "active"
    assert the_contract["value"] == {"amount": Decimal("1234567.89"), "currency": "GBP"}
    supplier = next(p for p in contract["parties"] if p["id"] == "GB-COH-01234567")
    assert supplier["roles"] == ["supplier"] and supplier["identifier"] == {
        "scheme": "GB-COH", "id": "01234567", "legalName": "Maltby Surfacing Ltd"}
    assert package["extensions"] == [ocds.LOTS_EXTENSION, ocds.SUITABILITY_EXTENSION]


def test_the_public_counts_the_losing_bidders_but_never_names_them(network, lifecycle):
    text = ocds.dumps(_public(network))
    for name in lifecycle.loser_names:
        assert name not in text


def test_the_partner_package_names_every_bidder(network, council, lifecycle, make_opportunity):
    from portal.extensions import db

    draft = make_opportunity(status="draft", title="Fleet lease (not yet public)", lots=[])
    with tenant_context(council.id):
        package = ocds_packages.partner_package(db.session, council, prefix=PREFIX, uri=URI, published_only=False,
                                                today=TODAY)
    assert_valid_ocds(package)
    award = next(r for r in package["releases"] if r["tag"] == ["award"])
    assert sorted(t["name"] for t in award["tender"]["tenderers"]) == sorted(
        [*lifecycle.loser_names, "Maltby Surfacing Ltd"])
    roles = {p["name"]: p["roles"] for p in award["parties"]}
    assert roles["Maltby Surfacing Ltd"] == ["tenderer", "supplier"] and roles["Dearne Roads"] == ["tenderer"]
    assert f"{network.slug}-{draft}" in {r["ocid"].removeprefix(PREFIX + "-") for r in package["releases"]}
    # The contract starts on the award date, still ahead of today.
    contract = next(r for r in package["releases"] if r["tag"] == ["contract"])
    assert contract["contracts"][0]["status"] == "pending"


def test_the_same_history_gives_the_same_releases_every_time(network, lifecycle, make_opportunity):
    make_opportunity(title="Custody suite cleaning", lots=[])
    make_opportunity(status="withdrawn", title="Cancelled catering", lots=[])
    first, again = _public(network, today=TODAY), _public(network, today=TODAY)
    first.pop("publishedDate"), again.pop("publishedDate")
    assert json.dumps(first, default=str) == json.dumps(again, default=str)
    ids = [r["id"] for r in first["releases"]]
    assert len(ids) == len(set(ids))


def test_drafts_stay_private_and_a_withdrawn_opportunity_publishes_its_cancellation(network, make_opportunity):
    make_opportunity(status="draft", title="Draft fleet lease")
    withdrawn = make_opportunity(status="withdrawn", title="Cancelled catering", lots=[])
    package = _public(network)
    assert_valid_ocds(package)
    assert [(r["id"].rsplit("-", 1)[-1], r["tag"]) for r in package["releases"]] == [
        ("tender", ["tender"]), ("cancellation", ["tenderCancellation"])]
    assert package["releases"][-1]["tender"]["status"] == "cancelled"
    assert package["releases"][0]["ocid"].endswith(f"-{withdrawn}")
    # Without lots, the lots extension is not declared.
    assert package["extensions"] == [ocds.SUITABILITY_EXTENSION]


def test_a_tender_closed_without_an_award_stays_published_as_complete(network, council, make_opportunity):
    from portal.extensions import db
    from portal.opportunities import services

    from .conftest import opportunity

    closed = make_opportunity(title="Closed early", lots=[])
    with tenant_context(council.id):
        services.close_opportunity(db.session, opportunity(closed))
        db.session.commit()
    package = _public(network)
    assert_valid_ocds(package)
    (release,) = package["releases"]
    assert release["id"].endswith(f"-{closed}-tender") and release["tender"]["status"] == "complete"


def test_an_award_of_an_unpublished_opportunity_is_never_public(network, council, make_business):
    from portal.extensions import db
    from portal.opportunities import awards, services
    from portal.opportunities.awards import Bidder

    from .conftest import details

    winner = make_business("Quiet Winner Ltd", network=network)
    with tenant_context(council.id):
        opportunity = services.create_opportunity(db.session, details(title="Unadvertised repair"))
        awards.record_award(db.session, opportunity, Bidder(business_id=winner.id), 5_000_00, AWARDED)
        db.session.commit()
    assert _public(network)["releases"] == []


def test_amounts_are_exact_pounds_from_pence(network, lifecycle, make_opportunity):
    make_opportunity(title="Penny tender", estimated_value_pence=1, lots=[])
    text = ocds.dumps(_public(network))
    assert '"amount": 0.01' in text and '"amount": 1234567.89' in text and '"amount": 1500000.00' in text
    assert ocds.pounds(AWARD_PENCE) == Decimal("1234567.89")


def test_the_public_download_is_the_whole_lifecycle_under_the_configured_prefix(app, client, network, lifecycle):
    app.config["OCDS_PREFIX"] = PREFIX
    try:
        response = client.get(f"/networks/{network.slug}/opportunities.ocds.json")
        one = client.get(f"/networks/{network.slug}/opportunities/{lifecycle.opportunity_id}.ocds.json")
    finally:
        app.config["OCDS_PREFIX"] = "ocds-portal"
    package = json.loads(response.get_data(as_text=True), parse_float=Decimal)
    assert_valid_ocds(package)
    assert [r["tag"][0] for r in package["releases"]] == ["planning", "planningUpdate", "tender", "award", "contract"]
    assert package["releases"][0]["ocid"] == f"{PREFIX}-{network.slug}-{lifecycle.opportunity_id}"
    assert one.status_code == 200 and len(one.get_json()["releases"]) == 5


def test_the_checks_would_catch_a_misspelt_field_or_an_undeclared_extension(network, lifecycle):
    import copy

    import pytest

    package = _public(network)
    misspelt = copy.deepcopy(package)
    misspelt["releases"][0]["tender"]["tenderPeriods"] = {}
    undeclared = copy.deepcopy(package)
    undeclared["extensions"] = [ocds.SUITABILITY_EXTENSION]
    wrong_tag = copy.deepcopy(package)
    wrong_tag["releases"][0]["tag"] = ["planned"]
    for broken in (misspelt, undeclared, wrong_tag):
        with pytest.raises(AssertionError):
            assert_valid_ocds(broken)
