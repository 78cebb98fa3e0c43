"""Matching runs: read a network's businesses and open opportunities, score them, replace the stored matches.

Every run opens the network's partners and businesses with ``network_wide``
(reason "matching") from its own arguments. A run replaces the matches it is
responsible for in one transaction: a whole network's, one opportunity's or one
business's, so there are never duplicates, and an opportunity that closed or
was withdrawn loses its matches at its next run (and every night).
"""
from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session

from portal.opportunities.models import Opportunity, OpportunityCategory, OpportunityLot
from portal.smes.models import SmeCategory, SmeProfile
from tenants import network_wide
from tenants.businesses import Business
from tenants.models import Organisation, User, utcnow

from .models import OpportunityMatch
from .scoring import BusinessFacts, BusinessSide, Match, OpportunityFacts, Scorer


@contextmanager
def opened_network(session: Session, network_id: int):
    """The one scope matching works in: the network's partners and every business of the network."""
    partner_ids = session.scalars(select(Organisation.id).where(Organisation.network_id == network_id)).all()
    with network_wide(partner_ids, "matching", business_networks=[network_id]):
        yield


def _verified_profiles(network_id: int):
    return (
        select(SmeProfile)
        .join(User, User.business_id == SmeProfile.business_id)
        .where(SmeProfile.network_id == network_id, User.email_verified_at.is_not(None))
    )


def business_facts(session: Session, network_id: int, business_ids: Iterable[int] | None = None) -> list[BusinessFacts]:
    """The network's verified businesses with a profile, as the scorer reads them, by business id."""
    query = _verified_profiles(network_id).order_by(SmeProfile.business_id)
    codes_query = select(SmeCategory.business_id, SmeCategory.cpv_code).where(SmeCategory.network_id == network_id)
    if business_ids is not None:
        query = query.where(SmeProfile.business_id.in_(list(business_ids)))
        codes_query = codes_query.where(SmeCategory.business_id.in_(list(business_ids)))
    codes = defaultdict(list)
    for business_id, code in session.execute(codes_query):
        codes[business_id].append(code)
    columns = [SmeProfile.business_id, SmeProfile.postcode_district, SmeProfile.is_local, SmeProfile.size_band,
               SmeProfile.what_we_do, SmeProfile.living_wage_accredited, SmeProfile.charity,
               SmeProfile.social_enterprise, SmeProfile.organisation_type, SmeProfile.employee_owned,
               SmeProfile.cooperative]
    facts = []
    for row in session.execute(query.with_only_columns(*columns)):
        vcse = row.charity or row.social_enterprise or row.organisation_type in ("charity", "cio", "community_interest_company")
        facts.append(BusinessFacts(
            row.business_id, tuple(sorted(codes[row.business_id])), row.postcode_district, row.is_local,
            row.size_band, row.what_we_do or "", row.living_wage_accredited, vcse, row.employee_owned, row.cooperative,
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


# The prepared businesses of each network, reused while they have not changed: rematching one new
# opportunity then costs its own scoring, not re-reading and re-weighing 20,000 profiles.
_sides: dict[int, tuple[tuple, BusinessSide]] = {}
_sides_lock = threading.Lock()


def _fingerprint(session: Session, network_id: int) -> tuple:
    """Changes whenever a verified profile or a category of the network is added, changed or removed."""
    profiles = session.execute(
        _verified_profiles(network_id).with_only_columns(
            func.count(), func.coalesce(func.sum(SmeProfile.id), 0), func.max(SmeProfile.updated_at)
        )
    ).one()
    categories = session.execute(
        select(func.count(), func.coalesce(func.sum(SmeCategory.id), 0)).where(SmeCategory.network_id == network_id)
    ).one()
    return (*profiles, *categories)


def business_side(session: Session, network_id: int) -> BusinessSide:
    """The network's businesses prepared for scoring, from the cache when nothing has changed."""
    fingerprint = _fingerprint(session, network_id)
    with _sides_lock:
        cached = _sides.get(network_id)
    if cached and cached[0] == fingerprint:
        return cached[1]
    side = BusinessSide(business_facts(session, network_id))
    with _sides_lock:
        _sides[network_id] = (fingerprint, side)
    return side


def _write(session: Session, network_id: int, matches: Iterable[Match]) -> int:
    """Insert the matches; on PostgreSQL as one statement over arrays (an executemany of 300,000 rows takes a minute)."""
    now = utcnow()
    matches = list(matches)
    if not matches:
        return 0
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text(
                "INSERT INTO opportunity_matches (opportunity_id, organisation_id, business_id, network_id, score,"
                " reasons, components, computed_at)"
                " SELECT o, org, b, :network_id, s, r::json, c::json, :now"
                " FROM unnest(CAST(:o AS integer[]), CAST(:org AS integer[]), CAST(:b AS integer[]),"
                " CAST(:s AS double precision[]), CAST(:r AS text[]), CAST(:c AS text[])) AS m(o, org, b, s, r, c)"
            ),
            {"network_id": network_id, "now": now, "o": [m.opportunity_id for m in matches],
             "org": [m.organisation_id for m in matches], "b": [m.business_id for m in matches],
             "s": [m.score for m in matches], "r": [json.dumps(m.reasons) for m in matches],
             "c": [json.dumps(m.components) for m in matches]},
        )
    else:
        session.execute(insert(OpportunityMatch.__table__), [
            {"opportunity_id": m.opportunity_id, "organisation_id": m.organisation_id, "business_id": m.business_id,
             "network_id": network_id, "score": m.score, "reasons": m.reasons, "components": m.components,
             "computed_at": now}
            for m in matches
        ])
    return len(matches)


def match_network(session: Session, network_id: int, today: date | None = None) -> int:
    """Every verified business of the network against every open opportunity; all its matches replaced."""
    with opened_network(session, network_id):
        side = BusinessSide(business_facts(session, network_id))
        opportunities = opportunity_facts(session, today=today)
        session.execute(delete(OpportunityMatch).where(OpportunityMatch.network_id == network_id))
        return _write(session, network_id, Scorer(side, opportunities).matches())


def rematch_opportunity(session: Session, opportunity_id: int, today: date | None = None) -> int:
    """One opportunity against the network's businesses; none kept if it is no longer open."""
    network_id = _network_of_opportunity(session, opportunity_id)
    if network_id is None:  # deleted since the task was queued
        return 0
    with opened_network(session, network_id):
        session.execute(delete(OpportunityMatch).where(OpportunityMatch.opportunity_id == opportunity_id))
        opportunities = opportunity_facts(session, [opportunity_id], today)
        if not opportunities:
            return 0
        return _write(session, network_id, Scorer(business_side(session, network_id), opportunities).matches())


def rematch_business(session: Session, business_id: int, today: date | None = None) -> int:
    """One business against its network's open opportunities; none kept if it is unverified or has no profile."""
    business = session.get(Business, business_id)
    if business is None:
        return 0
    with opened_network(session, business.network_id):
        session.execute(delete(OpportunityMatch).where(OpportunityMatch.business_id == business_id))
        side = business_side(session, business.network_id)
        if business_id not in side.index:
            return 0
        scorer = Scorer(side, opportunity_facts(session, today=today))
        return _write(session, business.network_id, scorer.matches(only=[side.index[business_id]]))


def _network_of_opportunity(session: Session, opportunity_id: int) -> int | None:
    """Which network an opportunity belongs to (the task has only its id)."""
    partners = session.execute(select(Organisation.id, Organisation.network_id)).all()
    with network_wide([p.id for p in partners], "matching: which partner owns the opportunity"):
        organisation_id = session.scalar(select(Opportunity.organisation_id).where(Opportunity.id == opportunity_id))
    return dict(partners).get(organisation_id)


def reasons_text(reasons: list[str]) -> str:
    """'local; CPV 45 construction work; value within your band'."""
    return "; ".join(reasons)

