"""With a real worker: does a delivery verified on the web page reach the annual report through the snapshot?"""
from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.formatting import pounds
from portal.social_value import commitments, delivery
from portal.social_value import report as annual
from portal.social_value.contracts import get_contract
from portal.social_value.models import SocialValueTotal, SocialValueTotalsPending
from tenants import tenant_context
from tenants.models import Organisation


def _waiting(partner_id) -> int:
    db.session.remove()  # a fresh session each time: see what the worker committed
    with tenant_context(partner_id):
        return len(db.session.scalars(select(SocialValueTotalsPending.id)).all())


def _wait_for_the_worker(partner_id, seconds=60):
    deadline = time.monotonic() + seconds
    while _waiting(partner_id):
        assert time.monotonic() < deadline, "the worker did not recompute the social value totals in time"
        time.sleep(0.3)


@pytest.mark.worker
def test_a_delivery_verified_on_the_page_is_in_the_report_once_the_worker_has_run(
    partners, make_contract, make_user, measure, sign_in, celery_worker_process,
):
    council = partners[0]
    council_id = council.id
    client = sign_in(make_user(council))
    contract_id = make_contract(council, reference="HW-1")
    with tenant_context(council.id):
        commitment = commitments.record_commitment(db.session, get_contract(db.session, contract_id), measure("DEMO-02"),
                                                   committed_on=date(2024, 5, 1), quantity=Decimal(52))
        report = delivery.record_delivery(db.session, commitment, period_start=date(2024, 4, 1), period_end=date(2024, 6, 30),
                                          quantity=Decimal(10), beneficiaries=[("Keppel", "Age", 6)])
        delivered_pence = report.value_pence
        report_id = report.id
        db.session.commit()
    _wait_for_the_worker(council_id)
    before = annual.partner_report(db.session, db.session.get(Organisation, council_id), 2024)
    assert before.from_snapshot and before.headline("delivered").pence == 0

    assert client.post(f"/social-value/delivery-reports/{report_id}/verify").status_code == 302
    _wait_for_the_worker(council_id)

    after = annual.partner_report(db.session, db.session.get(Organisation, council_id), 2024)
    assert after.from_snapshot, "read from the worker's snapshot, not added up on demand"
    assert after.headline("delivered").pence == delivered_pence > 0
    assert after.beneficiaries_by_ward == [("Keppel", 6)]  # 5 or more: shown
    # The like-with-like figures came from the worker's snapshot too: delivered on the same commitment.
    assert after.like_for_like.from_snapshot
    assert after.like_for_like.to_date.delivered_pence == delivered_pence
    assert [r.delivered_pence for r in after.like_for_like.status_rows() if r.status == "live"] == [delivered_pence]
    with tenant_context(council_id):
        row = db.session.scalars(select(SocialValueTotal).where(SocialValueTotal.year == 2024, SocialValueTotal.breakdown == "all")).one()
        assert row.delivered_value_pence == delivered_pence and row.delivered_count == 1
    page = client.get("/social-value/report?year=2024").get_data(as_text=True)
    assert pounds(delivered_pence) in page and "HW-1" in page
