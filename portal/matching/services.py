"""Matching runs: read a network's businesses and open opportunities, score them, store what changed.

Every run opens the network's partners and businesses with ``network_wide``
(reason "matching") from its own arguments. A run makes the matches it is
responsible for (a whole network's, one opportunity's or one business's) equal
to what it scored, in one transaction, writing only the rows that differ: so
there are never duplicates, an opportunity that closed or was withdrawn loses
its matches at its next run (and every night), and a night with nothing
changed writes nothing.
"""
from __future__ import annotations

import gc
import json
import threading
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import Text, bindparam, cast, delete, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from portal.opportunities.models import Opportunity, OpportunityCategory, OpportunityLot
from portal.smes.models import SmeCategory, SmeProfile
from tenants import network_wide
from tenants.businesses import Business
from tenants.models import Organisation, User, as_utc, utcnow

from .models import FirstMatch, OpportunityMatch, TextWeights
from .scoring import WEIGHTS, BusinessFacts, BusinessSide, Match, OpportunityFacts, Scorer
from .text import TextModel
from .writing import BATCH_ROWS, MatchWriter


@contextmanager
def opened_network(session: Session, network_id: int):
    """The one scope matching works in: the network's partners and every business of the network.

    The cycle collector is paused meanwhile: a run makes and drops hundreds of thousands of small
    objects (facts, matches, reasons), none of them in cycles, and the collector walking the whole
    heap again and again as they pile up cost a run up to a third of its Python time (bench/README.md).
    """
    partner_ids = session.scalars(select(Organisation.id).where(Organisation.network_id == network_id)).all()
    collecting = gc.isenabled()
    gc.disable()
    try:
        with network_wide(partner_ids, "matching", business_networks=[network_id]):
            yield
    finally:
        if collecting:
            gc.enable()


def _verified_profiles(network_id: int):
    return (
        select(SmeProfile)
        .join(User, User.business_id == SmeProfile.business_id)
        .where(SmeProfile.network_id == network_id, User.email_verified_at.is_not(None))
    )


READ_BY_IDS_AT_MOST = 500


def business_facts(session: Session, network_id: int, business_ids: Iterable[int] | None = None) -> list[BusinessFacts]:
    """The network's verified businesses with a profile, as the scorer reads them, by business id."""
    query = _verified_profiles(network_id).order_by(SmeProfile.business_id)
    codes_query = select(SmeCategory.business_id, SmeCategory.cpv_code).where(SmeCategory.network_id == network_id)
    wanted = None if business_ids is None else list(business_ids)
    if wanted is not None and len(wanted) > READ_BY_IDS_AT_MOST:
        # Thousands of ids: one read of the whole network, filtered here, is quicker than a list that long.
        keep = set(wanted)
        return [f for f in business_facts(session, network_id) if f.business_id in keep]
    if wanted is not None:
        query = query.where(SmeProfile.business_id.in_(wanted))
        codes_query = codes_query.where(SmeCategory.business_id.in_(wanted))
    codes = defaultdict(list)
    for business_id, code in session.execute(codes_query):
        codes[business_id].append(code)
    columns = [SmeProfile.business_id, SmeProfile.postcode_district, SmeProfile.is_local, SmeProfile.size_band,
               SmeProfile.what_we_do, SmeProfile.living_wage_accredited, SmeProfile.charity,
               SmeProfile.social_enterprise, SmeProfile.organisation_type, SmeProfile.employee_owned,
               SmeProfile.cooperative]
    facts = []
    vcse_types = ("charity", "cio", "community_interest_company")
    # Plain tuples, not named rows: this loop runs for every business of the network.
    for (business_id, district, is_local, size_band, what_we_do, living_wage, charity, social_enterprise,
         organisation_type, employee_owned, cooperative) in session.execute(query.with_only_columns(*columns)):
        vcse = charity or social_enterprise or organisation_type in vcse_types
        facts.append(BusinessFacts(
            business_id, tuple(sorted(codes[business_id])), district, is_local, size_band, what_we_do or "",
            living_wage, vcse, employee_owned, cooperative,
        ))
    return facts


def is_open(today: date | None = None):
    """Published and not past its closing date: the only opportunities that are matched."""
    return (Opportunity.status == "published") & (Opportunity.closing_date >= (today or date.today()))


def opportunity_facts(session: Session, opportunity_ids: Iterable[int] | None = None, today: date | None = None) -> list[OpportunityFacts]:
    """The open opportunities visible in the current scope (or these of them), as the scorer reads them."""
    query = select(Opportunity.id, Opportunity.organisation_id, Opportunity.title, Opportunity.description,
                   Opportunity.value_band, Opportunity.delivery_districts, Opportunity.suitable_for_sme,
                   Opportunity.suitable_for_vcse).where(is_open(today)).order_by(Opportunity.id)
    if opportunity_ids is not None:
        query = query.where(Opportunity.id.in_(list(opportunity_ids)))
    rows = session.execute(query).all()
    ids = [r.id for r in rows]
    codes, lots = defaultdict(list), defaultdict(list)
    for opportunity_id, code in session.execute(
        select(OpportunityCategory.opportunity_id, OpportunityCategory.cpv_code).where(OpportunityCategory.opportunity_id.in_(ids))
    ):
        codes[opportunity_id].append(code)
    for opportunity_id, title, description in session.execute(
        select(OpportunityLot.opportunity_id, OpportunityLot.title, OpportunityLot.description)
        .where(OpportunityLot.opportunity_id.in_(ids)).order_by(OpportunityLot.number)
    ):
        lots[opportunity_id].append(f"{title} {description}")
    return [
        OpportunityFacts(
            r.id, r.organisation_id, tuple(sorted(codes[r.id])), tuple(r.delivery_districts or ()), r.value_band,
            " ".join([r.title, r.description or "", *lots[r.id]]), r.suitable_for_sme, r.suitable_for_vcse,
        )
        for r in rows
    ]


# A full run re-learns the text weights when they are this old, or when the network's number of
# businesses has changed by more than this share since (a young network's new words then count at once).
RELEARN_TEXT_AFTER = timedelta(days=7)
RELEARN_TEXT_GROWTH = 0.10


def _stale(kept: TextWeights, business_count: int) -> bool:
    return (utcnow() - as_utc(kept.learnt_at) >= RELEARN_TEXT_AFTER
            or abs(business_count - kept.business_count) > RELEARN_TEXT_GROWTH * kept.business_count)


def prepare_businesses(session: Session, network_id: int, relearn: str = "when missing") -> BusinessSide:
    """The network's businesses prepared for scoring, with the kept text weights.

    ``relearn``: "when missing" (learn and keep them only if there are none), "when stale" (also
    when ``_stale``), or "now". Only a full run may re-learn kept weights: it rewrites every
    match with the new ones, so every run after it, full or one opportunity or one business,
    weighs words as it did.
    """
    facts = business_facts(session, network_id)
    kept = session.get(TextWeights, network_id, populate_existing=True)
    keep = kept is not None and (relearn == "when missing" or (relearn == "when stale" and not _stale(kept, len(facts))))
    if keep:
        return BusinessSide(facts, (kept.terms, kept.idf))
    terms, idf = TextModel([f.what_we_do for f in facts]).weights()
    if not terms:  # nobody has written a word yet: learn again next time
        return BusinessSide(facts)
    kept = kept or session.merge(TextWeights(network_id=network_id))
    kept.terms, kept.idf, kept.business_count, kept.learnt_at = terms, idf, len(facts), utcnow()
    session.flush()
    # Placed with the weights just kept, as every later run will place them (learning's own vectors
    # can differ from them in the last bit of a float, and a rematch must equal the full run).
    return BusinessSide(facts, (terms, idf))


# The prepared businesses of each network, reused while they have not changed: rematching one new
# opportunity then costs its own scoring, not re-reading and re-weighing 20,000 profiles; after a few
# profiles changed, only those are prepared again (``BusinessSide.changed``).
class _Prepared(NamedTuple):
    learnt_at: object  # when the text weights the side was prepared with were learnt
    stamps: dict[int, object]  # each verified business's profile's updated_at when it was read
    side: BusinessSide


_sides: dict[int, _Prepared] = {}
_network_locks: dict[int, threading.Lock] = {}
_sides_lock = threading.Lock()


def _stamps(session: Session, network_id: int) -> dict[int, object]:
    """When each verified business of the network last changed what matching reads of it.

    A profile's ``updated_at`` moves when it is saved and when its categories change
    (``smes.services.set_categories``); a business verifying its email, or losing its
    profile, comes or goes from this list. Read before the facts themselves, so a change
    made in between is seen as a change next time rather than missed.
    """
    rows = session.execute(_verified_profiles(network_id).with_only_columns(SmeProfile.business_id, SmeProfile.updated_at))
    return dict(rows.all())


def _learnt_at(session: Session, network_id: int):
    return session.scalar(select(TextWeights.learnt_at).where(TextWeights.network_id == network_id))


def _remember(network_id: int, prepared: _Prepared) -> None:
    with _sides_lock:
        _sides[network_id] = prepared


def business_side(session: Session, network_id: int) -> BusinessSide:
    """The network's businesses prepared for scoring: the cached side, patched where profiles changed."""
    with _preparing(network_id):  # a rematch arriving while the start-up thread prepares waits for it
        return _business_side(session, network_id)


def _preparing(network_id: int) -> threading.Lock:
    with _sides_lock:
        return _network_locks.setdefault(network_id, threading.Lock())


def prepare_every_network(session: Session) -> int:
    """Prepare the businesses of each network that has kept text weights; how many it prepared.

    What a worker process does as it starts (``tasks.py``), so the first opportunity published
    after a restart is matched as quickly as the next. Reads only: a network without weights
    learns them at its first run.
    """
    network_ids = session.scalars(select(TextWeights.network_id).order_by(TextWeights.network_id)).all()
    for network_id in network_ids:
        with opened_network(session, network_id):
            business_side(session, network_id)
        session.rollback()
    return len(network_ids)


def _business_side(session: Session, network_id: int) -> BusinessSide:
    learnt_at, stamps = _learnt_at(session, network_id), _stamps(session, network_id)
    with _sides_lock:
        cached = _sides.get(network_id)
    if cached and learnt_at is not None and cached.learnt_at == learnt_at and cached.side.text.learnt:
        changed = [b for b, stamp in stamps.items() if cached.stamps.get(b) != stamp]
        removed = cached.stamps.keys() - stamps.keys()
        if not changed and not removed:
            return cached.side
        side = cached.side.changed(business_facts(session, network_id, changed), removed)
        _remember(network_id, _Prepared(learnt_at, stamps, side))
        return side
    side = prepare_businesses(session, network_id)
    _remember(network_id, _Prepared(_learnt_at(session, network_id), stamps, side))
    return side


class Changes(NamedTuple):
    """What a run kept, and the rows it had to write to store exactly that."""

    kept: int
    inserted: int
    updated: int
    deleted: int


def _stored(session: Session, where) -> dict[tuple[int, int], tuple]:
    """The stored matches within ``where``, by (opportunity, business), reasons and parts as their stored text."""
    table = OpportunityMatch.__table__
    rows = session.execute(
        select(table.c.opportunity_id, table.c.business_id, table.c.id, table.c.organisation_id, table.c.score,
               cast(table.c.reasons, Text), cast(table.c.components, Text)).where(where)
    )
    return {(o, b): (row_id, org, score, reasons, components) for o, b, row_id, org, score, reasons, components in rows.all()}


# The reasons and parts repeat the same few hundred words and numbers across hundreds of thousands of
# matches: encoding each once is a third of the time json.dumps takes over every row.
_encoded = lru_cache(maxsize=100_000, typed=True)(json.dumps)


def reasons_json(reasons: list[str]) -> str:
    """``json.dumps(reasons)``, character for character."""
    return "[" + ", ".join(map(_encoded, reasons)) + "]"


_PARTS = tuple(WEIGHTS)
_PARTS_JSON = "{{" + ", ".join(f"{json.dumps(name)}: {{}}" for name in _PARTS) + "}}"


def components_json(components: dict[str, float]) -> str:
    """``json.dumps(components)``, character for character (the scorer's parts, in its order, from a template)."""
    if tuple(components) == _PARTS:
        return _PARTS_JSON.format(*map(_encoded, components.values()))
    return "{" + ", ".join(f"{_encoded(name)}: {_encoded(value)}" for name, value in components.items()) + "}"


def _store(session: Session, network_id: int, where, matches: Iterable[Match]) -> Changes:
    """Make the stored matches within ``where`` exactly ``matches``, writing only the rows that differ.

    A nightly run over an unchanged network then writes nothing, and a changed
    profile rewrites only its own pairs. Unchanged rows keep their ``computed_at``:
    it says when the match last changed. On PostgreSQL the rows are written while
    the next are scored (``writing.py``).
    """
    stored = _stored(session, where)
    now = utcnow()
    writer = MatchWriter(session, network_id, now) if session.get_bind().dialect.name == "postgresql" else None
    batch: list[tuple] = []
    new_pairs: list[tuple[int, int, int]] = []
    kept = inserted = updated = 0
    try:
        for m in matches:
            kept += 1
            row = (m.organisation_id, m.score, reasons_json(m.reasons), components_json(m.components))
            old = stored.pop((m.opportunity_id, m.business_id), None)
            if old is None:
                batch.append((None, m.opportunity_id, m.business_id, *row))
                new_pairs.append((m.opportunity_id, m.business_id, m.organisation_id))
                inserted += 1
            elif old[1:] != row:
                batch.append((old[0], m.opportunity_id, m.business_id, *row))
                updated += 1
            if writer is not None and len(batch) >= BATCH_ROWS:
                writer.write(batch)
                batch = []
        if writer is not None:
            writer.write(batch)
            writer.close()
    except BaseException:
        if writer is not None:
            writer.abandon()
        raise
    if writer is None:
        _orm_write(session, network_id, now, batch)
    deletes = [old[0] for old in stored.values()]
    table = OpportunityMatch.__table__
    for chunk in _chunks(deletes):
        session.execute(delete(table).where(table.c.id.in_(chunk)))
    _remember_first_matches(session, network_id, now, new_pairs)
    return Changes(kept, inserted, updated, len(deletes))


def _remember_first_matches(session: Session, network_id: int, now, pairs: list[tuple[int, int, int]]) -> None:
    """Note each pair new to the matches, once ever: the funnel counts who was matched after the match goes.

    Only new pairs reach here, so a nightly run over an unchanged network writes nothing; a pair
    matched, dropped and matched again keeps its first date (the conflict is ignored).
    """
    if not pairs:
        return
    table = FirstMatch.__table__
    dialect = session.get_bind().dialect.name
    insert_for = postgresql_insert if dialect == "postgresql" else sqlite_insert
    for chunk in _chunks(pairs):
        session.execute(
            insert_for(table).on_conflict_do_nothing(index_elements=["opportunity_id", "business_id"]),
            [{"opportunity_id": o, "business_id": b, "organisation_id": org, "network_id": network_id,
              "first_matched_at": now} for o, b, org in chunk],
        )


def _orm_write(session: Session, network_id: int, now, rows: list[tuple]) -> None:
    """The same rows through plain statements, where there is no COPY (SQLite)."""
    table = OpportunityMatch.__table__
    inserts = [r for r in rows if r[0] is None]
    updates = [r for r in rows if r[0] is not None]
    if inserts:
        session.execute(insert(table), [
            {"opportunity_id": o, "business_id": b, "organisation_id": org, "network_id": network_id, "score": s,
             "reasons": json.loads(r), "components": json.loads(c), "computed_at": now}
            for _, o, b, org, s, r, c in inserts
        ])
    if updates:
        session.execute(
            update(table).where(table.c.id == bindparam("row_id")).values(
                organisation_id=bindparam("org"), score=bindparam("s"), reasons=bindparam("r"),
                components=bindparam("c"), computed_at=now),
            [{"row_id": i, "org": org, "s": s, "r": json.loads(r), "c": json.loads(c)}
             for i, _, _, org, s, r, c in updates],
        )


def _chunks(values: list, size: int = 10_000):
    for start in range(0, len(values), size):
        yield values[start:start + size]


# pg_advisory_xact_lock(namespace, network id): one matching run of a network at a time. Each run
# compares what it scored with what is stored; two at once (the nightly run and a profile's rematch)
# would both insert the same new pair, and the second would fail on the unique constraint.
_RUN_LOCK = 73_301


def _one_run_at_a_time(session: Session, network_id: int) -> None:
    # SQLite serialises writers anyway; PostgreSQL needs telling. Taken before reading anything, so
    # a run that waited reads what the other committed.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:ns, :key)"), {"ns": _RUN_LOCK, "key": network_id})


def refresh_network(session: Session, network_id: int, today: date | None = None, relearn: str = "when stale") -> Changes:
    """Every verified business of the network against every open opportunity; the stored matches made equal to them."""
    with opened_network(session, network_id):
        _one_run_at_a_time(session, network_id)
        stamps = _stamps(session, network_id)
        side = prepare_businesses(session, network_id, relearn)
        # Kept for the rematches that follow in this worker. Should the run roll back new weights, their
        # learnt_at is not the stored one, and the next rematch prepares afresh.
        _remember(network_id, _Prepared(_learnt_at(session, network_id), stamps, side))
        opportunities = opportunity_facts(session, today=today)
        return _store(session, network_id, OpportunityMatch.__table__.c.network_id == network_id,
                      Scorer(side, opportunities).matches())


def match_network(session: Session, network_id: int, today: date | None = None) -> int:
    """Every verified business of the network against every open opportunity; how many matches it keeps."""
    return refresh_network(session, network_id, today).kept


def rematch_opportunity(session: Session, opportunity_id: int, today: date | None = None) -> int:
    """One opportunity against the network's businesses; none kept if it is no longer open."""
    network_id = _network_of_opportunity(session, opportunity_id)
    if network_id is None:  # deleted since the task was queued
        return 0
    with opened_network(session, network_id):
        _one_run_at_a_time(session, network_id)
        opportunities = opportunity_facts(session, [opportunity_id], today)
        matches = Scorer(business_side(session, network_id), opportunities).matches() if opportunities else ()
        where = OpportunityMatch.__table__.c.opportunity_id == opportunity_id
        return _store(session, network_id, where, matches).kept


def rematch_business(session: Session, business_id: int, today: date | None = None) -> int:
    """One business against its network's open opportunities; none kept if it is unverified or has no profile."""
    business = session.get(Business, business_id)
    if business is None:
        return 0
    network_id = business.network_id
    with opened_network(session, network_id):
        _one_run_at_a_time(session, network_id)
        side = business_side(session, network_id)
        matches = ()
        if business_id in side.index:
            matches = Scorer(side, opportunity_facts(session, today=today)).matches(only=[side.index[business_id]])
        where = OpportunityMatch.__table__.c.business_id == business_id
        return _store(session, network_id, where, matches).kept


def _network_of_opportunity(session: Session, opportunity_id: int) -> int | None:
    """Which network an opportunity belongs to (the task has only its id)."""
    partners = session.execute(select(Organisation.id, Organisation.network_id)).all()
    with network_wide([p.id for p in partners], "matching: which partner owns the opportunity"):
        organisation_id = session.scalar(select(Opportunity.organisation_id).where(Opportunity.id == opportunity_id))
    return dict(partners).get(organisation_id)


def reasons_text(reasons: list[str]) -> str:
    """'local; CPV 45 construction work; value within your band'."""
    return "; ".join(reasons)

