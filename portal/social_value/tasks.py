"""The worker side of social value totals: mark what changed, recompute after the commit, and nightly from scratch."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from celery import shared_task
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.extensions import db
from tenants.models import Network, Organisation
from workers import due
from workers.queueing import enqueue_after_commit
from workers.units import RETRY_TRANSIENT, committed

from . import totals
from .models import SocialValueTotalsPending


def queue_totals_refresh(session: Session, organisation_id: int, days: Iterable[date] | None = None) -> None:
    """Mark the partner's financial years holding ``days`` (None: every year) as waiting, and recompute them after the commit.

    The marks are written in the caller's transaction, so the report knows the
    snapshot is behind until the worker has run (it then adds up on demand).
    """
    network = session.get(Network, session.get(Organisation, organisation_id).network_id)
    years = None if days is None else {totals.year_of(network, day) for day in days}
    due.mark_due(session, TOTALS_DUE, network.id, organisation_id, years)


def queue_network_totals_refresh(session: Session, network: Network) -> None:
    """Every partner's figures of every year are waiting (a re-base): recompute the whole network after the commit.

    Call it inside a ``network_wide`` scope over the network's partners.
    """
    partner_ids = session.scalars(select(Organisation.id).where(Organisation.network_id == network.id)).all()
    for organisation_id in partner_ids:
        due.mark(session, TOTALS_DUE, organisation_id, None)
    enqueue_after_commit(session, recompute_network_social_value_totals, network.id)


@shared_task(**RETRY_TRANSIENT)
def recompute_social_value_totals(network_id: int, organisation_id: int, years: list[int] | None = None) -> None:
    """Rebuild one partner's social value totals for these financial years (None: all), then the network's."""

    def work(session):
        network = session.get(Network, network_id)
        if network is None:  # deleted since the task was queued
            return
        # recompute_partner_totals enters tenant_context(organisation_id) itself, from these arguments.
        rebuilt = totals.recompute_partner_totals(session, network, organisation_id, years)
        totals.recompute_network_totals(session, network, rebuilt)

    committed(work)


# Years marked when a change lands (queue_totals_refresh); totals.recompute_partner_totals clears them,
# and the sweep (workers.due) queues any refresh a lost message or a dead worker left undone.
TOTALS_DUE = due.register(due.DueRefresh(
    name="social value totals", model=SocialValueTotalsPending, period="year", lock=totals._PARTNER_LOCK,
    task=recompute_social_value_totals, arguments=lambda network_id, organisation_id, years: (network_id, organisation_id, years),
))


@shared_task(**RETRY_TRANSIENT)
def recompute_network_social_value_totals(network_id: int) -> None:
    """Rebuild every partner's social value totals and the network's for one network, from scratch."""

    def work(session):
        network = session.get(Network, network_id)
        if network is not None:
            totals.recompute_all(session, network)

    committed(work)


@shared_task
def recompute_all_social_value_totals() -> int:
    """Nightly: queue a full recompute of each network (one task each, so one failure retries alone)."""
    network_ids = db.session.scalars(select(Network.id).order_by(Network.id)).all()
    db.session.rollback()
    for network_id in network_ids:
        recompute_network_social_value_totals.delay(network_id)
    return len(network_ids)


@shared_task(**RETRY_TRANSIENT)
def chase_returns() -> dict:
    """Daily: remind suppliers of the returns that fell due, and tell managers of those still unmet (once each)."""
    from . import chasing

    result = committed(chasing.chase_all)
    return {"reminded": result.reminded, "escalated": result.escalated}
