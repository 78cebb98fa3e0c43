"""The text weights a full run learns are kept: runs between re-learnings weigh words alike, and rewrite little."""
from __future__ import annotations

from sqlalchemy import select, update

from portal.extensions import db
from portal.matching import services
from portal.matching.models import OpportunityMatch, TextWeights
from portal.smes.models import SmeProfile
from tenants import business_context
from tenants.models import utcnow

from .test_runs import network_world, run, stored  # noqa: F401  (the fixture, shared)


def weights(network) -> TextWeights:
    return db.session.scalar(select(TextWeights).where(TextWeights.network_id == network.id).execution_options(
        populate_existing=True))


def describe(business, words: str) -> None:
    with business_context(business.id):
        db.session.scalar(select(SmeProfile)).what_we_do = words
        db.session.commit()


def test_a_full_run_keeps_the_weights_it_learnt(network_world):
    network, *_ = network_world
    run(services.match_network, network.id)
    kept = weights(network)
    assert kept.business_count == 4  # the verified businesses with a profile
    assert "slate" in kept.terms and len(kept.idf) == len(kept.terms)


def test_a_changed_description_rewrites_its_own_pairs_only(network_world):
    """With weights re-learnt from every description, one edit moved every other business's scores too."""
    network, _, _, firms, _ = network_world
    run(services.match_network, network.id)
    learnt_at = weights(network).learnt_at
    before = rows_by_pair(network)
    describe(firms["builder"], "General building and slate roofing")
    run(services.match_network, network.id)
    after = rows_by_pair(network)
    builder = firms["builder"].id
    assert {pair: row for pair, row in after.items() if pair[1] != builder} == \
        {pair: row for pair, row in before.items() if pair[1] != builder}
    assert {pair: row for pair, row in after.items() if pair[1] == builder} != \
        {pair: row for pair, row in before.items() if pair[1] == builder}
    assert weights(network).learnt_at == learnt_at


def rows_by_pair(network) -> dict:
    """Each stored match's score, parts and when it last changed, by (opportunity, business)."""
    with services.opened_network(db.session, network.id):
        rows = db.session.execute(select(OpportunityMatch.opportunity_id, OpportunityMatch.business_id,
                                         OpportunityMatch.score, OpportunityMatch.components,
                                         OpportunityMatch.computed_at)).all()
    db.session.rollback()
    return {(o, b): (score, sorted(parts.items()), at) for o, b, score, parts, at in rows}


def test_words_new_to_the_network_count_after_the_weekly_relearning(network_world):
    network, _, _, firms, opportunities = network_world
    run(services.match_network, network.id)
    describe(firms["caterer"], "Custody catering: suite meals")
    run(services.match_network, network.id)
    assert "custody" not in weights(network).terms
    db.session.execute(update(TextWeights).where(TextWeights.network_id == network.id)
                       .values(learnt_at=utcnow() - services.RELEARN_TEXT_AFTER))
    db.session.commit()
    run(services.match_network, network.id)
    assert "custody" in weights(network).terms
    meals = [r for r in stored(network) if r[0] == opportunities["meals"] and r[1] == firms["caterer"].id]
    assert meals and any("custody" in reason for reason in meals[0][4])


def test_a_network_that_grew_by_more_than_a_tenth_relearns_at_the_next_full_run(network_world, make_business):
    network, *_ = network_world
    run(services.match_network, network.id)
    make_business("Thatchers Ltd", network, cpv_codes=("45261000",), what_we_do="Thatching and reed roofs")
    run(services.match_network, network.id)
    kept = weights(network)
    assert kept.business_count == 5 and "thatching" in kept.terms


def test_rematching_one_business_never_relearns(network_world, make_business):
    network, *_ = network_world
    run(services.match_network, network.id)
    learnt_at = weights(network).learnt_at
    newcomer = make_business("Thatchers Ltd", network, cpv_codes=("45261000",), what_we_do="Thatching and reed roofs")
    run(services.rematch_business, newcomer.id)
    assert weights(network).learnt_at == learnt_at and "thatching" not in weights(network).terms
