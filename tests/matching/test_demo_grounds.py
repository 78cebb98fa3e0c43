"""Is the demo's grounds maintenance firm in the parks' own town matched to the grounds maintenance opportunity?"""
from __future__ import annotations

import random

from portal.demo.smes import IDEA_CODES, OPPORTUNITY_IDEAS, TRADE_CODES, WORD_CODES, _what_we_do
from portal.matching.scoring import BusinessFacts, OpportunityFacts, Scorer

IDEA = next(i for i in OPPORTUNITY_IDEAS if i[1].startswith("Grounds maintenance"))
FACILITIES = "Facilities & Management Services"


def _firm(business_id, name, word, district="S66", size="small", trade=FACILITIES):
    row = {"trade": trade, "word": word, "postcode": f"{district} 1AA", "vcse": False}
    return BusinessFacts(business_id, tuple(WORD_CODES.get(word) or TRADE_CODES[trade][0]), district, True, size,
                         _what_we_do(random.Random(business_id), row))


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
