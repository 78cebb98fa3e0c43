"""How well each business fits each open opportunity: plain functions over plain facts, no database.

Five parts, each 0..1, weighted into one score:

* category: how deep the business's and the opportunity's CPV codes agree
  (the same code, category, class, group or only the division);
* text: TF-IDF cosine of what the business does to the opportunity's title,
  description and lots (``text.py``);
* locality: the business is in a district where the work is delivered, or at
  least in the network's local area;
* size: the business's size band against the opportunity's value band;
* accreditations and ownership: Real Living Wage, a VCSE where the partner
  asked for one, employee-owned or co-operative.

A pair with neither a shared CPV division nor words in common is no match,
however local or well sized. Only pairs at or above ``THRESHOLD`` are kept:
a full run of 20,000 businesses against 2,000 opportunities keeps thousands of
rows per opportunity at most, not 40 million. There is deliberately no "top N
per business": that would make one opportunity's matches depend on every other
opportunity, and rematching one could not give what the full run gives.
Businesses are scored in blocks, so memory stays bounded whatever the size.
"""
from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from scipy import sparse

from portal import cpv
from portal.opportunities.models import VALUE_BANDS
from portal.smes.models import SIZE_BANDS

from .text import TextModel

WEIGHTS = {"category": 0.35, "text": 0.25, "locality": 0.15, "size": 0.15, "accreditations": 0.10}
THRESHOLD = 0.6
# Category part for the number of CPV levels two codes share (0: different divisions .. 5: down to the
# sub-category); the very same code on both sides counts in full, however broad it is.
CATEGORY_BY_LEVELS = np.array([0.0, 0.4, 0.6, 0.8, 0.9, 1.0], dtype=np.float32)
LEVEL_WORDS = {1: "division", 2: "group", 3: "class", 4: "category", 5: "sub-category"}
# Short descriptions rarely reach a cosine of 0.35; above that the texts are as alike as they get.
TEXT_FULL_AT = 0.35
# Words in common that count as relevant on their own, with no shared CPV division.
TEXT_ALONE = 0.12
IN_DELIVERY_DISTRICT, IN_LOCAL_AREA = 1.0, 0.7
# How well a business of each size band suits each value band (rows SIZE_BANDS, columns VALUE_BANDS).
SIZE_FIT = np.array(
    [
        # under_10k 10k_to_50k 50k_to_214k 214k_to_1m over_1m
        [1.0, 1.0, 0.5, 0.1, 0.0],  # micro
        [1.0, 1.0, 1.0, 0.5, 0.2],  # small
        [0.7, 1.0, 1.0, 1.0, 0.5],  # medium
        [0.3, 0.5, 0.8, 1.0, 1.0],  # large
    ],
    dtype=np.float32,
)
# A partner that says an opportunity does not suit SMEs halves the size fit of micro and small firms.
NOT_FOR_SMES = np.array([0.5, 0.5, 1.0, 1.0], dtype=np.float32)
BLOCK_CELLS = 4_000_000
_SIZE_INDEX = {band: n for n, band in enumerate(SIZE_BANDS)}


@dataclass(frozen=True)
class BusinessFacts:
    business_id: int
    cpv_codes: tuple[str, ...]
    district: str
    is_local: bool
    size_band: str
    what_we_do: str = ""
    living_wage: bool = False
    vcse: bool = False
    employee_owned: bool = False
    cooperative: bool = False


@dataclass(frozen=True)
class OpportunityFacts:
    opportunity_id: int
    organisation_id: int
    cpv_codes: tuple[str, ...]
    districts: tuple[str, ...]
    value_band: str
    text: str = ""
    suitable_for_sme: bool = True
    suitable_for_vcse: bool = False


class Match(NamedTuple):
    business_id: int
    opportunity_id: int
    organisation_id: int
    score: float
    components: dict
    reasons: list


@lru_cache(maxsize=100_000)
def _ancestors(code: str) -> tuple[str, ...]:
    return tuple(cpv.ancestors(code))


def _rows(keys_per_row: Sequence[Sequence[str]], columns: dict[str, int], grow: bool) -> sparse.csr_matrix:
    """A 0/1 matrix with a 1 in each row's keys' columns; unknown keys get a new column or, unless ``grow``, none."""
    indptr, indices = [0], []
    for keys in keys_per_row:
        if grow:
            cols = {columns.setdefault(k, len(columns)) for k in keys}
        else:
            cols = {columns[k] for k in keys if k in columns}
        indices.extend(cols)
        indptr.append(len(indices))
    width = max(len(columns), 1)
    return sparse.csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr), shape=(len(indptr) - 1, width))


class BusinessSide:
    """What scoring needs of a network's businesses, prepared once and reused for any opportunities."""

    def __init__(self, businesses: Sequence[BusinessFacts], text_weights: tuple | None = None,
                 like: BusinessSide | None = None):
        """``like``: weigh words and number columns as that side does (see ``changed``), not afresh."""
        self.facts = list(businesses)
        self.index = {b.business_id: i for i, b in enumerate(self.facts)}
        # Fitted on the network's businesses (see text.py), or their kept weights, so any subset of
        # opportunities is weighed alike.
        texts = [b.what_we_do for b in self.facts]
        self.text = like.text.placing(texts) if like else TextModel(texts, text_weights)
        self.term_sets = self.text.term_sets()
        self.prefixes = [prefix_sets(b.cpv_codes) for b in self.facts]
        self.level_columns = [dict(c) for c in like.level_columns] if like else [{} for _ in cpv.LEVEL_DIGITS]
        self.levels = [
            _rows([p[lv] for p in self.prefixes], columns, grow=True) for lv, columns in enumerate(self.level_columns)
        ]
        self.code_columns: dict[str, int] = dict(like.code_columns) if like else {}
        self.codes = _rows([b.cpv_codes for b in self.facts], self.code_columns, grow=True)
        self.district_columns: dict[str, int] = dict(like.district_columns) if like else {}
        self.districts = _rows([(b.district,) for b in self.facts], self.district_columns, grow=True)
        self.is_local = np.fromiter((b.is_local for b in self.facts), dtype=bool, count=len(self.facts))
        self.size = np.fromiter((_SIZE_INDEX[b.size_band] for b in self.facts), dtype=np.intp, count=len(self.facts))
        self.living_wage = np.fromiter((b.living_wage for b in self.facts), dtype=np.float32, count=len(self.facts))
        self.vcse = np.fromiter((b.vcse for b in self.facts), dtype=np.float32, count=len(self.facts))
        self.owned = np.fromiter((b.employee_owned or b.cooperative for b in self.facts), dtype=np.float32,
                                 count=len(self.facts))

    def __len__(self) -> int:
        return len(self.facts)

    def changed(self, businesses: Sequence[BusinessFacts], removed: Collection[int] = ()) -> BusinessSide:
        """This side with ``businesses`` added or replaced and ``removed`` gone, preparing only those.

        It scores exactly as a side prepared afresh from the same facts with the same text weights
        (its columns may be numbered differently), in business id order as ``business_facts`` reads
        them: after one profile changes, a worker re-prepares one business, not the network's 20,000.
        """
        fresh = BusinessSide(businesses, like=self)
        gone = set(removed).union(fresh.index)
        keep = np.array([i for i, b in enumerate(self.facts) if b.business_id not in gone], dtype=np.intp)
        ids = [self.facts[i].business_id for i in keep] + [b.business_id for b in fresh.facts]
        order = np.argsort(np.array(ids, dtype=np.int64), kind="stable")

        def rows(old, new):
            if isinstance(old, list):
                both = [old[i] for i in keep] + new
                return [both[i] for i in order]
            if isinstance(old, np.ndarray):
                return np.concatenate([old[keep], new])[order]
            kept = old[keep]  # a sparse matrix, widened to the columns the changed businesses added
            kept = sparse.csr_matrix((kept.data, kept.indices, kept.indptr), shape=(len(keep), new.shape[1]))
            return sparse.vstack([kept, new], format="csr")[order]

        side = object.__new__(BusinessSide)
        side.__dict__.update(fresh.__dict__)
        for name in ("facts", "term_sets", "prefixes", "codes", "districts", "is_local", "size", "living_wage",
                     "vcse", "owned"):
            setattr(side, name, rows(getattr(self, name), getattr(fresh, name)))
        side.levels = [rows(old, new) for old, new in zip(self.levels, fresh.levels)]
        side.text = self.text.with_businesses(rows(self.text.businesses, fresh.text.businesses))
        side.index = {b.business_id: i for i, b in enumerate(side.facts)}
        return side


class Scorer:
    """Every part of the score for a network's businesses against some opportunities, a block at a time."""

    def __init__(self, businesses: BusinessSide | Sequence[BusinessFacts], opportunities: Sequence[OpportunityFacts]):
        self.side = businesses if isinstance(businesses, BusinessSide) else BusinessSide(businesses)
        self.opportunities = list(opportunities)
        side = self.side
        self.vectors = side.text.opportunities([o.text for o in self.opportunities])
        self.term_weights = TextModel.term_weights(self.vectors)
        self.prefixes = [prefix_sets(o.cpv_codes) for o in self.opportunities]
        self.levels = [
            _rows([p[lv] for p in self.prefixes], columns, grow=False)
            for lv, columns in enumerate(side.level_columns)
        ]
        self.codes = _rows([o.cpv_codes for o in self.opportunities], side.code_columns, grow=False)
        self.districts = _rows([o.districts for o in self.opportunities], side.district_columns, grow=False)
        band = np.array([list(VALUE_BANDS).index(o.value_band) for o in self.opportunities], dtype=np.intp)
        not_for_smes = np.array([not o.suitable_for_sme for o in self.opportunities], dtype=bool)
        self.band, self.not_for_smes = band, not_for_smes
        self.wants_vcse = np.array([o.suitable_for_vcse for o in self.opportunities], dtype=np.float32)

    def block(self, start: int, stop: int) -> dict[str, np.ndarray]:
        """Every part, and the score, for businesses[start:stop] against all the opportunities."""
        side, rows = self.side, slice(start, stop)
        levels = np.zeros((stop - start, len(self.opportunities)), dtype=np.int8)
        for left, right in zip(side.levels, self.levels):
            # Nested levels: sharing one means sharing every level above it, so the count is the depth.
            levels += (left[rows] @ right.T).toarray() > 0
        same_code = (side.codes[rows] @ self.codes.T).toarray() > 0
        in_district = (side.districts[rows] @ self.districts.T).toarray() > 0
        cosine = TextModel.cosine(side.text.businesses[rows], self.vectors)
        size = side.size[rows]
        size_fit = SIZE_FIT[size][:, self.band] * np.where(self.not_for_smes[None, :], NOT_FOR_SMES[size][:, None], 1.0)
        accreditations = np.minimum(
            1.0,
            (0.5 * side.living_wage[rows] + 0.3 * side.owned[rows])[:, None]
            + 0.5 * side.vcse[rows, None] * self.wants_vcse[None, :],
        )
        parts = {
            "category": np.where(same_code, 1.0, CATEGORY_BY_LEVELS[levels]),
            "text": np.minimum(1.0, cosine / TEXT_FULL_AT),
            "locality": np.where(in_district, IN_DELIVERY_DISTRICT, np.where(side.is_local[rows, None], IN_LOCAL_AREA, 0.0)),
            "size": size_fit,
            "accreditations": accreditations,
        }
        score = sum(WEIGHTS[name] * values for name, values in parts.items())
        relevant = (levels > 0) | (cosine >= TEXT_ALONE)
        parts["score"] = np.where(relevant, score, 0.0).astype(np.float32)
        parts["levels"] = levels
        parts["same_code"] = same_code
        return parts

    def matches(self, threshold: float = THRESHOLD, only: Sequence[int] | None = None) -> Iterator[Match]:
        """The pairs at or above the threshold, with their parts and reasons (``only``: these business rows)."""
        # About BLOCK_CELLS pairs a block: one opportunity is scored against every business at once.
        step = max(1, BLOCK_CELLS // max(len(self.opportunities), 1))
        blocks = (
            [(i, i + 1) for i in only] if only is not None
            else [(s, min(s + step, len(self.side))) for s in range(0, len(self.side), step)]
        )
        # The loop below runs once for every kept pair (hundreds of thousands in a full run): everything it
        # reads is hoisted into locals and plain lists first.
        names = tuple(WEIGHTS)
        facts, term_sets, side_prefixes = self.side.facts, self.side.term_sets, self.side.prefixes
        opportunities, term_weights, prefixes = self.opportunities, self.term_weights, self.prefixes
        shared_terms = self.side.text.shared_terms
        for start, stop in blocks:
            parts = self.block(start, stop)
            rows, cols = np.nonzero(parts["score"] >= threshold)
            values = zip(*(np.round(parts[name][rows, cols].astype(np.float64), 3).tolist() for name in names))
            scores = np.round(parts["score"][rows, cols].astype(np.float64), 4).tolist()
            levels = parts["levels"][rows, cols].tolist()
            same_code = parts["same_code"][rows, cols].tolist()
            for i, j, score, parts_of_pair, level, same in zip(
                (rows + start).tolist(), cols.tolist(), scores, values, levels, same_code
            ):
                business, opportunity = facts[i], opportunities[j]
                components = dict(zip(names, parts_of_pair))
                words = shared_terms(term_sets[i], term_weights[j]) if components["text"] > 0 else []
                category = (
                    min(set(business.cpv_codes).intersection(opportunity.cpv_codes)) if same
                    else shared_category(side_prefixes[i], prefixes[j], level) if level
                    else None
                )
                yield Match(
                    business.business_id, opportunity.opportunity_id, opportunity.organisation_id, score,
                    components, reasons(business, opportunity, components, level, words, category, same),
                )


@lru_cache(maxsize=100_000)
def prefix_sets(codes: tuple[str, ...]) -> tuple[frozenset[str], ...]:
    """The codes' ancestors at each level of the tree: division, group, class, category, code.

    Cached: many businesses and opportunities name the same few codes, and a network's side is prepared often.
    """
    chains = [_ancestors(code) for code in codes]
    return tuple(frozenset(chain[lv] for chain in chains if len(chain) > lv) for lv in range(len(cpv.LEVEL_DIGITS)))


def shared_category(business: tuple[frozenset[str], ...], opportunity: tuple[frozenset[str], ...], levels: int) -> str:
    """The CPV code both sides have at the deepest level they share (``levels`` of them, from the scorer)."""
    return min(business[levels - 1] & opportunity[levels - 1])


_describe = lru_cache(maxsize=10_000)(cpv.describe)


def reasons(business: BusinessFacts, opportunity: OpportunityFacts, components: dict, levels: int,
            words: Sequence[str] = (), category: str | None = None, same_code: bool = False) -> list[str]:
    """Why a business fits, in words, strongest reason first ("local; CPV 45 construction work; ...")."""
    said: list[str] = []
    if components["locality"] >= IN_DELIVERY_DISTRICT:
        said.append(f"delivered in {business.district}, where you are")
    elif components["locality"] > 0:
        said.append("local")
    if levels:
        code = category or shared_category(prefix_sets(business.cpv_codes), prefix_sets(opportunity.cpv_codes), levels)
        said.append(_describe(code) if same_code else f"{_describe(code)} (same {LEVEL_WORDS[levels]})")
    if words:
        said.append("what you do mentions " + ", ".join(words))
    if components["size"] >= 1.0:
        said.append("value within your band")
    elif components["size"] >= 0.5:
        said.append("value at the edge of your band")
    if business.living_wage:
        said.append("Real Living Wage employer")
    if business.vcse and opportunity.suitable_for_vcse:
        said.append("suits a VCSE")
    if business.employee_owned:
        said.append("employee-owned")
    if business.cooperative:
        said.append("co-operative")
    return said
