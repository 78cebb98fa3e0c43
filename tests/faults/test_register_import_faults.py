"""A whole worker killed while it checks a contracts register: is the import failed with a reason, and does
trying again bring every contract in once? (PostgreSQL and Redis only, like the other fault tests.)"""
from __future__ import annotations

import csv
import io
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.contract_registers import importing, recovery
from portal.contract_registers.models import ContractRegisterImport
from portal.extensions import db
from portal.social_value.models import Contract
from tenants import tenant_context
from tenants.models import Organisation, utcnow

from .harness import wait_until
from .scenarios import make_network
from .test_worker_faults import quiet_but_the_lost_message

pytestmark = [pytest.mark.worker, pytest.mark.postgres]
LINES = 20_000
HEADER = ["Contract Reference", "Contract Title", "Supplier Company Name", "Total Contract Value (including extensions)",
          "Start Date", "End Date"]


def register_file(lines: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for n in range(lines):
        writer.writerow([f"C{n}", f"Contract {n}", f"Supplier {n % 500} Ltd", f"{1000 + n}.00", "2023-04-01", "2026-03-31"])
    return out.getvalue().encode()


def status(partner_id: int, import_id: int) -> ContractRegisterImport:
    db.session.remove()
    with tenant_context(partner_id):
        return db.session.get(ContractRegisterImport, import_id)


def test_a_whole_worker_killed_mid_check_leaves_it_failed_with_a_reason_then_the_retry_adds_every_contract_once(
    fault_worker, private_redis, say
):
    _, partner_ids, _ = make_network("Register faults")
    partner_id = partner_ids[0]
    with tenant_context(partner_id):
        partner = db.session.get(Organisation, partner_id)
        register_import = importing.store_upload(db.session, partner, None, "register.csv", io.BytesIO(register_file(LINES)))
        register_import.column_mapping = importing.headers_and_guess(register_import)[1]
        importing.queue(db.session, register_import, "check")
        db.session.commit()  # the task is sent now
        import_id = register_import.id

    def running():
        held = status(partner_id, import_id)
        return held.status == "running" and held.rows_done > 0

    wait_until(running, 60, "the check running")
    assert status(partner_id, import_id).heartbeat_at is not None, "the worker beats while it checks"
    fault_worker.kill_everything()  # the parent too: nobody is left to requeue the task
    fault_worker.start()
    time.sleep(2)
    assert status(partner_id, import_id).status == "running"  # Redis gives it back only after two days

    db.session.remove()
    assert recovery.fail_stale_imports(db.session, now=utcnow() + recovery.RUNNING_LEASE + timedelta(seconds=1)) == 1
    db.session.commit()
    with tenant_context(partner_id):
        failed = db.session.get(ContractRegisterImport, import_id)
        assert failed.status == "failed" and "The worker checking this register stopped" in failed.failure_reason
        assert db.session.scalar(select(func.count(Contract.id))) == 0, "nothing of the killed attempt was kept"
        recovery.retry_import(db.session, failed)
        db.session.commit()
    wait_until(lambda: status(partner_id, import_id).status in ("imported", "failed", "rejected"), 120, "the retried check")
    quiet_but_the_lost_message(private_redis)
    done = status(partner_id, import_id)
    assert done.status == "imported", done.failure_reason
    with tenant_context(partner_id):
        assert db.session.scalar(select(func.count(Contract.id))) == LINES
        assert db.session.scalar(select(func.count(func.distinct(Contract.reference)))) == LINES
    say(f"whole worker killed mid-check of a {LINES:,}-line register: failed by the sweep with a reason, "
        "the retry added every contract once")
