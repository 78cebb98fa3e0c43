"""Refreshes marked due with the change: written in its transaction, cleared by the refresh, queued again by the sweep."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.social_value import tasks as sv_tasks
from portal.social_value.models import SocialValueTotalsPending
from portal.spend import services
from portal.spend import tasks as spend_tasks
from portal.spend.models import SpendTotal, SpendTotalsPending
from tenants import tenant_context
from tenants.models import utcnow
from workers import due


@pytest.fixture
def queued(monkeypatch):
    """What the sweep queues after its commit, as (task name, args)."""
    sent = []
    monkeypatch.setattr(due, "enqueue_after_commit", lambda session, task, *args: sent.append((task.name, args)))
    return sent


def _marks(partner_id: int, model=SpendTotalsPending) -> list:
    db.session.remove()
    with tenant_context(partner_id):
        return db.session.scalars(select(getattr(model, "month", None) or model.year)).all()


def _later(minutes: float = 0) -> object:
    return utcnow() + due.GRACE + timedelta(minutes=minutes, seconds=1)


def test_does_a_new_spend_line_mark_its_month_due_in_the_same_transaction_and_does_a_rollback_drop_it(make_partner):
    partner = make_partner()
    with tenant_context(partner.id):
        services.add_line(db.session, partner, payment_date=date(2024, 5, 17), amount_pence=12_345,
                          supplier_name="Acme Ltd", transaction_ref="T-1")
        db.session.rollback()
    assert _marks(partner.id) == []
    with tenant_context(partner.id):
        services.add_line(db.session, partner, payment_date=date(2024, 5, 17), amount_pence=12_345,
                          supplier_name="Acme Ltd", transaction_ref="T-1")
        db.session.commit()
    assert _marks(partner.id) == [date(2024, 5, 1)]


def test_does_the_refresh_clear_the_marks_it_covers_and_leave_the_others(make_partner):
    partner = make_partner()
    with tenant_context(partner.id):
        for ref, day in (("T-1", date(2024, 5, 17)), ("T-2", date(2024, 9, 2))):
            services.add_line(db.session, partner, payment_date=day, amount_pence=100, supplier_name="Acme Ltd", transaction_ref=ref)
        db.session.commit()
    spend_tasks.recompute_spend_totals.run(partner.network_id, partner.id, ["2024-05-01"])
    assert _marks(partner.id) == [date(2024, 9, 1)]
    with tenant_context(partner.id):
        assert db.session.scalar(select(func.sum(SpendTotal.total_pence))
                                 .where(SpendTotal.period_type == "month", SpendTotal.breakdown == "all")) == 100
    spend_tasks.recompute_network_spend_totals.run(partner.network_id)
    assert _marks(partner.id) == []


def test_does_the_sweep_queue_only_refreshes_due_past_the_grace_and_not_again_until_the_next_grace(make_partner, queued):
    partner = make_partner()
    with tenant_context(partner.id):
        services.add_line(db.session, partner, payment_date=date(2024, 5, 17), amount_pence=100, supplier_name="Acme Ltd", transaction_ref="T-1")
        services.add_line(db.session, partner, payment_date=date(2024, 6, 3), amount_pence=100, supplier_name="Acme Ltd", transaction_ref="T-2")
        sv_tasks.queue_totals_refresh(db.session, partner.id, [date(2024, 7, 1)])
        db.session.commit()
    queued.clear()  # the refreshes the change itself queued

    assert due.requeue_due(db.session) == 0  # within the grace: the change's own refresh is on its way
    later = _later()
    assert due.requeue_due(db.session, now=later) == 2
    db.session.commit()
    assert sorted(queued) == [
        ("portal.social_value.tasks.recompute_social_value_totals", (partner.network_id, partner.id, [2024])),
        ("portal.spend.tasks.recompute_spend_totals", (partner.network_id, partner.id, ["2024-05-01", "2024-06-01"])),
    ]
    assert due.requeue_due(db.session, now=later + timedelta(seconds=30)) == 0  # queued a moment ago
    assert due.requeue_due(db.session, now=_later(minutes=2 * due.GRACE.total_seconds() / 60)) == 2


def test_is_a_mark_for_every_year_queued_as_a_refresh_of_every_year(make_partner, queued):
    partner = make_partner()
    with tenant_context(partner.id):
        sv_tasks.queue_totals_refresh(db.session, partner.id, [date(2024, 7, 1)])
        sv_tasks.queue_totals_refresh(db.session, partner.id, None)
        db.session.commit()
    queued.clear()
    assert due.requeue_due(db.session, now=_later()) == 1
    assert queued == [("portal.social_value.tasks.recompute_social_value_totals", (partner.network_id, partner.id, None))]
    assert sorted(_marks(partner.id, SocialValueTotalsPending), key=str) == [2024, None]
