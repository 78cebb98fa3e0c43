"""The worker side of matching: one opportunity, one business, a whole network nightly, the weekly digest.

Each task takes ids, opens the network's partners and businesses itself (never a
scope from whoever queued it) and commits once. Queue them after the commit that
changed the profile or the opportunity: ``enqueue_after_commit(session, rematch_business, business_id)``.
"""
from __future__ import annotations

import logging
import threading

from celery import current_app, shared_task
from celery.signals import worker_process_init
from sqlalchemy import select

from portal.extensions import db
from tenants import no_tenant
from tenants.models import Network
from workers.units import RETRY_TRANSIENT, committed

log = logging.getLogger(__name__)


@worker_process_init.connect
def prepare_networks_as_the_worker_starts(**_signal) -> threading.Thread:
    """Each new worker process prepares every network's businesses in a thread of its own.

    Preparing 20,000 businesses takes about half a second, which the first opportunity
    published after a restart would otherwise wait for (bench/README.md). A rematch
    that arrives meanwhile waits for the network being prepared rather than doing it twice.
    """
    thread = threading.Thread(target=_prepare_networks, args=(current_app.flask_app,), name="prepare networks",
                              daemon=True)
    thread.start()
    return thread


def _prepare_networks(flask_app) -> None:
    from . import services

    with flask_app.app_context(), no_tenant():
        try:
            services.prepare_every_network(db.session)
        except Exception:  # only a head start: each rematch prepares what it needs anyway
            log.warning("could not prepare the networks' businesses as the worker started", exc_info=True)
        finally:
            db.session.remove()


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
