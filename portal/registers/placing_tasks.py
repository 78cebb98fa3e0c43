"""The worker side of placing: thin wrappers that commit once (tasks take ids and keys, never rows)."""
from __future__ import annotations

from celery import shared_task

from workers.units import RETRY_TRANSIENT, committed


@shared_task(**RETRY_TRANSIENT)
def place_network_suppliers(network_id: int, supplier_ids: list[int] | None = None) -> int:
    """Place and class one network's suppliers (all, or these); returns how many moved."""
    from tenants.models import Network

    from .placing import place_suppliers

    def work(session):
        network = session.get(Network, network_id)
        return 0 if network is None else len(place_suppliers(session, network, supplier_ids))

    return committed(work)


@shared_task(**RETRY_TRANSIENT)
def replace_changed_suppliers(register: str, keys: list[str]) -> int:
    """After a register refresh: place again only the suppliers holding a changed number or postcode."""
    from .placing import replace_changed

    return committed(lambda session: replace_changed(session, register, keys))


@shared_task(**RETRY_TRANSIENT)
def settle_network_suppliers(network_id: int, supplier_ids: list[int] | None = None) -> int:
    """Match (these, or every unmatched) supplier to the registers, then place and class; returns how many moved."""
    from tenants.models import Network

    from .settling import settle_suppliers

    def work(session):
        network = session.get(Network, network_id)
        return 0 if network is None else len(settle_suppliers(session, network, supplier_ids))

    return committed(work)


@shared_task
def settle_all_networks() -> int:
    """Nightly, before the totals: queue each network's matching and placing (one task each, retried alone)."""
    from portal.extensions import db
    from tenants.models import Network

    network_ids = db.session.scalars(db.select(Network.id).order_by(Network.id)).all()
    db.session.rollback()
    for network_id in network_ids:
        settle_network_suppliers.delay(network_id)
    return len(network_ids)


@shared_task(**RETRY_TRANSIENT)
def follow_register_load(register: str, changed_keys: list[str]) -> int:
    """After a register load: place again the suppliers whose register row changed, and match the unmatched."""
    from .loading import LoadResult
    from .settling import after_register_load

    result = LoadResult(register, None, None, 0, 0, frozenset(changed_keys), ())
    return committed(lambda session: after_register_load(session, result))
