"""The worker side of SMEs: linking registered businesses to the supplier register."""
from __future__ import annotations

from celery import shared_task
from sqlalchemy import select

from portal.extensions import db
from tenants.models import Network
from workers.units import RETRY_TRANSIENT, committed


@shared_task(**RETRY_TRANSIENT)
def link_network_businesses(network_id: int) -> int:
    """Link one network's businesses to suppliers that now match them (nightly, or after a spend import)."""
    from .services import link_businesses_to_suppliers

    return len(committed(lambda session: link_businesses_to_suppliers(session, network_id)))


@shared_task
def link_all_businesses_to_suppliers() -> int:
    """Nightly: queue the linking for each network (one task each, so one failure retries alone)."""
    network_ids = db.session.scalars(select(Network.id).order_by(Network.id)).all()
    db.session.rollback()
    for network_id in network_ids:
        link_network_businesses.delay(network_id)
    return len(network_ids)
