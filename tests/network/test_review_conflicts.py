"""Is a pair of suppliers whose company or charity numbers disagree never proposed to the lead, wherever pairs are counted?"""
from __future__ import annotations

import re

from sqlalchemy import select

from portal.extensions import db
from portal.network import supplier_register
from portal.suppliers.models import Supplier, SupplierMatchCandidate
from tenants.models import Network

from .test_review_queue import _pair, _supplier


def _queue(anchors) -> set[int]:
    network = db.session.get(Network, anchors.network.id)
    return {pair.id for pair in supplier_register.pending_candidates(db.session, network)}


def _to_review_on_the_network_page(client, anchors) -> int:
    page = client.get(f"/network/{anchors.network.id}").get_data(as_text=True)
    found = re.search(r"(\d+) to review", page)
    return int(found.group(1)) if found else 0


def test_conflicting_pairs_are_neither_offered_nor_counted(anchors, sign_in):
    one = _supplier(anchors.network, "Smith Builders Ltd", company_number="01234567")
    other = _supplier(anchors.network, "Smith Builders Limited", company_number="07654321")
    charity_one = _supplier(anchors.network, "Hope Trust", charity_number="1100001")
    charity_other = _supplier(anchors.network, "Hope Trust (The)", charity_number="1100002")
    unnumbered = _supplier(anchors.network, "Smith Builders")
    conflicting = {_pair(anchors.network, one, other, 99.0).id, _pair(anchors.network, charity_one, charity_other, 99.0).id}
    # One number against none is no conflict: the lead decides.
    open_question = _pair(anchors.network, one, unnumbered, 97.0).id
    client = sign_in(anchors.lead)

    queue = _queue(anchors)
    assert open_question in queue and not conflicting & queue
    assert _to_review_on_the_network_page(client, anchors) == len(queue)
    stored = db.session.scalars(select(SupplierMatchCandidate.id).where(SupplierMatchCandidate.status == "pending")).all()
    assert len(stored) == len(queue) + len(conflicting)  # kept, in case a number turns out to be wrong


def test_a_pair_drops_out_once_its_suppliers_numbers_are_found_to_differ(anchors, sign_in):
    one = _supplier(anchors.network, "Valley Roofing Ltd", company_number="01234567")
    other = _supplier(anchors.network, "Valley Roofing Limited")
    pair_id = _pair(anchors.network, one, other, 96.0).id
    client = sign_in(anchors.lead)
    assert pair_id in _queue(anchors)
    before = _to_review_on_the_network_page(client, anchors)

    # The register (or the lead) gives the second its own company number: two firms after all.
    db.session.get(Supplier, other.id).company_number = "07654321"
    db.session.commit()
    assert pair_id not in _queue(anchors)
    assert _to_review_on_the_network_page(client, anchors) == before - 1
    # Nor can the lead be taken to it by its address, or merge it by posting a decision.
    response = client.post(f"/network/{anchors.network.id}/suppliers/review/{pair_id}/merge?keep={one.id}")
    assert response.status_code in (302, 400)
    db.session.expire_all()
    assert db.session.get(Supplier, other.id) is not None and db.session.get(Supplier, one.id) is not None
