"""Does the lead review possible duplicates one pair at a time, confirm a merge, and undo it exactly?"""
from __future__ import annotations

import lxml.html
from sqlalchemy import select

from portal.extensions import db
from portal.suppliers.models import Supplier, SupplierAlias, SupplierMatchCandidate, SupplierMerge
from tenants.models import Organisation

from .conftest import ACME, ACME_TYPO, lines_by_supplier, oracle, recompute, supplier_named
from .test_suppliers import _acme_pair, _assert_totals_match, _lead_log, merge_pair


def _page(response):
    return lxml.html.fromstring(response.get_data(as_text=True))


def _words(page, testid) -> str:
    [element] = page.xpath(f"//*[@data-testid='{testid}']")
    return " ".join(element.text_content().split())


def _pair(network, one, other, score=95.0):
    low, high = sorted((one.id, other.id))
    pair = SupplierMatchCandidate(network_id=network.id, supplier_id=low, candidate_id=high, score=score)
    db.session.add(pair)
    db.session.commit()
    return pair


def _supplier(network, name, **numbers):
    supplier = Supplier(network_id=network.id, name=name, normalised_name=name.lower(), **numbers)
    db.session.add(supplier)
    db.session.commit()
    return supplier


def test_pairs_come_one_at_a_time_with_their_place_in_the_queue(anchors, sign_in):
    _, _, first = _acme_pair(anchors)
    extra = [_pair(anchors.network, _supplier(anchors.network, f"Firm {n} Ltd"), _supplier(anchors.network, f"Firm {n} Limited"),
                   score=80.0 - n) for n in range(2)]
    total = len(db.session.scalars(select(SupplierMatchCandidate.id).where(SupplierMatchCandidate.status == "pending")).all())
    client = sign_in(anchors.lead)
    url = f"/network/{anchors.network.id}/suppliers/review"
    page = _page(client.get(url))
    assert _words(page, "pair-position") == f"Pair 1 of {total}"
    assert len(page.xpath("//section[contains(@class, 'app-review-pair')]")) == 1
    assert page.xpath(f"//*[@data-testid='pair-{first.id}']")  # the most alike first
    last = _page(client.get(f"{url}?pair={total}"))
    assert _words(last, "pair-position") == f"Pair {total} of {total}"
    assert last.xpath(f"//*[@data-testid='pair-{extra[-1].id}']")
    assert last.xpath(f"//a[contains(@href, 'pair={total - 1}')]") and not last.xpath(f"//a[contains(@href, 'pair={total + 1}')]")
    # Past the end shows the last pair, not an error.
    assert _words(_page(client.get(f"{url}?pair=999")), "pair-position") == f"Pair {total} of {total}"


def test_each_spelling_shows_the_spend_of_partners_who_share_their_lines(anchors, sign_in):
    acme, typo, _ = _acme_pair(anchors)
    anchors.council.shares_lines_with_lead = True  # the police do not share theirs
    db.session.commit()
    page = _page(sign_in(anchors.lead).get(f"/network/{anchors.network.id}/suppliers/review"))
    typo_spend = _words(page, f"spellings-{typo.id}")
    # The council wrote the typo once (£2,500.00); the police twice, but only counted.
    assert f"{ACME_TYPO[0]} (S1 2BB)" in typo_spend
    assert "Rotherham Council: £2,500 in 1 line" in typo_spend
    assert "1 other partner (not sharing lines with you)" in typo_spend and "9,999" not in typo_spend
    acme_spend = _words(page, f"spellings-{acme.id}")
    assert "Rotherham Council: £19,000 in 2 lines" in acme_spend  # 12,000 + 7,000
    assert "Hospital" not in acme_spend and "1 other partner" in acme_spend


def test_a_pair_whose_company_numbers_differ_is_never_offered(anchors, sign_in):
    one = _supplier(anchors.network, "Smith Builders Ltd", company_number="01234567")
    other = _supplier(anchors.network, "Smith Builders Limited", company_number="07654321")
    charity_one = _supplier(anchors.network, "Hope Trust", charity_number="1100001")
    charity_other = _supplier(anchors.network, "Hope Trust (The)", charity_number="1100002")
    same = _supplier(anchors.network, "Smith Builders", company_number="01234567")
    conflicting = [_pair(anchors.network, one, other, score=99.0), _pair(anchors.network, charity_one, charity_other, score=99.0)]
    fine = _pair(anchors.network, one, same, score=98.0)
    client = sign_in(anchors.lead)
    shown = set()
    total = None
    for position in range(1, 10):
        page = _page(client.get(f"/network/{anchors.network.id}/suppliers/review?pair={position}"))
        total = total or int(_words(page, "pair-position").split(" of ")[1])
        shown |= {int(s.get("data-testid").removeprefix("pair-")) for s in page.xpath("//section[@data-testid]")}
    assert fine.id in shown and not {c.id for c in conflicting} & shown and total == len(shown)
    # Nor can a merge be forced by address.
    confirm = client.get(f"/network/{anchors.network.id}/suppliers/review/{conflicting[0].id}/merge?keep={one.id}")
    assert 'data-testid="numbers-conflict"' in confirm.get_data(as_text=True)
    client.post(f"/network/{anchors.network.id}/suppliers/review/{conflicting[0].id}/merge?keep={one.id}")
    db.session.expire_all()
    assert db.session.get(Supplier, other.id) is not None


def test_a_merge_asks_for_confirmation_and_cancelling_changes_nothing(anchors, sign_in, queued):
    acme, _, pair = _acme_pair(anchors)
    before = lines_by_supplier(anchors)
    client = sign_in(anchors.lead)
    response = client.post(f"/network/{anchors.network.id}/suppliers/review/{pair.id}?pair=1",
                           data={f"pair-{pair.id}-decision": f"keep-{acme.id}"})
    confirm = client.get(response.location)
    page = _page(confirm)
    assert confirm.status_code == 200
    assert page.xpath("//h1")[0].text_content().strip() == f"Merge {ACME_TYPO[0]} into {ACME[0]}?"
    assert "1 spelling" in _words(page, "what-moves")
    assert page.xpath("//form//button[@data-testid='confirm-merge']") and page.xpath("//a[text()='Cancel']")
    # Looking at the page (or going back) moves nothing.
    assert lines_by_supplier(anchors) == before and queued == []
    assert db.session.scalar(select(SupplierMerge.id)) is None


def test_undoing_a_merge_restores_lines_spellings_pair_and_totals_exactly(anchors, sign_in, queued):
    acme, typo, pair = _acme_pair(anchors)
    typo_id, acme_id, pair_id = typo.id, acme.id, pair.id

    def register_state():
        db.session.expire_all()
        suppliers = {s.id: {c.key: getattr(s, c.key) for c in Supplier.__table__.columns}
                     for s in db.session.scalars(select(Supplier).where(Supplier.network_id == anchors.network.id))}
        aliases = dict(db.session.execute(select(SupplierAlias.id, SupplierAlias.supplier_id)).all())
        pairs = db.session.execute(select(SupplierMatchCandidate.id, SupplierMatchCandidate.supplier_id,
                                          SupplierMatchCandidate.candidate_id, SupplierMatchCandidate.status)
                                   .order_by(SupplierMatchCandidate.id)).all()
        return suppliers, aliases, pairs

    recompute(anchors.network)
    _assert_totals_match(anchors, oracle(anchors))
    lines_before, state_before = lines_by_supplier(anchors), register_state()

    client = sign_in(anchors.lead)
    merge_pair(client, anchors, pair, acme)
    recompute(anchors.network)
    _assert_totals_match(anchors, oracle(anchors, merged={ACME_TYPO[0]: ACME[0]}))
    assert db.session.get(Supplier, typo_id) is None
    [record] = db.session.scalars(select(SupplierMerge)).all()
    review = _page(client.get(f"/network/{anchors.network.id}/suppliers/review"))
    assert ACME_TYPO[0] in _words(review, "recent-merges")

    response = client.post(f"/network/{anchors.network.id}/suppliers/merges/{record.id}/undo")
    assert response.status_code == 302 and response.location.endswith(f"/suppliers/{typo_id}")
    assert lines_by_supplier(anchors) == lines_before
    assert register_state() == state_before  # the supplier's every column, its spellings, the pair pending again
    recompute(anchors.network)
    _assert_totals_match(anchors, oracle(anchors))
    assert queued == [(anchors.network.id,)] * 2
    [event] = _lead_log(anchors, "supplier.merge_undone")
    assert event.detail["restored"]["id"] == typo_id and event.detail["kept"]["id"] == acme_id
    assert db.session.get(SupplierMatchCandidate, pair_id).status == "pending"
    # Once is enough: a second undo is refused and changes nothing.
    client.post(f"/network/{anchors.network.id}/suppliers/merges/{record.id}/undo")
    assert lines_by_supplier(anchors) == lines_before
    assert "recent-merges" not in client.get(f"/network/{anchors.network.id}/suppliers/review").get_data(as_text=True)


def test_a_merge_cannot_be_undone_once_a_spelling_has_moved_again(anchors, sign_in):
    acme, _, pair = _acme_pair(anchors)
    client = sign_in(anchors.lead)
    merge_pair(client, anchors, pair, acme)
    record = db.session.scalar(select(SupplierMerge))
    alias = db.session.scalar(select(SupplierAlias).where(SupplierAlias.name_as_given == ACME_TYPO[0]))
    client.post(f"/network/{anchors.network.id}/suppliers/{acme.id}/spellings/{alias.id}/split")
    lines = lines_by_supplier(anchors)
    response = client.post(f"/network/{anchors.network.id}/suppliers/merges/{record.id}/undo", follow_redirects=True)
    assert "has since been split out or merged again" in response.get_data(as_text=True)
    assert lines_by_supplier(anchors) == lines
    assert supplier_named(anchors.network, ACME_TYPO[0]) is not None
    assert db.session.get(Organisation, anchors.council.id) is not None
