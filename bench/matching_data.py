"""Synthetic businesses and opportunities shaped like a network's: trades by CPV division, words that go with them.

Each CPV division gets a trade vocabulary (the words of its label and a dozen
made-up trade words); a business describes itself with words of its own
divisions plus filler, an opportunity with words of its divisions plus
procurement boilerplate, and a little noise from other trades. So text and
category agree as they do in life, and most pairs share neither.
"""
from __future__ import annotations

import random
import re

from portal import cpv
from portal.matching.scoring import BusinessFacts, OpportunityFacts
from portal.opportunities.models import VALUE_BANDS
from portal.smes.models import SIZE_BANDS

LOCAL = ("S60", "S61", "S62", "S63", "S65", "S66")
ELSEWHERE = ("S1", "S2", "S35", "DN1", "DN12", "LS1", "M1")
FILLER = ["local", "family", "run", "quality", "friendly", "team", "years", "experience", "reliable", "customers", "professional"]
BOILERPLATE = ["council", "requires", "supplier", "contract", "provide", "delivery", "services", "specification", "tender", "works"]


def _vocabulary() -> dict[str, list[str]]:
    words = {}
    for code, label in cpv.catalogue().items():
        if code.endswith("000000"):
            own = [w for w in re.findall(r"[a-z]+", label.lower()) if len(w) > 3 and w not in ("related", "products", "services")]
            words[code[:2]] = own + [f"trade{code[:2]}w{k}" for k in range(12)]
    return words


def _code(rng: random.Random, division: str) -> str:
    """A code in the division, as deep as businesses and buyers usually go."""
    depth = rng.choices((2, 3, 4, 5), weights=(2, 3, 3, 2))[0]
    digits = division + "".join(str(rng.randint(1, 4)) for _ in range(depth - 2))
    return digits.ljust(8, "0")


def generate(businesses: int, opportunities: int, seed: int = 5, organisation_ids=(1,)) -> tuple[list[BusinessFacts], list[OpportunityFacts]]:
    rng = random.Random(seed)
    vocabulary = _vocabulary()
    divisions = sorted(vocabulary)

    def words(own: list[str], count: int) -> list[str]:
        pool = [w for d in own for w in vocabulary[d]]
        chosen = rng.choices(pool, k=count)
        if rng.random() < 0.3:
            chosen.append(rng.choice(vocabulary[rng.choice(divisions)]))
        return chosen

    business_facts = []
    for i in range(businesses):
        own = rng.sample(divisions, rng.choice((1, 1, 2, 3)))
        district = rng.choice(LOCAL if rng.random() < 0.6 else ELSEWHERE)
        business_facts.append(BusinessFacts(
            business_id=i + 1,
            cpv_codes=tuple(sorted({_code(rng, d) for d in own for _ in range(rng.randint(1, 2))})),
            district=district, is_local=district in LOCAL,
            size_band=rng.choices(SIZE_BANDS, weights=(60, 25, 10, 5))[0],
            what_we_do=" ".join(words(own, rng.randint(4, 9)) + rng.sample(FILLER, 3)),
            living_wage=rng.random() < 0.15, vcse=rng.random() < 0.1,
            employee_owned=rng.random() < 0.03, cooperative=rng.random() < 0.02,
        ))
    opportunity_facts = []
    for j in range(opportunities):
        own = rng.sample(divisions, rng.choice((1, 1, 1, 2)))
        opportunity_facts.append(OpportunityFacts(
            opportunity_id=j + 1, organisation_id=rng.choice(organisation_ids),
            cpv_codes=tuple(sorted({_code(rng, d) for d in own})),
            districts=tuple(rng.sample(LOCAL, rng.randint(1, 3))),
            value_band=rng.choices(list(VALUE_BANDS), weights=(20, 30, 25, 15, 10))[0],
            text=" ".join(words(own, rng.randint(8, 20)) + rng.sample(BOILERPLATE, 5)),
            suitable_for_sme=rng.random() < 0.8, suitable_for_vcse=rng.random() < 0.15,
        ))
    return business_facts, opportunity_facts
