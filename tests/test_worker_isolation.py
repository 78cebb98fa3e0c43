"""The run's real worker runs only the tasks of tests that asked for it (tests/worker_process.py).

Tasks queued by a test without ``celery_worker_process`` name that test's rows;
the worker must leave them alone, or it acts on whichever later test's rows
took the same ids.
"""
from __future__ import annotations

import time
import uuid

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.mail import services
from portal.mail.models import OutgoingEmail


def _sent_at(email_id: int):
    db.session.rollback()
    return db.session.scalar(select(OutgoingEmail.sent_at).where(OutgoingEmail.id == email_id))


@pytest.mark.worker
def test_the_worker_runs_only_what_a_worker_test_queued(celery_worker_session, smtp_server, app_ctx, request):
    ignored = f"ignored-{uuid.uuid4().hex[:10]}@example.org"
    ignored_id = services.queue_email(db.session, ignored, "Not for the worker", "Nobody asked for a worker.\n").id
    db.session.commit()

    # The worker is running, but this part of the test did not ask for it.
    time.sleep(3)
    assert smtp_server.to(ignored) == []
    assert _sent_at(ignored_id) is None

    # Asking for it routes this test's tasks to the worker from now on.
    request.getfixturevalue("celery_worker_process")
    wanted = f"wanted-{uuid.uuid4().hex[:10]}@example.org"
    services.queue_email(db.session, wanted, "For the worker", "A worker test queued this.\n")
    db.session.commit()
    smtp_server.wait_for(wanted)

    assert smtp_server.to(ignored) == []
    assert _sent_at(ignored_id) is None
