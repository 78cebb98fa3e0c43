"""With a real worker: does publishing an opportunity or changing a profile reach the matches, and does the nightly run?"""
from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.matching import services, tasks
from portal.matching.models import OpportunityMatch
from workers.queueing import enqueue_after_commit


def _pairs(network_id) -> set:
    db.session.remove()  # a fresh session each time: see what the worker committed
    with services.opened_network(db.session, network_id):
        pairs = set(db.session.execute(select(OpportunityMatch.opportunity_id, OpportunityMatch.business_id)).all())
    db.session.rollback()
    return pairs


def _wait_for(network_id, expected, seconds=60):
    deadline = time.monotonic() + seconds
    while _pairs(network_id) != expected:
        assert time.monotonic() < deadline, f"the worker did not match in time: {_pairs(network_id)} != {expected}"
        time.sleep(0.3)


@pytest.mark.worker
def test_does_the_worker_rematch_an_opportunity_a_business_and_a_network(
    make_network, make_partner, make_business, make_opportunity, celery_worker_process,
):
    network = make_network()
    network_id = network.id
    # Plain ids: reading what the worker committed starts a fresh session, detaching these rows.
    council = SimpleNamespace(id=make_partner("Council", network).id)
    roofer = SimpleNamespace(id=make_business("Slate & Co", network, cpv_codes=("45261000",), what_we_do="Slate roofing").id)
    roof = make_opportunity(council, "Depot roof", "Slate roofing", ("45261000",))

    enqueue_after_commit(db.session, tasks.rematch_opportunity, roof)
    db.session.commit()
    _wait_for(network_id, {(roof, roofer.id)})

    joiner = make_business("Joiner Roofs", SimpleNamespace(id=network_id, local_area=["S60"]), cpv_codes=("45261000",),
                           what_we_do="Roof repairs")
    enqueue_after_commit(db.session, tasks.rematch_business, joiner.id)
    db.session.commit()
    _wait_for(network_id, {(roof, roofer.id), (roof, joiner.id)})

    tasks.match_all_networks.delay()
    hall = make_opportunity(council, "Hall roof", "Slate roofing", ("45261000",))
    tasks.match_network.delay(network_id)
    _wait_for(network_id, {(roof, roofer.id), (roof, joiner.id), (hall, roofer.id), (hall, joiner.id)})
