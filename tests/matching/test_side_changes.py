"""A prepared business side with a few businesses changed scores as one prepared afresh."""
from __future__ import annotations

from dataclasses import replace

import pytest

from portal.matching.scoring import BusinessFacts, BusinessSide, OpportunityFacts, Scorer
from portal.matching.text import TextModel

TRADES = [
    ("45261000", "Slate roofing, guttering and chimney repairs"),
    ("45000000", "General building, extensions and repairs"),
    ("55520000", "School meals and catering for events"),
    ("79530000", "Translation and interpreting"),
    ("90910000", "Office cleaning and window cleaning"),
    ("45310000", "Electrical installation and rewiring"),
]
DISTRICTS = ["S60", "S61", "S62", "S63", "S25", "LS1"]


def businesses(count: int = 60) -> list[BusinessFacts]:
    return [
        BusinessFacts(n, (TRADES[n % len(TRADES)][0],), DISTRICTS[n % len(DISTRICTS)], n % 5 != 0,
                      ("micro", "small", "medium", "large")[n % 4], TRADES[(n * 7) % len(TRADES)][1],
                      living_wage=n % 3 == 0, vcse=n % 4 == 0, employee_owned=n % 6 == 0)
        for n in range(1, count + 1)
    ]


def opportunities() -> list[OpportunityFacts]:
    return [
        OpportunityFacts(1, 10, ("45261000",), ("S60",), "10k_to_50k", "Depot roof: slate roofing and guttering"),
        OpportunityFacts(2, 10, ("55520000",), ("S61", "S62"), "50k_to_214k", "Catering", suitable_for_vcse=True),
        OpportunityFacts(3, 11, ("45000000", "45310000"), ("S25",), "214k_to_1m", "Rewiring and building works"),
        # Codes and a district no business had when the side was first prepared.
        OpportunityFacts(4, 11, ("71000000",), ("DN1",), "under_10k", "Architectural drawings for a roof"),
        OpportunityFacts(5, 12, ("90911200",), ("S63",), "10k_to_50k", "Window cleaning of the police station"),
    ]


def scored(side: BusinessSide) -> list:
    return sorted(Scorer(side, opportunities()).matches())


@pytest.fixture
def before():
    facts = businesses()
    weights = TextModel([b.what_we_do for b in facts]).weights()
    return facts, weights, BusinessSide(facts, weights)


def test_does_a_side_with_changes_score_as_one_prepared_afresh(before):
    facts, weights, side = before
    changed = [
        # New codes, a new district and new words the kept weights know.
        replace(facts[0], cpv_codes=("71000000", "90911200"), district="DN1", what_we_do="Architectural drawings"),
        replace(facts[9], size_band="large", living_wage=False, what_we_do="Window cleaning"),
        BusinessFacts(500, ("45261000",), "S60", True, "micro", "Slate roofing"),  # a newcomer
        BusinessFacts(0, ("55520000",), "S61", True, "small", "Catering", vcse=True),  # a newcomer first in order
    ]
    removed = {facts[4].business_id, facts[30].business_id}
    after = sorted(
        [f for f in facts if f.business_id not in removed | {c.business_id for c in changed}] + changed,
        key=lambda f: f.business_id,
    )

    patched = side.changed(changed, removed)

    assert [f.business_id for f in patched.facts] == [f.business_id for f in after]
    assert patched.index == {f.business_id: i for i, f in enumerate(after)}
    assert scored(patched) == scored(BusinessSide(after, weights))
    assert {m.business_id for m in scored(patched) if m.opportunity_id == 4} == {facts[0].business_id}
    # The side it came from is left as it was: another thread may be scoring with it.
    assert scored(side) == scored(BusinessSide(facts, weights))


def test_does_a_side_with_nothing_changed_score_as_before(before):
    facts, weights, side = before
    assert scored(side.changed([], ())) == scored(side)


def test_can_a_side_with_no_words_learnt_not_be_changed():
    facts = [replace(b, what_we_do="") for b in businesses(5)]
    with pytest.raises(ValueError, match="prepare the businesses afresh"):
        BusinessSide(facts).changed(facts[:1])
