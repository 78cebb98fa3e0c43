"""Nightly: suggest CPV codes for spend categories that appeared since, in every network."""
from __future__ import annotations

from celery import shared_task
from sqlalchemy import select

from tenants.models import Network
from workers.units import RETRY_TRANSIENT, committed


@shared_task(**RETRY_TRANSIENT)
def suggest_category_codes() -> int:
    """Suggest a code for each network's categories the lead has not chosen; returns how many changed."""
    from . import services

    def work(session):
        networks = session.scalars(select(Network).order_by(Network.id)).all()
        return sum(services.suggest_codes(session, network) for network in networks)

    return committed(work)
