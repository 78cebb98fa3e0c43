"""Is the demo's grounds maintenance firm in the parks' own town matched to the grounds maintenance opportunity?"""
from __future__ import annotations

import random

from portal.demo_smes import IDEA_CODES, OPPORTUNITY_IDEAS, TRADE_CODES, WORD_CODES, _what_we_do
from portal.extensions import db
from portal.matching.scoring import BusinessFacts, OpportunityFacts, Scorer
from portal.matching.services import business_facts
from tenants import network_wide

IDEA = next(i for i in OPPORTUNITY_IDEAS if i[1].startswith("Grounds maintenance"))
FACILITIES = "Facilities & Management Services"


def _firm(business_id, name, word, district="S66", size="small", trade=FACILITIES):
    row = {"trade": trade, "word": word, "postcode": f"{district} 1AA", "vcse": False}
    return BusinessFacts(business_id, tuple(WORD_CODES.get(word) or TRADE_CODES[trade][0]), district, True, size,
                         _what_we_do(random.Random(business_id), row), name=name)


def _opportunity(districts=("S66", "S65")):
    _trade, title, description, band, _lots, _asks = IDEA
    return OpportunityFacts(1, 1, tuple(IDEA_CODES[title]), districts, band,
                            f"{title.format(place='Maltby')} {description}", True, False)


def _scores(businesses, opportunity):
    return {m.business_id: m.score for m in Scorer(businesses, [opportunity]).matches()}


def test_the_grounds_firm_is_matched_and_ranks_above_a_cleaner():
    businesses = [
        _firm(1, "Maltby Landscapes Ltd", "Landscapes"),
        _firm(2, "Maltby Cleaning Services Ltd", "Cleaning Services"),
        _firm(3, "Wath Window Cleaning Ltd", "Window Cleaning"),
        *(_firm(10 + n, f"Builder {n} Ltd", None, "S60", trade="Construction") for n in range(10)),
    ]
    scores = _scores(businesses, _opportunity())
    assert 1 in scores
    assert scores[1] > max(scores.get(2, 0), scores.get(3, 0))


def test_a_large_grounds_firm_a_district_away_is_still_matched():
    """What the demo missed: a large firm of the trade in the local area, not the delivery district."""
    businesses = [_firm(1, "Maltby Landscapes Ltd", "Landscapes", district="S60", size="large"),
                  *(_firm(10 + n, f"Builder {n} Ltd", None, "S60", trade="Construction") for n in range(10))]
    assert 1 in _scores(businesses, _opportunity(("S66", "S65")))


def test_the_name_is_read_by_the_scorer_from_the_register(make_network, make_business):
    """The name alone says the trade: a firm whose description is boilerplate still has words in common."""
    network = make_network()
    firm = make_business("Maltby Grounds Maintenance Ltd", network=network, what_we_do="A family firm.",
                         cpv_codes=["77310000"])
    with network_wide([], "test: read the facts", business_networks=[network.id]):
        (facts,) = business_facts(db.session, network.id, [firm.id])
    assert facts.name == "Maltby Grounds Maintenance Ltd" and "Grounds Maintenance" in facts.text
    opportunity = OpportunityFacts(1, 1, ("77314000",), ("S60",), "10k_to_50k", "Grounds maintenance of parks", True, False)
    others = [BusinessFacts(10 + n, ("45000000",), "S60", True, "small", "We build houses.") for n in range(5)]
    (match,) = [m for m in Scorer([facts, *others], [opportunity]).matches() if m.business_id == firm.id]
    assert match.components["text"] > 0
