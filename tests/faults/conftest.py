"""A Redis of the fault tests' own (so restarting it disturbs nobody), an app on it, and a worker to kill."""
from __future__ import annotations

import shutil
import socket

import pytest

from portal import create_app
from tests import settings
from tests.conftest import _require_or_skip
from tests.worker_process import worker_environment

from .harness import WORKER_APPLICATION_NAME, FaultWorker, PrivateRedis


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def private_redis(tmp_path_factory):
    if not settings.ON_POSTGRES:
        # Not a missing service: the SQLite pass has no Redis to restart and no backend
        # to drop. bin/test's PostgreSQL pass runs these, and fails when its services are missing.
        pytest.skip("the worker fault tests run in the PostgreSQL + Redis pass of bin/test")
    if not settings.BROKER_URL or not shutil.which("redis-server"):
        _require_or_skip("the worker fault tests need Redis (TEST_BROKER_URL and redis-server)")
    redis = PrivateRedis(tmp_path_factory.mktemp("fault-redis"), _free_port())
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture(scope="session")
def fault_settings(app, app_settings, private_redis):
    return {**app_settings, "CELERY": {"broker_url": f"{private_redis.url}/5", "result_backend": f"{private_redis.url}/6"}}


@pytest.fixture
def fault_app(app, fault_settings):
    """The test app's settings with Celery on the private Redis; its tasks are sent there while a test runs."""
    application = create_app(fault_settings)
    with application.app_context():
        application.extensions["celery"].set_current()
        yield application
    main = app.extensions["celery"]
    main.set_current()
    main.set_default()


@pytest.fixture
def fault_worker(fault_app, fault_settings, private_redis, tmp_path):
    env = worker_environment(fault_settings, "127.0.0.1", 25)
    # Named, so a test can drop exactly the worker's database connections.
    separator = "&" if "?" in env["DATABASE_URL"] else "?"
    env["DATABASE_URL"] += f"{separator}application_name={WORKER_APPLICATION_NAME}"
    worker = FaultWorker(env, tmp_path / "worker.log")
    # A test whose whole worker was killed leaves its message unacknowledged (for the two-day visibility
    # timeout): the next test would wait for a quiet queue that never comes. Each starts on an empty broker.
    private_redis.flush(5, 6)
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def say(capsys, request):
    """Print one line of what held (bench/worker_faults.py gathers them), with the test's time so far."""
    import time

    began = time.monotonic()

    def line(text: str) -> None:
        with capsys.disabled():
            print(f"\n  {text} ({time.monotonic() - began:.1f} s); every check held")

    return line
