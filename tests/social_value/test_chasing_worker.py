"""With a real worker and a real SMTP server: does the beat's chasing task email the supplier its link once?"""
from __future__ import annotations

import re
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.mail.models import OutgoingEmail
from portal.social_value import chasing, tasks
from portal.social_value.models import ReturnReminder
from tenants import tenant_context
from tenants.models import Network

SUPPLIER = "returns@cleaners.example"


def _reminders(partner_id) -> list[tuple]:
    db.session.remove()  # a fresh session each time: see what the worker committed
    with tenant_context(partner_id):
        return db.session.execute(select(ReturnReminder.period_start, ReturnReminder.escalated_to)).all()


def _wait(condition, what: str, seconds=60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"the worker did not {what} in time"
        time.sleep(0.3)


def _sent() -> int:
    db.session.remove()
    return len(db.session.scalars(select(OutgoingEmail.id).where(OutgoingEmail.status == "sent")).all())


@pytest.mark.worker
def test_does_the_chasing_task_email_the_supplier_and_then_the_manager_once_through_the_worker(
    partners, sv_network, make_contract, make_user, app, smtp_server, celery_worker_session, celery_worker_process,
):
    council_id = partners[0].id
    db.session.get(Network, sv_network.id).chase_manager_after_days = 1
    db.session.commit()
    manager = make_user(partners[0], "officer", email="manager@council.example")
    # The task chases "today": a quarterly contract that has run through the last quarter that fell due.
    due = chasing.latest_due_period(date.today(), "quarterly", 4)
    make_contract(partners[0], reference="CL-9", title="Office cleaning", start=due.start - timedelta(days=200),
                  end=due.end + timedelta(days=400), reporting_frequency="quarterly",
                  supplier_contact_email=SUPPLIER, contract_manager_id=manager.id)

    tasks.chase_returns.delay()
    [supplier_mail] = smtp_server.wait_for(SUPPLIER)
    [manager_mail] = smtp_server.wait_for("manager@council.example")  # already overdue by more than a day
    assert "CL-9" in supplier_mail.body and "CL-9" in manager_mail.body
    path = re.search(r"http://localhost(/supplier-report/\S+)", supplier_mail.body).group(1)
    assert _reminders(council_id) == [(due.start, "manager@council.example")]
    _wait(lambda: _sent() == 2, "send both emails")

    tasks.chase_returns.delay()  # the next day's run, or a redelivery: nothing more goes
    tasks.chase_returns.delay()
    assert celery_worker_session.wait_until_idle(), "the worker did not finish the runs"
    assert len(_reminders(council_id)) == 1
    # The sink is the session's: earlier tests' mail may be in it.
    ours = [m for m in smtp_server.messages if set(m.recipients) & {SUPPLIER, "manager@council.example"}]
    assert len(ours) == 2 and _sent() == 2

    page = app.test_client().get(path)  # the link in the email works for the supplier, without signing in
    assert page.status_code == 200 and "Office cleaning" in page.get_data(as_text=True)
