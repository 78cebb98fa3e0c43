"""Tie the network's suppliers to the official registers: by number, then by name, then fuzzily within a block.

``match_suppliers`` reads every supplier it is given (never one the lead placed by hand) and,
with a few IN queries per step, decides for each one:

1. **Number.** The supplier's company, charity or society number found in its register
   (a charity's company number ties it to the company as well): ``match_method="number"``, 100.
2. **Name.** Its normalised name (the same key the registers store, portal/registers/names.py)
   among current names, then previous names of companies; for "X trading as Y", the
   registered part X too. Live entries (not dissolved or removed) are preferred: a dissolved
   company is matched only when no live entry has the name. Several live entries with one
   name are never chosen between blindly: the one at the supplier's own postcode if exactly
   one is, otherwise all go to the lead's review.
3. **Fuzzy.** Candidates come only from the supplier's block (``block_of``), scored with
   rapidfuzz's ``token_sort_ratio`` (word order does not matter, and unlike ``WRatio`` a short
   name is not a near-perfect match for every longer name that contains it). A live best at
   or above ``AUTO_SCORE`` with ``MARGIN`` over the next entity is matched; anything at or
   above ``REVIEW_SCORE`` goes to the lead's review, best first; below that, nothing.

A match is refused when it disagrees with a number the supplier already has in the same
register (a spend file's company number X, the name pointing at company Y): the conflict is
reported and nothing changes. Candidates the lead refused are never offered or matched again.

On a match the supplier takes the entity's numbers; its place (postcode) comes from the register
only when it has none, or when its postcode came from a register (or the API) in the first
place. A postcode from a partner's spend file stays: it is the address that partner pays,
and its spellings resolve to this supplier by it (portal/suppliers/services.py), so the register
does not move it; the lead can override either way. ``place_source`` and ``place_source_date``
(the date of the register's latest loaded file) say where the place came from.
District, ward and locality are ``portal.registers.placing``'s work, for ``changed_ids``.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.spend.normalise import normalise_supplier_name
from portal.suppliers.models import Supplier, SupplierRegisterCandidate
from tenants.models import Network, utcnow

from .applying import NUMBER_COLUMNS, apply_decisions
from .entries import (
    Entity,
    charities_by_number,
    chunks,
    companies_by_number,
    entities_of,
    entries_by_name,
    entries_for,
    mutuals_by_number,
    names_in_blocks,
)
from .names import block_of, register_key
from .services import register_dates

# One slip in a name of 15 letters or more still scores 93; two firms whose names differ by a
# letter ("acme building services" and "acme buildings service") score within 5 of each other
# against the same typo, so neither is taken; 82 is as low as a candidate is worth the lead's time.
AUTO_SCORE = 93
MARGIN = 5
REVIEW_SCORE = 82
# Candidates offered to the lead for one supplier, best first.
REVIEW_LIMIT = 5
TRADING_AS = " trading as "


@dataclass(frozen=True)
class Conflict:
    """A match refused: the register entry the name points at has another number than the supplier's own."""

    supplier_id: int
    supplier_name: str
    register: str
    own_number: str
    found_number: str
    found_name: str
    method: str


@dataclass
class MatchReport:
    """What one run did: ids of suppliers whose numbers or place changed (for placing), and counts."""

    considered: int = 0
    changed_ids: list[int] = field(default_factory=list)
    matched: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # Suppliers left with candidates for the lead to review.
    to_review: list[int] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    unmatched: int = 0
    # Pairs fuzzy matching scored: the sum over blocks of suppliers x names in the block.
    comparisons: int = 0


@dataclass
class _Supplier:
    id: int
    name: str
    key: str
    company_number: str | None
    charity_number: str | None
    mutual_number: str | None
    postcode: str | None
    place_source: str | None
    place_source_date: date | None
    match_method: str | None
    match_confidence: int | None
    placed_by_id: int | None

    def own(self, register: str) -> str | None:
        return getattr(self, NUMBER_COLUMNS[register])

    @property
    def keys(self) -> list[str]:
        """The name's key, and for "X trading as Y" the registered part X."""
        keys = [self.key]
        if TRADING_AS in self.key:
            # Keyed again: "smith ltd trading as quick fix" has its legal form in the middle.
            try:
                keys.append(normalise_supplier_name(self.key.split(TRADING_AS, 1)[0]))
            except ValueError:
                pass
        return keys

    @property
    def fuzzy_key(self) -> str:
        return self.keys[-1]


@dataclass
class _Decision:
    kind: str  # "match", "review", "conflict" or "none"
    entity: Entity | None = None
    method: str | None = None
    confidence: int | None = None
    candidates: list[tuple[Entity, str, float]] = field(default_factory=list)
    conflict: Conflict | None = None


def _load_suppliers(session: Session, network: Network, supplier_ids) -> list[_Supplier]:
    columns = (Supplier.id, Supplier.name, Supplier.normalised_name, Supplier.company_number, Supplier.charity_number,
               Supplier.mutual_number, Supplier.postcode, Supplier.place_source, Supplier.place_source_date,
               Supplier.match_method, Supplier.match_confidence, Supplier.placed_by_id)
    base = select(*columns).where(Supplier.network_id == network.id, Supplier.place_by_lead.is_(False))
    if supplier_ids is None:
        rows = session.execute(base.order_by(Supplier.id)).all()
    else:
        rows = [row for chunk in chunks(sorted(set(supplier_ids))) for row in session.execute(base.where(Supplier.id.in_(chunk)))]
    return [_Supplier(*row) for row in rows]


def _decided_pairs(session: Session, network: Network, ids: list[int]) -> tuple[dict, dict]:
    """(refused pairs, existing candidate rows) of these suppliers, by supplier id."""
    refused: dict[int, set] = defaultdict(set)
    existing: dict[int, dict] = defaultdict(dict)
    for chunk in chunks(ids):
        for candidate in session.scalars(
            select(SupplierRegisterCandidate).where(
                SupplierRegisterCandidate.network_id == network.id, SupplierRegisterCandidate.supplier_id.in_(chunk)
            )
        ):
            existing[candidate.supplier_id][(candidate.register, candidate.number)] = candidate
            if candidate.status == "refused":
                refused[candidate.supplier_id].add((candidate.register, candidate.number))
    return refused, existing


def _conflict(supplier: _Supplier, entity: Entity, method: str) -> Conflict | None:
    for register, found in entity.numbers.items():
        own = supplier.own(register)
        if own and found and own != found:
            entry = entity.entries.get(register) or entity.primary
            return Conflict(supplier.id, supplier.name, register, own, found, entry.name, method)
    return None


def _by_number(supplier: _Supplier, companies, charities, mutuals) -> _Decision | None:
    company = companies.get(supplier.company_number)
    charity = charities.get(supplier.charity_number)
    # A society's number often arrives in the company number column ("IP29627R").
    mutual = mutuals.get(supplier.mutual_number) or mutuals.get(supplier.company_number)
    if charity is not None and charity.company_number:
        company = company or companies.get(charity.company_number)
        if company is not None and company.number != charity.company_number:
            # The charity register ties the charity to another company than the one the supplier names.
            return _Decision("conflict", conflict=Conflict(
                supplier.id, supplier.name, "companies", company.number, charity.company_number, charity.name, "number"))
    found = {r: e for r, e in (("companies", company), ("charities", charity), ("mutuals", mutual)) if e is not None}
    if not found:
        return None
    entity = Entity(found)
    conflict = _conflict(supplier, entity, "number")
    if conflict is not None:
        return _Decision("conflict", conflict=conflict)
    return _Decision("match", entity, "number", 100)


def _choose(supplier: _Supplier, entities: list[Entity], method: str, refused: set) -> _Decision | None:
    """Among entities sharing the supplier's name: the one live entity, or review."""
    entities = [e for e in entities if not (e.pairs() & refused)]
    if not entities:
        return None
    live = [e for e in entities if e.live]
    pool = live or entities
    if len(pool) > 1 and supplier.postcode:
        here = [e for e in pool if e.place is not None and e.place.postcode == supplier.postcode]
        if len(here) == 1:
            pool = here
    if len(pool) == 1:
        conflict = _conflict(supplier, pool[0], method)
        if conflict is not None:
            return _Decision("conflict", conflict=conflict)
        return _Decision("match", pool[0], method, 100)
    offered = [(e, method, 100.0) for e in sorted(entities, key=lambda e: (not e.live, e.primary.name))
               if _conflict(supplier, e, method) is None]
    return _Decision("review", candidates=offered[:REVIEW_LIMIT]) if offered else None


def _by_name(supplier: _Supplier, named, companies, refused: set) -> _Decision | None:
    for method, found in (("name", named.current), ("previous_name", named.previous)):
        for key in supplier.keys:
            if key in found:
                decision = _choose(supplier, entities_of(found[key], companies), method, refused)
                if decision is not None:
                    return decision
    return None


def _length_bounds(length: int) -> tuple[int, int]:
    """The lengths a name may have and still score REVIEW_SCORE against a key of this length.

    token_sort_ratio is the Indel ratio of the sorted words, 100 * (1 - distance / (a + b)), and
    the distance is at least the difference in length (sorting keeps the length of a key whose
    words are single-spaced); so a name of length b can reach the score only if
    |a - b| / (a + b) <= 1 - score / 100.
    """
    slack = 1 - REVIEW_SCORE / 100
    return math.floor(length * (1 - slack) / (1 + slack)), math.ceil(length * (1 + slack) / (1 - slack))


def _score_blocks(session: Session, suppliers: list[_Supplier], report: MatchReport) -> dict[int, list[tuple]]:
    """Each supplier's scored (register, number, score) at or above REVIEW_SCORE, from its own block only."""
    by_block: dict[str, list[_Supplier]] = defaultdict(list)
    for supplier in suppliers:
        by_block[block_of(supplier.fuzzy_key)].append(supplier)
    lengths = {}
    for block, members in by_block.items():
        bounds = [_length_bounds(len(s.fuzzy_key)) for s in members]
        lengths[block] = (min(b[0] for b in bounds), max(b[1] for b in bounds))
    names = names_in_blocks(session, lengths)
    scored: dict[int, list[tuple]] = {}
    for block, members in by_block.items():
        choices = names.get(block, [])
        if not choices:
            continue
        report.comparisons += len(members) * len(choices)
        matrix = process.cdist(
            [s.fuzzy_key for s in members], [name for _, _, name in choices],
            scorer=fuzz.token_sort_ratio, score_cutoff=REVIEW_SCORE, dtype="float32", workers=1,
        )
        for row, supplier in enumerate(members):
            hits = matrix[row].nonzero()[0]
            if len(hits):
                scored[supplier.id] = [(*choices[i][:2], float(matrix[row][i])) for i in hits]
    return scored


def _same_numbers(key: str, entity: Entity) -> bool:
    """Do the two names carry the same numbers? "Unit 4 Builders" is not "Unit 5 Builders", nor a
    budget code "2022:06D" "2022:07D", however close the letters: such pairs go to the lead, never in automatically."""
    named = register_key(entity.primary.name)
    return named is not None and re.findall(r"[0-9]+", key) == re.findall(r"[0-9]+", named[0])


def _fuzzy(supplier: _Supplier, hits: list[tuple], entries: dict, companies: dict, refused: set) -> _Decision | None:
    best: dict[tuple, tuple[Entity, float]] = {}
    for register, number, score in hits:
        entry = entries.get((register, number))
        if entry is None:
            continue
        entity = entities_of([entry], companies)[0]
        if entity.pairs() & refused:
            continue
        if entity.key not in best or best[entity.key][1] < score:
            best[entity.key] = (entity, score)
    ranked = sorted(best.values(), key=lambda pair: (-pair[1], not pair[0].live, pair[0].primary.name))
    if not ranked:
        return None
    top, score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    if score >= AUTO_SCORE and top.live and score - runner_up >= MARGIN and _same_numbers(supplier.fuzzy_key, top):
        conflict = _conflict(supplier, top, "fuzzy")
        if conflict is not None:
            return _Decision("conflict", conflict=conflict)
        return _Decision("match", top, "fuzzy", int(score))
    offered = [(e, "fuzzy", s) for e, s in ranked if _conflict(supplier, e, "fuzzy") is None]
    return _Decision("review", candidates=offered[:REVIEW_LIMIT]) if offered else None


def match_suppliers(session: Session, network: Network, supplier_ids=None, *, now: datetime | None = None) -> MatchReport:
    """Match the network's suppliers (or those ids) to the registers; the caller commits.

    Suppliers the lead placed by hand are left alone. Returns the ids whose numbers or
    place changed, for ``portal.registers.placing.place_suppliers``.
    """
    now = now or utcnow()
    report = MatchReport()
    suppliers = _load_suppliers(session, network, supplier_ids)
    report.considered = len(suppliers)
    if not suppliers:
        return report
    refused, existing = _decided_pairs(session, network, [s.id for s in suppliers])
    dates = register_dates(session)

    companies = companies_by_number(session, {s.company_number for s in suppliers if s.company_number})
    charities = charities_by_number(session, {s.charity_number for s in suppliers if s.charity_number})
    mutuals = mutuals_by_number(session, {n for s in suppliers for n in (s.mutual_number, s.company_number) if n})
    linked = {c.company_number for c in charities.values() if c.company_number} - set(companies)
    companies.update(companies_by_number(session, linked))

    decisions: dict[int, _Decision] = {}
    rest = []
    for supplier in suppliers:
        decision = _by_number(supplier, companies, charities, mutuals)
        if decision is None:
            rest.append(supplier)
        else:
            decisions[supplier.id] = decision

    named = entries_by_name(session, {key for s in rest for key in s.keys})
    _add_linked_companies(session, companies, [e for found in (named.current, named.previous) for es in found.values() for e in es])
    fuzzy_needed = []
    for supplier in rest:
        decision = _by_name(supplier, named, companies, refused[supplier.id])
        if decision is None:
            fuzzy_needed.append(supplier)
        else:
            decisions[supplier.id] = decision

    scored = _score_blocks(session, fuzzy_needed, report)
    entries = entries_for(session, {(r, n) for hits in scored.values() for r, n, _ in hits})
    companies.update({n: e for (r, n), e in entries.items() if r == "companies"})
    for supplier in fuzzy_needed:
        hits = scored.get(supplier.id)
        decisions[supplier.id] = (_fuzzy(supplier, hits, entries, companies, refused[supplier.id]) if hits else None) or _Decision("none")

    apply_decisions(session, network, suppliers, decisions, existing, dates, now, report)
    return report


def _add_linked_companies(session: Session, companies: dict, entries) -> None:
    """The companies that charities found by name belong to, so a charitable company is one entity."""
    wanted = {e.company_number for e in entries if e.register == "charities" and e.company_number} - set(companies)
    companies.update(companies_by_number(session, wanted))
