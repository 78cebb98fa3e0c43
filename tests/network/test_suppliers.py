"""Can the lead keep the network's supplier register right, with every change logged and the totals following?"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.extensions import db
from portal.network.comparison import compare_partners
from portal.suppliers.models import Supplier, SupplierAlias, SupplierMatchCandidate
from tenants import tenant_context
from tenants.models import AuditEvent, Network

from .conftest import ACME, ACME_TYPO, CARE, IT, lines_by_supplier, oracle, recompute, supplier_named

MEASURES = ("total_pence", "local_pence", "sme_pence", "vcse_pence")
YEARS = (date(2023, 4, 1), date(2024, 4, 1))


def _edit(client, anchors, supplier, **answers):
    data = {"is_sme": "unknown", "kind": supplier.kind, "local": "postcode", **answers}
    return client.post(f"/network/{anchors.network.id}/suppliers/{supplier.id}", data=data)


def _lead_log(anchors, action):
    with tenant_context(anchors.council.id):
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def _pending(anchors):
    return db.session.scalars(
        select(SupplierMatchCandidate).where(
            SupplierMatchCandidate.network_id == anchors.network.id, SupplierMatchCandidate.status == "pending")
    ).all()


def _acme_pair(anchors):
    acme, typo = supplier_named(anchors.network, ACME[0]), supplier_named(anchors.network, ACME_TYPO[0])
    pair = next(c for c in _pending(anchors) if {c.supplier_id, c.candidate_id} == {acme.id, typo.id})
    return acme, typo, pair


def _assert_totals_match(anchors, expected):
    db.session.expire_all()
    network = db.session.get(Network, anchors.network.id)
    for year in YEARS:
        comparison = compare_partners(db.session, network, year)
        for row in comparison.partners:
            want = expected["figures"].get((row.organisation_id, year))
            got = {m: getattr(row, m) for m in MEASURES}
            assert got == ({m: want[m] for m in MEASURES} if want else dict.fromkeys(MEASURES)), (row.name, year)
        assert {m: getattr(comparison.network, m) for m in MEASURES} == {m: expected["figures"][("network", year)][m] for m in MEASURES}


def test_the_lead_searches_the_register_by_any_spelling(anchors, sign_in):
    client = sign_in(anchors.lead)
    page = client.get(f"/network/{anchors.network.id}/suppliers?q=northern").get_data(as_text=True)
    assert IT[0] in page and CARE[0] not in page and "1 supplier matching" in page
    everything = client.get(f"/network/{anchors.network.id}/suppliers").get_data(as_text=True)
    assert "6 suppliers" in everything


def test_editing_flags_and_the_local_override_is_logged_in_the_leads_council_and_queues_a_recompute(anchors, sign_in, queued):
    it = supplier_named(anchors.network, IT[0])
    assert it.is_local is False
    response = _edit(sign_in(anchors.lead), anchors, it, is_sme="yes", local="yes", features=["living_wage_accredited"])
    assert response.status_code == 302
    db.session.expire_all()
    it = db.session.get(Supplier, it.id)
    assert (it.is_sme, it.local_override, it.is_local, it.living_wage_accredited) == (True, True, True, True)
    assert queued == [(anchors.network.id,)]
    [event] = _lead_log(anchors, "supplier.changed")
    assert event.user_id == anchors.lead.id and event.organisation_id == anchors.council.id
    assert event.detail["before"] == {"is_sme": None, "local_override": None, "is_local": False, "living_wage_accredited": False}
    assert event.detail["after"] == {"is_sme": True, "local_override": True, "is_local": True, "living_wage_accredited": True}
    # The change is the council's record (the lead's partner), not the other partners'.
    with tenant_context(anchors.police.id):
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("supplier.%"))).all() == []


def test_after_the_recompute_the_override_and_flags_show_in_every_total(anchors, sign_in, queued):
    it = supplier_named(anchors.network, IT[0])
    _edit(sign_in(anchors.lead), anchors, it, is_sme="yes", local="yes")
    recompute(anchors.network)  # what the queued task runs
    _assert_totals_match(anchors, oracle(anchors, sme_names={IT[0]}, local_override={IT[0]: True}))


def test_saving_without_a_change_records_nothing(anchors, sign_in, queued):
    care = supplier_named(anchors.network, CARE[0])
    _edit(sign_in(anchors.lead), anchors, care, kind="vcse")
    assert queued == [] and _lead_log(anchors, "supplier.changed") == []


def test_a_lead_with_no_partner_in_the_network_cannot_change_the_register(anchors, make_user, sign_in, queued):
    outsider_lead = make_user(lead_of=anchors.network)
    it = supplier_named(anchors.network, IT[0])
    client = sign_in(outsider_lead)
    assert client.get(f"/network/{anchors.network.id}/suppliers/{it.id}").status_code == 200
    response = _edit(client, anchors, it, is_sme="yes")
    assert response.status_code == 403 and "audit log" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Supplier, it.id).is_sme is None and queued == []


def merge_pair(client, anchors, pair, keep):
    """The lead chooses to merge, then confirms."""
    response = client.post(f"/network/{anchors.network.id}/suppliers/review/{pair.id}", data={f"pair-{pair.id}-decision": f"keep-{keep.id}"})
    assert response.status_code == 302
    assert client.post(response.location).status_code == 302


def test_merging_two_suppliers_moves_every_partners_lines_and_the_totals_follow(anchors, sign_in, queued):
    acme, typo, pair = _acme_pair(anchors)
    before = lines_by_supplier(anchors)
    moved = {(p, ref) for p, refs in before.items() for ref, s in refs.items() if s == typo.id}
    assert {p for p, _ in moved} == {anchors.council.id, anchors.police.id}  # two partners bought from it

    review = sign_in(anchors.lead)
    assert ACME_TYPO[0] in review.get(f"/network/{anchors.network.id}/suppliers/review").get_data(as_text=True)
    response = review.post(f"/network/{anchors.network.id}/suppliers/review/{pair.id}", data={f"pair-{pair.id}-decision": f"keep-{acme.id}"})
    # A merge asks first: nothing has moved yet.
    assert response.status_code == 302 and f"/suppliers/review/{pair.id}/merge?keep={acme.id}" in response.location
    assert lines_by_supplier(anchors) == before and queued == []
    assert review.post(response.location).status_code == 302

    after = lines_by_supplier(anchors)
    for partner_id, ref in moved:
        assert after[partner_id][ref] == acme.id
    assert all(s != typo.id for refs in after.values() for s in refs.values())
    assert db.session.scalar(select(Supplier.id).where(Supplier.id == typo.id)) is None
    assert queued == [(anchors.network.id,)]
    [event] = _lead_log(anchors, "supplier.merged")
    assert event.detail["kept"]["id"] == acme.id and event.detail["merged"]["name"] == ACME_TYPO[0]

    recompute(anchors.network)
    _assert_totals_match(anchors, oracle(anchors, merged={ACME_TYPO[0]: ACME[0]}))


def test_marking_a_pair_distinct_takes_it_out_of_the_queue(anchors, sign_in, queued):
    acme, typo, pair = _acme_pair(anchors)
    client = sign_in(anchors.lead)
    response = client.post(f"/network/{anchors.network.id}/suppliers/review/{pair.id}", data={f"pair-{pair.id}-decision": "distinct"})
    assert response.status_code == 302
    assert pair.id not in {c.id for c in _pending(anchors)}
    db.session.expire_all()
    assert db.session.get(SupplierMatchCandidate, pair.id).status == "distinct"
    assert db.session.get(Supplier, typo.id) is not None and queued == []
    assert len(_lead_log(anchors, "supplier.marked_distinct")) == 1
    page = client.get(f"/network/{anchors.network.id}/suppliers/review").get_data(as_text=True)
    assert f'data-testid="pair-{pair.id}"' not in page
    # Deciding again is refused politely, and changes nothing.
    client.post(f"/network/{anchors.network.id}/suppliers/review/{pair.id}", data={f"pair-{pair.id}-decision": f"keep-{acme.id}"})
    client.post(f"/network/{anchors.network.id}/suppliers/review/{pair.id}/merge?keep={acme.id}")
    assert db.session.get(Supplier, typo.id) is not None


def test_a_decision_must_be_chosen(anchors, sign_in):
    _, _, pair = _acme_pair(anchors)
    response = sign_in(anchors.lead).post(f"/network/{anchors.network.id}/suppliers/review/{pair.id}", data={})
    assert response.status_code == 400 and "Choose whether to merge" in response.get_data(as_text=True)


def test_splitting_a_spelling_back_out_restores_its_lines_and_totals(anchors, sign_in, queued):
    acme, typo, pair = _acme_pair(anchors)
    typo_id, before = typo.id, lines_by_supplier(anchors)
    client = sign_in(anchors.lead)
    merge_pair(client, anchors, pair, acme)
    alias = db.session.scalar(select(SupplierAlias).where(SupplierAlias.name_as_given == ACME_TYPO[0]))
    assert alias.supplier_id == acme.id
    page = client.get(f"/network/{anchors.network.id}/suppliers/{acme.id}").get_data(as_text=True)
    assert ACME_TYPO[0] in page and "Split out" in page

    response = client.post(f"/network/{anchors.network.id}/suppliers/{acme.id}/spellings/{alias.id}/split")
    assert response.status_code == 302
    db.session.expire_all()
    new = db.session.get(Supplier, db.session.get(SupplierAlias, alias.id).supplier_id)
    assert new.id != acme.id and new.name == ACME_TYPO[0] and new.is_local is False
    after = lines_by_supplier(anchors)
    for partner_id, refs in before.items():
        for ref, supplier_id in refs.items():
            assert after[partner_id][ref] == (new.id if supplier_id == typo_id else supplier_id)
    assert queued == [(anchors.network.id,)] * 2 and len(_lead_log(anchors, "supplier.split")) == 1
    recompute(anchors.network)
    _assert_totals_match(anchors, oracle(anchors))


def test_the_only_spelling_cannot_be_split(anchors, sign_in, queued):
    care = supplier_named(anchors.network, CARE[0])
    alias = db.session.scalar(select(SupplierAlias).where(SupplierAlias.supplier_id == care.id))
    client = sign_in(anchors.lead)
    client.post(f"/network/{anchors.network.id}/suppliers/{care.id}/spellings/{alias.id}/split")
    db.session.expire_all()
    assert db.session.get(SupplierAlias, alias.id).supplier_id == care.id and queued == []
