"""The worker side of spend totals: thin wrappers that set the scope and commit."""
from __future__ import annotations

import logging
import time
from datetime import date

from celery import shared_task
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from portal.extensions import db
from portal.operations.metrics import import_finished
from tenants.models import Network, Organisation
from workers import due, enqueue_after_commit
from workers.units import RETRY_TRANSIENT, committed

from . import totals
from .models import SpendTotalsPending

log = logging.getLogger(__name__)

@shared_task(**RETRY_TRANSIENT)
def recompute_spend_totals(network_id: int, organisation_id: int, months: list[str] | None) -> int:
    """Rebuild one partner's totals for the periods holding ``months`` (ISO dates; None: all), then the network's."""
    wanted = None if months is None else [totals.first_of_month(date.fromisoformat(m)) for m in months]

    def work(session):
        network = session.get(Network, network_id)
        if network is None:  # deleted since the task was queued
            return 0
        due.clear_due(session, TOTALS_DUE, organisation_id, wanted)
        # recompute_partner_totals enters tenant_context(organisation_id) itself, from these arguments.
        periods = totals.recompute_partner_totals(session, network, organisation_id, wanted)
        totals.recompute_network_totals(session, network, periods)
        return len(periods or ())

    return committed(work)


# Months marked when lines change (services.queue_totals_refresh); the sweep queues any refresh left undone.
TOTALS_DUE = due.register(due.DueRefresh(
    name="spend totals", model=SpendTotalsPending, period="month", lock=totals._PARTNER_LOCK, task=recompute_spend_totals,
    arguments=lambda network_id, organisation_id, months: (
        network_id, organisation_id, None if months is None else [m.isoformat() for m in months]),
))


@shared_task(**RETRY_TRANSIENT)
def refresh_network_totals(network_id: int, periods: list[list[str]] | None = None) -> None:
    """Rebuild the network's totals from its partners' (``periods`` as [type, ISO start] pairs; None: all)."""
    wanted = None if periods is None else [(kind, date.fromisoformat(start)) for kind, start in periods]

    def work(session):
        network = session.get(Network, network_id)
        if network is not None:
            totals.recompute_network_totals(session, network, wanted)

    committed(work)


@shared_task(**RETRY_TRANSIENT)
def recompute_network_spend_totals(network_id: int) -> None:
    """Rebuild every partner's totals and the network's for one network, from scratch."""

    def work(session):
        network = session.get(Network, network_id)
        if network is not None:
            partner_ids = session.scalars(select(Organisation.id).where(Organisation.network_id == network_id)
                                          .order_by(Organisation.id)).all()
            for organisation_id in partner_ids:  # in id order, as recompute_all takes the same locks
                due.clear_due(session, TOTALS_DUE, organisation_id, None)
            totals.recompute_all(session, network)

    committed(work)


@shared_task
def recompute_all_spend_totals() -> int:
    """Nightly: queue a full recompute of each network (one task each, so one failure retries alone)."""
    network_ids = db.session.scalars(select(Network.id).order_by(Network.id)).all()
    db.session.rollback()
    for network_id in network_ids:
        recompute_network_spend_totals.delay(network_id)
    return len(network_ids)


@shared_task(bind=True, **RETRY_TRANSIENT)
def import_spend_file(self, organisation_id: int, import_id: int) -> dict:
    """Import an uploaded spend file for the partner named in the arguments; safe to run again."""
    from tenants import tenant_context
    from tenants.models import Organisation

    from .import_recovery import heartbeat
    from .importing import fail_import, run_import
    from .services import queue_totals_refresh

    # A redelivered task (its worker died) runs the import again from the start: the
    # killed attempt's lines were never committed, and a line already in is a duplicate.
    started = time.perf_counter()
    with tenant_context(organisation_id), heartbeat(db.session, import_id):
        try:
            outcome = run_import(db.session, import_id)
            if outcome.months:
                queue_totals_refresh(db.session, db.session.get(Organisation, organisation_id), outcome.months)
            elif outcome.settled_before:
                # The worker that placed the lines died before it queued their refresh: queue it now from
                # the marks its commit left, rather than leave the totals stale until the sweep's grace runs out.
                due.requeue_partner(db.session, TOTALS_DUE, db.session.get(Organisation, organisation_id))
            if outcome.imported:
                # A new supplier may be a business already registered with the network: link it.
                from portal.registers.settling import settle_suppliers
                from portal.smes.tasks import link_network_businesses

                network = db.session.get(Organisation, organisation_id).network
                enqueue_after_commit(db.session, link_network_businesses, network.id)
                # New suppliers are matched to the registers and placed in the import's own commit, with
                # every partner's months their places moved marked due: no moment when the import's lines
                # are in but their suppliers unplaced, and nothing left to a message that could be lost.
                settle_suppliers(db.session, network)
            db.session.commit()
        except OperationalError:
            db.session.rollback()
            raise
        except Exception as error:
            db.session.rollback()
            log.exception("spend import %s failed", import_id)
            fail_import(db.session, import_id, f"The import stopped unexpectedly ({type(error).__name__}). Try again; if it fails again, tell the portal's administrators.")
            db.session.commit()
            return {"status": "failed"}
    import_finished("spend", outcome.imported + outcome.already_held + outcome.rejected, time.perf_counter() - started)
    return {"status": outcome.status, "imported": outcome.imported, "already_held": outcome.already_held, "rejected": outcome.rejected}


@shared_task(**RETRY_TRANSIENT)
def fail_stale_spend_imports() -> int:
    """Periodic: mark failed the imports whose worker died (silent past the lease), so the officer can retry."""
    from .import_recovery import fail_stale_imports

    return committed(fail_stale_imports)
