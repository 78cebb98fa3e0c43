"""When the worker importing a file dies: is the import failed with a reason, and can the officer try again?"""
from __future__ import annotations

import io
import time
from datetime import timedelta, timezone

from sqlalchemy import func, select, update

from portal.extensions import db
from portal.spend import import_recovery, importing, services
from portal.spend.models import SpendImport, SpendLine
from tenants import tenant_context
from tenants.models import utcnow

FILE = b"Date,Transaction Number,Supplier Name,Net Amount\n01/04/2024,T1,Acme Ltd,10.00\n02/04/2024,T2,Far Ltd,2.50\n"


def queued_import(partner_id: int, officer) -> int:
    with tenant_context(partner_id):
        spend_import = importing.store_upload(db.session, officer.memberships[0].organisation, officer, "april.csv", io.BytesIO(FILE))
        spend_import.column_mapping = importing.proposed_mapping(db.session, spend_import)[1]
        services.queue_import(db.session, spend_import)
        db.session.commit()
        return spend_import.id


def state(partner_id: int, import_id: int) -> SpendImport:
    db.session.remove()
    with tenant_context(partner_id):
        return db.session.get(SpendImport, import_id)


def seconds_ago(moment) -> float:
    """How long ago; SQLite hands datetimes back without their (UTC) zone."""
    return (utcnow() - (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc))).total_seconds()


def as_if_the_worker_died(partner_id: int, import_id: int, status: str, silent_for: timedelta) -> None:
    with tenant_context(partner_id):
        db.session.execute(update(SpendImport).where(SpendImport.id == import_id).values(status=status, heartbeat_at=utcnow() - silent_for))
        db.session.commit()


def test_a_running_import_silent_past_its_lease_is_failed_with_a_reason(officer):
    partner_id = officer.memberships[0].organisation_id
    dead = queued_import(partner_id, officer)
    alive = queued_import(partner_id, officer)
    as_if_the_worker_died(partner_id, dead, "running", import_recovery.RUNNING_LEASE + timedelta(seconds=5))
    as_if_the_worker_died(partner_id, alive, "running", import_recovery.RUNNING_LEASE - timedelta(seconds=30))

    assert import_recovery.fail_stale_imports(db.session) == 1
    db.session.commit()

    failed = state(partner_id, dead)
    assert failed.status == "failed" and failed.finished
    assert "The worker importing this file stopped" in failed.failure_reason and "Try the import again" in failed.failure_reason
    assert state(partner_id, alive).status == "running"


def test_a_queued_import_no_worker_took_is_failed_only_after_the_longer_lease(officer):
    partner_id = officer.memberships[0].organisation_id
    import_id = queued_import(partner_id, officer)
    later = utcnow() + import_recovery.RUNNING_LEASE + timedelta(minutes=1)
    assert import_recovery.fail_stale_imports(db.session, now=later) == 0  # waiting for a busy worker is fine

    assert import_recovery.fail_stale_imports(db.session, now=utcnow() + import_recovery.QUEUED_LEASE + timedelta(seconds=1)) == 1
    db.session.commit()
    assert "No worker started this import" in state(partner_id, import_id).failure_reason


def test_finished_imports_are_never_touched_by_the_sweep(officer):
    partner_id = officer.memberships[0].organisation_id
    import_id = queued_import(partner_id, officer)
    with tenant_context(partner_id):
        importing.run_import(db.session, import_id)
        db.session.commit()
    assert import_recovery.fail_stale_imports(db.session, now=utcnow() + timedelta(days=3)) == 0
    assert state(partner_id, import_id).status == "imported"


def test_the_officer_retries_a_failed_import_from_its_page_and_every_line_arrives_once(officer, sign_in):
    partner_id = officer.memberships[0].organisation_id
    import_id = queued_import(partner_id, officer)
    as_if_the_worker_died(partner_id, import_id, "running", timedelta(hours=1))
    import_recovery.fail_stale_imports(db.session)
    db.session.commit()
    client = sign_in(officer)

    page = client.get(f"/spend/imports/{import_id}").get_data(as_text=True)
    assert "The worker importing this file stopped" in page and f"/spend/imports/{import_id}/retry" in page

    assert client.post(f"/spend/imports/{import_id}/retry").status_code == 302
    queued = state(partner_id, import_id)
    assert queued.status == "queued" and queued.failure_reason is None and queued.finished_at is None
    assert seconds_ago(queued.heartbeat_at) < 60  # the queued lease starts again

    with tenant_context(partner_id):  # what the worker does
        importing.run_import(db.session, import_id)
        db.session.commit()
        assert db.session.scalar(select(func.count(SpendLine.id))) == 2
    # Only a failed import can be retried: asking again once it is imported changes nothing.
    response = client.post(f"/spend/imports/{import_id}/retry")
    assert response.status_code == 400 and "Only an import that failed" in response.get_data(as_text=True)
    assert state(partner_id, import_id).status == "imported"


def test_a_viewer_cannot_retry(officer, make_user, sign_in):
    partner_id = officer.memberships[0].organisation_id
    import_id = queued_import(partner_id, officer)
    as_if_the_worker_died(partner_id, import_id, "running", timedelta(hours=1))
    import_recovery.fail_stale_imports(db.session)
    db.session.commit()
    viewer = make_user(officer.memberships[0].organisation, "viewer")
    client = sign_in(viewer)
    assert f"/spend/imports/{import_id}/retry" not in client.get(f"/spend/imports/{import_id}").get_data(as_text=True)
    assert client.post(f"/spend/imports/{import_id}/retry").status_code == 403
    assert state(partner_id, import_id).status == "failed"


def test_the_heartbeat_marks_a_live_import_while_its_block_runs(officer):
    partner_id = officer.memberships[0].organisation_id
    import_id = queued_import(partner_id, officer)
    as_if_the_worker_died(partner_id, import_id, "running", timedelta(hours=1))
    with tenant_context(partner_id), import_recovery.heartbeat(db.session, import_id, every=0.05):
        time.sleep(0.3)
    assert seconds_ago(state(partner_id, import_id).heartbeat_at) < 5
