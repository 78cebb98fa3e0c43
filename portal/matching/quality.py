"""Match quality on a hand-labelled sample: of the top 10 matches shown for each opportunity, how many are right.

The sample (``tests/matching/labelled_sample.json``) lists, for each
opportunity, the businesses a person judged able to bid for it. Precision is
counted over every match shown (at most 10 per opportunity, above the
threshold); recall over every labelled pair, so a scorer cannot score well by
showing nothing.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .scoring import THRESHOLD, BusinessFacts, OpportunityFacts, Scorer

SHOWN = 10


@dataclass(frozen=True)
class Quality:
    precision_at_10: float
    recall: float
    shown: int
    labelled: int


def load_sample(path: Path) -> tuple[list[BusinessFacts], list[OpportunityFacts], dict[int, set[int]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    businesses = [
        BusinessFacts(b["id"], tuple(b["cpv_codes"]), b["district"], b["is_local"], b["size_band"], b["what_we_do"],
                      b.get("living_wage", False), b.get("charity", False) or b.get("social_enterprise", False),
                      b.get("employee_owned", False), b.get("cooperative", False))
        for b in data["businesses"]
    ]
    opportunities = [
        OpportunityFacts(o["id"], 1, tuple(o["cpv_codes"]), tuple(o["districts"]), o["value_band"],
                         f"{o['title']} {o['description']}", True, o["suitable_for_vcse"])
        for o in data["opportunities"]
    ]
    relevant = {int(k): set(v) for k, v in data["relevant"].items()}
    return businesses, opportunities, relevant


def measure(path: Path, threshold: float = THRESHOLD) -> Quality:
    businesses, opportunities, relevant = load_sample(path)
    ranked: dict[int, list] = {}
    for m in Scorer(businesses, opportunities).matches(threshold):
        ranked.setdefault(m.opportunity_id, []).append((m.score, m.business_id))
    shown = hits = 0
    for opportunity_id, found in ranked.items():
        top = [b for _, b in sorted(found, key=lambda pair: (-pair[0], pair[1]))[:SHOWN]]
        shown += len(top)
        hits += len(set(top) & relevant.get(opportunity_id, set()))
    labelled = sum(len(v) for v in relevant.values())
    return Quality(hits / shown if shown else 0.0, hits / labelled if labelled else 0.0, shown, labelled)
