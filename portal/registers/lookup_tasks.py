"""The worker side of the live Companies House lookup: batches committed as they finish.

A large network's first run can take an hour at 600 requests per 5 minutes, so each batch
of suppliers is committed on its own: a run stopped half way keeps what it learnt, and the
next run skips those suppliers (they were looked up within the set number of days).
"""
from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from flask import current_app
from sqlalchemy import select

from portal.extensions import db
from tenants.models import Network
from workers.units import RETRY_TRANSIENT, committed

from .companies_house_api import (
    CompaniesHouseKeyRejected,
    CompaniesHouseUnavailable,
    client_from_settings,
)
from .lookup import LookupReport, look_up_suppliers, suppliers_to_look_up

log = logging.getLogger(__name__)
BATCH = 25
# Companies House down: try the rest again later, a few times.
UNAVAILABLE_RETRY_SECONDS = 900


def lookup_is_on(config) -> bool:
    return bool(config.get("COMPANIES_HOUSE_API_KEY"))


@shared_task(bind=True, **RETRY_TRANSIENT)
def look_up_unmatched(self, network_id: int, supplier_ids: list[int] | None = None) -> dict:
    """Look up the network's unmatched suppliers (or those of ``supplier_ids``) on the live API."""
    client = client_from_settings(current_app.config)
    if client is None:
        return {"status": "off"}
    if db.session.get(Network, network_id) is None:  # deleted since the task was queued
        return {"status": "no network"}
    again_after = timedelta(days=current_app.config.get("COMPANIES_HOUSE_LOOKUP_AGAIN_DAYS", 30))
    ids = suppliers_to_look_up(db.session, network_id, supplier_ids, again_after=again_after)
    db.session.rollback()  # end the read; each batch is its own transaction
    report = LookupReport()
    try:
        for start in range(0, len(ids), BATCH):
            batch = ids[start:start + BATCH]
            report.add(committed(lambda session, batch=batch: _look_up_and_place(session, network_id, batch, client)))
    except CompaniesHouseKeyRejected as error:
        log.error("Companies House lookup for network %s stopped: %s", network_id, error)
        return {"status": "key rejected", "error": str(error), **report.as_dict()}
    except CompaniesHouseUnavailable as error:
        log.warning("Companies House lookup for network %s paused: %s", network_id, error)
        raise self.retry(exc=error, countdown=UNAVAILABLE_RETRY_SECONDS, max_retries=3)
    return {"status": "done", **report.as_dict()}


@shared_task
def look_up_all_networks() -> int:
    """Nightly, when the lookup is on: queue each network's lookup (suppliers new since, or due again)."""
    if not lookup_is_on(current_app.config):
        return 0
    network_ids = db.session.scalars(select(Network.id).order_by(Network.id)).all()
    db.session.rollback()
    for network_id in network_ids:
        look_up_unmatched.delay(network_id)
    return len(network_ids)


def _look_up_and_place(session, network_id: int, batch: list[int], client) -> LookupReport:
    report = look_up_suppliers(session, batch, client)
    if report.changed_ids:
        _place(session, network_id, report.changed_ids)
    return report


def _place(session, network_id: int, supplier_ids: set[int]) -> None:
    """A supplier given a number and postcode is placed and classed again (portal/registers/placing.py)."""
    from portal.registers.placing import place_suppliers

    place_suppliers(session, session.get(Network, network_id), sorted(supplier_ids))
