"""The worker side of matching: one opportunity, one business, a whole network nightly, the weekly digest.

Each task takes ids, opens the network's partners and businesses itself (never a
scope from whoever queued it) and commits once. Queue them after the commit that
changed the profile or the opportunity: ``enqueue_after_commit(session, rematch_business, business_id)``.
"""
from __future__ import annotations

from celery import shared_task
from sqlalchemy import select

from portal.extensions import db
from tenants.models import Network
from workers.units import RETRY_TRANSIENT, committed


@shared_task(**RETRY_TRANSIENT)
def rematch_opportunity(opportunity_id: int) -> int:
    """Score one opportunity against every verified business of its network; replace its matches."""
    from . import services

    return committed(lambda session: services.rematch_opportunity(session, opportunity_id))


@shared_task(**RETRY_TRANSIENT)
def rematch_business(business_id: int) -> int:
    """Score one business's profile against every open opportunity of its network; replace its matches."""
    from . import services

    return committed(lambda session: services.rematch_business(session, business_id))


@shared_task(**RETRY_TRANSIENT)
def match_network(network_id: int) -> int:
    """Every verified business of one network against every open opportunity, from scratch."""
    from . import services

    return committed(lambda session: services.match_network(session, network_id))


@shared_task
def match_all_networks() -> int:
    """Nightly: queue a full match of each network (one task each, so one failure retries alone)."""
    network_ids = db.session.scalars(select(Network.id).order_by(Network.id)).all()
    db.session.rollback()
    for network_id in network_ids:
        match_network.delay(network_id)
    return len(network_ids)


@shared_task(**RETRY_TRANSIENT)
def send_weekly_digests() -> int:
    """Weekly: email each opted-in, verified business its best new matches, once a week."""
    from . import digest

    return committed(digest.send_weekly_digests)
