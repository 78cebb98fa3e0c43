"""The matching fault scenario: a network's full match run (``match_network``) killed at random points.

The network is the benchmark's synthetic one (bench/matching_data.py: trades by
CPV division, words that go with them), loaded in bulk as the table owner. Each
round closes or reopens an opportunity, so the run has something new to get right.
"""
from __future__ import annotations

import importlib.util
import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import create_engine, func, insert, select, text, update

from portal.extensions import db
from portal.matching import services as matching
from portal.matching import tasks as matching_tasks
from portal.matching.models import OpportunityMatch
from portal.opportunities.models import Opportunity, OpportunityCategory
from portal.smes.models import SmeCategory, SmeProfile
from tenants import TenantScope, network_wide, rls
from tenants.businesses import Business
from tenants.models import User
from tests import settings
from tests.worker_process import REPO_ROOT

from .harness import Scenario, worker_in_transaction


def _synthetic():
    spec = importlib.util.spec_from_file_location("matching_data", REPO_ROOT / "bench" / "matching_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


def load(network_id: int, partner_ids: list[int], businesses, opportunities) -> tuple[list[int], list[int]]:
    """Insert the synthetic network after whatever rows are there (ids offset); returns the new ids."""
    now, closing = datetime.now(UTC), date.today() + timedelta(days=60)
    engine = create_engine(settings.MIGRATION_DATABASE_URL)
    with engine.begin() as conn:
        # The tables FORCE row-level security, on their owner too: open this network for the load.
        scope = TenantScope(tuple(partner_ids), None, "fault test load", business_network_ids=(network_id,))
        rls.sign_transaction(conn, scope, key=settings.RLS_SCOPE_KEY)
        b0 = conn.scalar(text("SELECT coalesce(max(id), 0) FROM businesses"))
        o0 = conn.scalar(text("SELECT coalesce(max(id), 0) FROM opportunities"))
        partner_of = {o.opportunity_id: partner_ids[o.opportunity_id % len(partner_ids)] for o in opportunities}
        conn.execute(insert(Business.__table__), [{"id": b0 + b.business_id, "network_id": network_id, "name": f"Firm {b0 + b.business_id}"}
                                                  for b in businesses])
        conn.execute(insert(User.__table__), [
            {"email": f"owner{b0 + b.business_id}@faults-firm.example", "name": "Owner", "password_hash": None,
             "business_id": b0 + b.business_id, "email_verified_at": now} for b in businesses])
        conn.execute(insert(SmeProfile.__table__), [
            {"business_id": b0 + b.business_id, "network_id": network_id, "postcode": f"{b.district} 1AA",
             "postcode_district": b.district, "is_local": b.is_local, "size_band": b.size_band, "what_we_do": b.what_we_do,
             "living_wage_accredited": b.living_wage, "charity": b.vcse, "employee_owned": b.employee_owned,
             "cooperative": b.cooperative} for b in businesses])
        conn.execute(insert(SmeCategory.__table__), [
            {"business_id": b0 + b.business_id, "network_id": network_id, "cpv_code": c} for b in businesses for c in b.cpv_codes])
        conn.execute(insert(Opportunity.__table__), [
            {"id": o0 + o.opportunity_id, "organisation_id": partner_of[o.opportunity_id], "title": o.text[:60],
             "description": o.text, "status": "published", "value_band": o.value_band, "delivery_districts": list(o.districts),
             "suitable_for_sme": o.suitable_for_sme, "suitable_for_vcse": o.suitable_for_vcse, "closing_date": closing,
             "published_at": now} for o in opportunities])
        conn.execute(insert(OpportunityCategory.__table__), [
            {"opportunity_id": o0 + o.opportunity_id, "organisation_id": partner_of[o.opportunity_id], "cpv_code": c}
            for o in opportunities for c in o.cpv_codes])
        for table in ("businesses", "opportunities"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
        conn.execute(text("ANALYZE businesses, sme_profiles, sme_categories, opportunities, opportunity_categories"))
    engine.dispose()
    return [b0 + b.business_id for b in businesses], [o0 + o.opportunity_id for o in opportunities]


def _matches(network_id: int) -> list[tuple]:
    rows = db.session.execute(select(OpportunityMatch.opportunity_id, OpportunityMatch.business_id, OpportunityMatch.score,
                                     OpportunityMatch.reasons).where(OpportunityMatch.network_id == network_id))
    return sorted((o, b, round(s, 9), tuple(r)) for o, b, s, r in rows)


def matches_hold(network_id: int) -> None:
    """The stored matches equal a fresh full match (made in a transaction then rolled back), each pair once."""
    db.session.remove()
    with matching.opened_network(db.session, network_id):
        stored = _matches(network_id)
        pairs = db.session.scalar(select(func.count()).select_from(
            select(OpportunityMatch.opportunity_id, OpportunityMatch.business_id).distinct()
            .where(OpportunityMatch.network_id == network_id).subquery()))
    assert pairs == len(stored), f"{len(stored) - pairs} duplicate matches"
    matching.match_network(db.session, network_id)
    with matching.opened_network(db.session, network_id):
        fresh = _matches(network_id)
    db.session.rollback()
    assert stored == fresh, f"{len(set(stored) ^ set(fresh))} matches differ from a fresh full match"


def matching_scenario(businesses: int = 3000, opportunities: int = 300, seed: int = 9) -> Scenario:
    """A network's nightly full match, after an opportunity closes or reopens each round."""
    from .scenarios import make_network

    rng = random.Random(seed)

    def setup(state):
        state["network_id"], state["partner_ids"], _ = make_network("Matching faults")
        facts = _synthetic()(businesses, opportunities, seed=seed, organisation_ids=(0, 1))
        _, state["opportunity_ids"] = load(state["network_id"], state["partner_ids"], *facts)
        matching.match_network(db.session, state["network_id"])
        db.session.commit()

    def start(state):
        opportunity_id = rng.choice(state["opportunity_ids"])
        with network_wide(state["partner_ids"], reason="fault scenario: an opportunity closes or reopens"):
            closing = db.session.scalar(select(Opportunity.closing_date).where(Opportunity.id == opportunity_id))
            reopened = date.today() + timedelta(days=30)
            db.session.execute(update(Opportunity).where(Opportunity.id == opportunity_id).values(
                closing_date=reopened if closing < date.today() else date.today() - timedelta(days=1)))
            db.session.commit()
        state["result"] = matching_tasks.match_network.apply_async((state["network_id"],))

    def check(state):
        matches_hold(state["network_id"])

    return Scenario("matching run", setup, start, lambda s: s["result"].state == "SUCCESS", check,
                    running=lambda s: worker_in_transaction())
