"""Kill the worker mid-task, restart Redis, drop its database connection: is anything lost, doubled or stuck?

PostgreSQL and Redis only (skipped otherwise; a failure with PORTAL_REQUIRE_SERVICES=1).
FAULT_KILLS sets the kills that must land mid-task per kind of work (3 here, to keep the suite short;
bench/worker_faults.py runs 10 or more of each and prints a summary).
"""
from __future__ import annotations

import os
import random
import time
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from portal.extensions import db
from portal.spend import import_recovery
from portal.spend.models import SpendImport
from tenants import tenant_context
from tenants.models import utcnow
from tests import settings

from . import scenarios
from .harness import WORKER_APPLICATION_NAME, kill_during, wait_until

KILLS = int(os.environ.get("FAULT_KILLS", "3"))
pytestmark = [pytest.mark.worker, pytest.mark.postgres]


def quiet(redis, timeout: float = 120) -> None:
    """No task waiting, none running (acks_late: a running task is unacknowledged)."""
    wait_until(lambda: redis.count("-n", "5", "llen", "celery") == 0 and redis.count("-n", "5", "hlen", "unacked") == 0,
               timeout, "the queue drained", every=0.2)


@pytest.mark.parametrize("kind", sorted(scenarios.SCENARIOS))
def test_kill_9_of_the_worker_mid_task_loses_and_doubles_nothing(kind, fault_worker, private_redis, capsys):
    scenario = scenarios.SCENARIOS[kind]()
    scenario.setup(scenario.state)
    report = kill_during(scenario, fault_worker, KILLS, random.Random(kind))
    quiet(private_redis)
    scenario.check(scenario.state)
    state = scenario.state
    scenarios.spend_totals_hold(state["network_id"], state["partner_ids"])
    with capsys.disabled():
        print(f"\n  {report.line()}")


def _running_import(scenario):
    scenario.start(scenario.state)
    partner_id, import_id, prefix = scenario.state["current"]

    def running():
        db.session.remove()
        with tenant_context(partner_id):
            spend_import = db.session.get(SpendImport, import_id)
            return spend_import.status == "running" and spend_import.rows_done > 0

    wait_until(running, 30, "the import running")
    return partner_id, import_id, prefix


def test_a_whole_worker_killed_mid_import_leaves_it_failed_with_a_reason_then_the_retry_imports_every_line_once(
    fault_worker, private_redis
):
    scenario = scenarios.import_scenario(lines=20_000)
    scenario.setup(scenario.state)
    partner_id, import_id, prefix = _running_import(scenario)
    fault_worker.kill_everything()  # the parent too: nobody is left to requeue the task
    fault_worker.start()
    time.sleep(2)
    db.session.remove()
    with tenant_context(partner_id):
        assert db.session.get(SpendImport, import_id).status == "running"  # Redis gives it back only after two days

    # The sweep, once the lease has run out (as if two minutes had passed).
    assert import_recovery.fail_stale_imports(db.session, now=utcnow() + import_recovery.RUNNING_LEASE + timedelta(seconds=1)) == 1
    db.session.commit()
    with tenant_context(partner_id):
        failed = db.session.get(SpendImport, import_id)
        assert failed.status == "failed" and "The worker importing this file stopped" in failed.failure_reason
        import_recovery.retry_import(db.session, failed)
        db.session.commit()
    wait_until(lambda: scenario.finished(scenario.state), 90, "the retried import")
    quiet_but_the_lost_message(private_redis)
    scenarios.import_holds(partner_id, import_id, prefix, 20_000)
    scenarios.spend_totals_hold(scenario.state["network_id"], scenario.state["partner_ids"])


def quiet_but_the_lost_message(redis, timeout: float = 120) -> None:
    # The killed worker's message stays unacknowledged until the visibility timeout; redelivered
    # then, it finds the import done and does nothing.
    wait_until(lambda: redis.count("-n", "5", "llen", "celery") == 0 and redis.count("-n", "5", "hlen", "unacked") <= 1,
               timeout, "the queue drained", every=0.2)


@pytest.mark.xfail(reason="finding, not fixed yet: the import commits, but its totals refresh cannot be queued while Redis is "
                   "down ('could not queue'), and nothing but the nightly recompute picks it up; the killed ack leaves an "
                   "unacknowledged message for two days (harmless when redelivered: the import is done)", strict=False)
def test_redis_restarted_mid_import_loses_and_doubles_nothing(fault_worker, private_redis):
    scenario = scenarios.import_scenario(lines=20_000)
    scenario.setup(scenario.state)
    partner_id, import_id, prefix = _running_import(scenario)
    private_redis.restart(down_for=2)
    wait_until(lambda: scenario.finished(scenario.state), 120, "the import after Redis came back")
    quiet(private_redis)
    scenarios.import_holds(partner_id, import_id, prefix, 20_000)
    scenarios.spend_totals_hold(scenario.state["network_id"], scenario.state["partner_ids"])
    assert fault_worker.process.poll() is None, "the worker survived the restart"


def _drop_worker_connections() -> int:
    admin = create_engine(os.environ.get("PG_ADMIN_URL") or settings.MIGRATION_DATABASE_URL.replace("portal_owner@", "postgres@"))
    with admin.begin() as connection:
        dropped = connection.execute(
            text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = :name AND datname = current_database()"),
            {"name": WORKER_APPLICATION_NAME},
        ).scalar()
    admin.dispose()
    return dropped


@pytest.mark.xfail(reason="finding, not diagnosed yet: the import retries and imports every line once, but the queue did not "
                   "drain within 120 s afterwards in the one run on 2026-11-25", strict=False)
def test_the_database_connection_dropped_mid_import_and_mid_recompute_loses_and_doubles_nothing(fault_worker, private_redis):
    scenario = scenarios.import_scenario(lines=20_000)
    scenario.setup(scenario.state)
    partner_id, import_id, prefix = _running_import(scenario)
    assert _drop_worker_connections() >= 1
    wait_until(lambda: scenario.finished(scenario.state), 120, "the import after its connection was dropped")
    quiet(private_redis)
    scenarios.import_holds(partner_id, import_id, prefix, 20_000)

    totals = scenarios.spend_totals_scenario(base_lines=40_000)
    totals.setup(totals.state)
    totals.start(totals.state)
    wait_until(lambda: totals.state["result"].state == "STARTED", 30, "the recompute started", every=0.005)
    time.sleep(0.05)
    _drop_worker_connections()
    wait_until(lambda: totals.finished(totals.state), 120, "the recompute after its connection was dropped")
    quiet(private_redis)
    totals.check(totals.state)
    scenarios.spend_totals_hold(scenario.state["network_id"], scenario.state["partner_ids"])
