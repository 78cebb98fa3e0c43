"""Matching runs against the database: a whole network, one opportunity, one business."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from portal.extensions import db
from portal.matching import services
from portal.matching.models import OpportunityMatch
from portal.opportunities.models import Opportunity
from portal.smes.models import SmeProfile
from tenants import business_context, tenant_context


@pytest.fixture
def network_world(make_network, make_partner, make_business, make_opportunity):
    network = make_network()
    council, police = make_partner("Council", network), make_partner("Police", network)
    firms = {
        "roofer": make_business("Slate & Co", network, cpv_codes=("45261000",), size_band="micro",
                                what_we_do="Slate roofing, guttering and chimney repairs", living_wage_accredited=True),
        "builder": make_business("Build Ltd", network, postcode="S61 2BB", cpv_codes=("45000000",), size_band="small",
                                 what_we_do="General building, extensions and repairs"),
        "caterer": make_business("Dinners CIC", network, cpv_codes=("55520000",), social_enterprise=True,
                                 what_we_do="School meals and catering for events"),
        "faraway": make_business("Far Roofs", network, postcode="LS1 4AP", cpv_codes=("45261000",), size_band="large",
                                 what_we_do="Roofing"),
        "unverified": make_business("New Roofs", network, verified=False, cpv_codes=("45261000",),
                                    what_we_do="Slate roofing"),
    }
    opportunities = {
        "roof": make_opportunity(council, "Depot roof repairs", "Replace slate roofing and guttering", ("45261000",)),
        "meals": make_opportunity(police, "Custody suite meals", "Catering for the custody suite", ("55520000",),
                                  suitable_for_vcse=True),
        "draft": make_opportunity(council, "Draft roof", "Slate roofing", ("45261000",), status="draft"),
        "closed": make_opportunity(council, "Old roof", "Slate roofing", ("45261000",),
                                   closing_date=date.today() - timedelta(days=1)),
    }
    return network, council, police, firms, opportunities


def stored(network):
    """Every match of the network, as comparable tuples."""
    with services.opened_network(db.session, network.id):
        rows = db.session.execute(select(
            OpportunityMatch.opportunity_id, OpportunityMatch.business_id, OpportunityMatch.organisation_id,
            OpportunityMatch.score, OpportunityMatch.reasons, OpportunityMatch.components,
        )).all()
    db.session.rollback()
    return sorted((tuple(r[:4]) + (tuple(r[4]), tuple(sorted(r[5].items())))) for r in rows)


def run(function, *args):
    count = function(db.session, *args)
    db.session.commit()
    return count


def test_does_a_full_run_match_only_open_opportunities_and_verified_businesses(network_world):
    network, _council, _, firms, opportunities = network_world
    run(services.match_network, network.id)
    pairs = {(o, b) for o, b, *_ in stored(network)}
    assert (opportunities["roof"], firms["roofer"].id) in pairs
    assert (opportunities["meals"], firms["caterer"].id) in pairs
    assert (opportunities["roof"], firms["caterer"].id) not in pairs
    assert not {o for o, _ in pairs} & {opportunities["draft"], opportunities["closed"]}
    assert firms["unverified"].id not in {b for _, b in pairs}


def test_are_the_reasons_stored_with_each_match(network_world):
    network, _, _, firms, opportunities = network_world
    run(services.match_network, network.id)
    with business_context(firms["roofer"].id):
        match = db.session.scalar(select(OpportunityMatch).where(OpportunityMatch.opportunity_id == opportunities["roof"]))
        assert match.reasons[0] == "delivered in S60, where you are"
        assert "value within your band" in match.reasons and "Real Living Wage employer" in match.reasons
        assert match.components["category"] == 1.0 and 0 < match.score <= 1


def test_does_running_twice_keep_one_row_per_pair(network_world):
    network, *_ = network_world
    run(services.match_network, network.id)
    first = stored(network)
    run(services.match_network, network.id)
    assert [r[:3] for r in stored(network)] == [r[:3] for r in first]


def test_does_rematching_a_changed_opportunity_equal_the_full_run(network_world, make_opportunity):
    network, council, police, _firms, opportunities = network_world
    run(services.match_network, network.id)
    new = make_opportunity(council, "Roof and gutters at the library", "Slate roofing", ("45261000",), districts=("S61",))
    with tenant_context(police.id):
        db.session.execute(update(Opportunity).where(Opportunity.id == opportunities["meals"]).values(status="draft"))
        db.session.commit()
    with tenant_context(council.id):
        db.session.execute(update(Opportunity).where(Opportunity.id == opportunities["roof"])
                           .values(description="Repair the flat felt roof", value_band="214k_to_1m"))
        db.session.commit()
    for opportunity_id in (new, opportunities["roof"], opportunities["meals"]):
        run(services.rematch_opportunity, opportunity_id)
    incremental = stored(network)
    run(services.match_network, network.id)
    assert incremental == stored(network)
    assert new in {r[0] for r in incremental} and opportunities["meals"] not in {r[0] for r in incremental}


def test_does_a_withdrawn_opportunity_lose_its_matches_when_rematched(network_world):
    network, council, _, _, opportunities = network_world
    run(services.match_network, network.id)
    with tenant_context(council.id):
        db.session.execute(update(Opportunity).where(Opportunity.id == opportunities["roof"]).values(status="withdrawn"))
        db.session.commit()
    assert run(services.rematch_opportunity, opportunities["roof"]) == 0
    assert opportunities["roof"] not in {r[0] for r in stored(network)}


def test_does_rematching_a_changed_business_equal_the_full_run(network_world):
    network, _, _, firms, _ = network_world
    run(services.match_network, network.id)
    with business_context(firms["caterer"].id):
        profile = db.session.scalar(select(SmeProfile))
        profile.what_we_do = "Roof repairs, slate roofing and guttering"
        profile.postcode_district = "S60"
        db.session.commit()
    run(services.rematch_business, firms["caterer"].id)
    incremental = stored(network)
    run(services.match_network, network.id)
    assert incremental == stored(network)


def test_does_the_cached_business_side_notice_a_new_business(network_world, make_business, make_opportunity):
    network, council, _, _, _ = network_world
    run(services.rematch_opportunity, make_opportunity(council, "Warm-up", "x", ("45261000",)))
    newcomer = make_business("Newcomer Roofing", network, cpv_codes=("45261000",), what_we_do="Slate roofing")
    third = make_opportunity(council, "Chapel roof", "Slate roofing", ("45261000",))
    run(services.rematch_opportunity, third)
    assert (third, newcomer.id) in {(r[0], r[1]) for r in stored(network)}


def test_does_a_run_with_nothing_changed_write_nothing(network_world):
    network, *_ = network_world
    first = services.refresh_network(db.session, network.id)
    db.session.commit()
    before = stored(network)
    again = services.refresh_network(db.session, network.id)
    db.session.commit()
    assert first.inserted == first.kept > 0 and (first.updated, first.deleted) == (0, 0)
    assert again == services.Changes(first.kept, 0, 0, 0)
    assert stored(network) == before


def test_does_a_changed_profile_rewrite_only_its_own_matches(network_world):
    network, _, _, firms, _ = network_world
    first = services.refresh_network(db.session, network.id)
    db.session.commit()
    before = stored(network)
    roofer = firms["roofer"].id
    with business_context(roofer):
        db.session.scalar(select(SmeProfile)).living_wage_accredited = False
        db.session.commit()
    changes = services.refresh_network(db.session, network.id)
    db.session.commit()
    after = stored(network)
    assert changes.inserted == 0 and changes.deleted == 0
    assert changes.updated == sum(1 for r in after if r[1] == roofer) > 0
    assert [r for r in after if r[1] != roofer] == [r for r in before if r[1] != roofer]
    assert changes.kept == first.kept


def test_is_the_stored_json_what_json_dumps_gives():
    reasons = ["delivered in S60, where you are", 'Caf\u00e9 "Slate" work', "co-operative"]
    components = {"category": 1.0, "text": 0.431, "locality": 0.7, "size": 0.5, "accreditations": 0.0}
    assert services.reasons_json(reasons) == json.dumps(reasons)
    assert services.components_json(components) == json.dumps(components)
    assert services.components_json({"text": 0.1, "category": 1}) == json.dumps({"text": 0.1, "category": 1})


@pytest.mark.parametrize("wrong", ["partner", "network"])
def test_the_database_refuses_a_match_whose_partner_or_network_is_not_its_own(network_world, make_network, make_partner,
                                                                                 make_business, wrong):
    """The two-column keys: a match names its opportunity's partner and its business's network, or nothing."""
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    network, council, police, firms, opportunities = network_world
    other_network = make_network()
    outsider = make_business("Elsewhere Ltd", other_network, cpv_codes=("45261000",))
    row = {"opportunity_id": opportunities["roof"], "organisation_id": council.id, "business_id": firms["roofer"].id,
           "network_id": network.id, "score": 0.9, "reasons": [], "components": {}}
    if wrong == "partner":
        row["organisation_id"] = police.id  # a partner of the same network, but not the opportunity's
    else:
        row["business_id"] = outsider.id  # a real business, of another network than the row says
    with services.opened_network(db.session, network.id), pytest.raises(IntegrityError):
        db.session.execute(insert(OpportunityMatch.__table__), [row])
        db.session.flush()
    db.session.rollback()
    with services.opened_network(db.session, network.id):
        db.session.execute(insert(OpportunityMatch.__table__), [{**row, "organisation_id": council.id,
                                                                  "business_id": firms["roofer"].id}])
    db.session.rollback()



@pytest.fixture
def preparing_afresh(monkeypatch):
    """``preparing_afresh(False)``: from then on a rematch must patch the side it has, not prepare every business."""
    prepare = services.prepare_businesses

    def allowed(yes: bool):
        def refuse(*args, **kwargs):
            raise AssertionError("prepared every business of the network afresh")

        monkeypatch.setattr(services, "prepare_businesses", prepare if yes else refuse)

    return allowed


def test_does_a_full_run_leave_the_businesses_prepared_for_the_rematches_after_it(
        network_world, make_opportunity, preparing_afresh):
    network, council, *_ = network_world
    run(services.match_network, network.id)
    preparing_afresh(False)
    new = make_opportunity(council, "Chapel roof", "Slate roofing", ("45261000",))
    assert run(services.rematch_opportunity, new) > 0


def test_are_only_the_changed_businesses_prepared_again_and_the_rematch_equals_the_full_run(
        network_world, make_business, make_opportunity, preparing_afresh):
    from portal.smes.services import set_categories

    network, council, _, firms, opportunities = network_world
    run(services.match_network, network.id)
    preparing_afresh(False)
    # Categories alone (no other field of the profile), a profile's words, a newcomer, and one who leaves.
    with business_context(firms["caterer"].id):
        set_categories(db.session, ["45261000"])
        db.session.commit()
    with business_context(firms["builder"].id):
        db.session.scalar(select(SmeProfile)).what_we_do = "Slate roofing and lead work"
        db.session.commit()
    newcomer = make_business("Newcomer Roofing", network, cpv_codes=("45261000",), what_we_do="Slate roofing")
    with business_context(firms["roofer"].id):
        db.session.delete(db.session.scalar(select(SmeProfile)))
        db.session.commit()
    chapel = make_opportunity(council, "Chapel roof", "Slate roofing and lead flashing", ("45261000",))
    for opportunity_id in (*opportunities.values(), chapel):
        run(services.rematch_opportunity, opportunity_id)
    for business in (firms["caterer"], firms["builder"], newcomer, firms["roofer"]):
        run(services.rematch_business, business.id)
    incremental = stored(network)
    matched = {b for o, b, *_ in incremental if o == chapel}
    assert {firms["caterer"].id, newcomer.id} <= matched and firms["roofer"].id not in matched

    preparing_afresh(True)
    run(services.match_network, network.id)
    assert incremental == stored(network)


def test_does_a_new_worker_process_prepare_the_networks_before_the_first_rematch(
        network_world, make_opportunity, preparing_afresh):
    from portal.matching import tasks

    network, council, *_ = network_world
    run(services.match_network, network.id)  # keeps the network's text weights
    services._sides.clear()  # as in a worker process just started
    tasks.prepare_networks_as_the_worker_starts().join(60)
    assert network.id in services._sides
    preparing_afresh(False)
    new = make_opportunity(council, "Chapel roof", "Slate roofing", ("45261000",))
    assert run(services.rematch_opportunity, new) > 0
