"""When the worker checking or applying a register dies: is the import failed with a reason, and can it be tried again?"""
from __future__ import annotations

import io
import time
from datetime import UTC, timedelta

from sqlalchemy import func, select, update

from portal.contract_registers import importing, recovery
from portal.contract_registers.models import ContractRegisterImport
from portal.extensions import db
from portal.social_value.models import Contract
from tenants import tenant_context
from tenants.models import utcnow

from .test_importing import LIBRARY, PARKS, csv_bytes


def queued_import(partner, content=None) -> int:
    with tenant_context(partner.id):
        register_import = importing.store_upload(db.session, partner, None, "register.csv",
                                                 io.BytesIO(content or csv_bytes(PARKS, LIBRARY)))
        register_import.column_mapping = importing.headers_and_guess(register_import)[1]
        importing.queue(db.session, register_import, "check")
        db.session.commit()
        return register_import.id


def state(partner, import_id) -> ContractRegisterImport:
    db.session.expire_all()
    with tenant_context(partner.id):
        return db.session.get(ContractRegisterImport, import_id)


def as_if_the_worker_died(partner, import_id, status, silent_for):
    with tenant_context(partner.id):
        db.session.execute(update(ContractRegisterImport).where(ContractRegisterImport.id == import_id)
                           .values(status=status, heartbeat_at=utcnow() - silent_for))
        db.session.commit()


def test_a_check_or_apply_silent_past_its_lease_is_failed_with_a_reason(council):
    dead, applying, alive = queued_import(council), queued_import(council), queued_import(council)
    as_if_the_worker_died(council, dead, "running", recovery.RUNNING_LEASE + timedelta(seconds=5))
    as_if_the_worker_died(council, applying, "applying", recovery.RUNNING_LEASE + timedelta(seconds=5))
    as_if_the_worker_died(council, alive, "running", recovery.RUNNING_LEASE - timedelta(seconds=30))

    assert recovery.fail_stale_imports(db.session) == 2
    db.session.commit()

    failed = state(council, dead)
    assert failed.status == "failed" and failed.finished
    assert "The worker checking this register stopped" in failed.failure_reason and "Try again" in failed.failure_reason
    assert "The worker applying this register stopped" in state(council, applying).failure_reason
    assert state(council, alive).status == "running"


def test_a_queued_import_no_worker_took_is_failed_only_after_the_longer_lease(council):
    import_id = queued_import(council)
    later = utcnow() + recovery.RUNNING_LEASE + timedelta(minutes=1)
    assert recovery.fail_stale_imports(db.session, now=later) == 0, "waiting behind other work is fine"
    assert recovery.fail_stale_imports(db.session, now=utcnow() + recovery.QUEUED_LEASE + timedelta(seconds=1)) == 1
    db.session.commit()
    assert "No worker started checking this register" in state(council, import_id).failure_reason


def test_finished_imports_are_never_touched_by_the_sweep(council, register):
    done = register(council, csv_bytes(PARKS))
    assert recovery.fail_stale_imports(db.session, now=utcnow() + timedelta(days=3)) == 0
    assert state(council, done.id).status == "imported"


def test_the_officer_tries_again_from_the_import_page_and_every_contract_arrives_once(council, make_user, sign_in):
    import_id = queued_import(council)
    as_if_the_worker_died(council, import_id, "running", timedelta(hours=1))
    recovery.fail_stale_imports(db.session)
    db.session.commit()
    client = sign_in(make_user(council, "officer"))
    page = client.get(f"/contracts/registers/{import_id}").get_data(as_text=True)
    assert "The worker checking this register stopped" in page and f"/contracts/registers/{import_id}/retry" in page

    assert client.post(f"/contracts/registers/{import_id}/retry").status_code == 302
    queued = state(council, import_id)
    assert queued.status == "queued" and queued.failure_reason is None and queued.finished_at is None
    assert queued.heartbeat_at is None
    queued_at = queued.queued_at if queued.queued_at.tzinfo else queued.queued_at.replace(tzinfo=UTC)
    assert (utcnow() - queued_at).total_seconds() < 60, "the queued lease starts again"

    with tenant_context(council.id):  # what the worker does
        importing.check_import(db.session, import_id)
        db.session.commit()
        assert db.session.scalar(select(func.count(Contract.id))) == 2
    response = client.post(f"/contracts/registers/{import_id}/retry")
    assert response.status_code == 400 and "Only an import that failed" in response.get_data(as_text=True)
    assert state(council, import_id).status == "imported"


def test_a_viewer_cannot_try_again(council, make_user, sign_in):
    import_id = queued_import(council)
    as_if_the_worker_died(council, import_id, "running", timedelta(hours=1))
    recovery.fail_stale_imports(db.session)
    db.session.commit()
    client = sign_in(make_user(council, "viewer"))
    assert f"/contracts/registers/{import_id}/retry" not in client.get(f"/contracts/registers/{import_id}").get_data(as_text=True)
    assert client.post(f"/contracts/registers/{import_id}/retry").status_code == 403
    assert state(council, import_id).status == "failed"


def test_another_partners_failed_import_cannot_be_tried_again(council, make_partner, make_user, sign_in):
    police = make_partner("Police", council.network, kind="police")
    theirs = queued_import(police)
    as_if_the_worker_died(police, theirs, "running", timedelta(hours=1))
    recovery.fail_stale_imports(db.session)
    db.session.commit()
    client = sign_in(make_user(council, "admin"))
    response = client.post(f"/contracts/registers/{theirs}/retry")
    assert response.status_code == 404 and "register.csv" not in response.get_data(as_text=True)
    assert state(police, theirs).status == "failed"


def test_the_heartbeat_marks_a_live_import_while_its_block_runs(council):
    import_id = queued_import(council)
    as_if_the_worker_died(council, import_id, "running", timedelta(hours=1))
    with tenant_context(council.id), recovery.heartbeat(db.session, import_id, every=0.05):
        time.sleep(0.3)
    beat = state(council, import_id).heartbeat_at
    beat = beat if beat.tzinfo else beat.replace(tzinfo=UTC)
    assert (utcnow() - beat).total_seconds() < 5
