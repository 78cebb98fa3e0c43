"""A real Celery worker process and a real SMTP server for the tests that need them.

``celery_worker_session`` starts one ``celery -A tests.worker_app worker`` per
run as a child process with the environment mapped from ``app_settings``: it
shares the test database, broker and result backend, and sends mail over SMTP
to the ``smtp_server`` fixture on loopback. The worker is ready once its log
says ``ready.`` (Celery's own "celery@host ready." line, written after the
consumer has connected to the broker); its log is kept under the pytest tmp dir
and shown in full if it does not start.

It consumes only a queue of its own (``WORKER_QUEUE``), and the test process
routes tasks there only while a test that asked for ``celery_worker_process``
runs. Every other test's tasks go to the ordinary queue, which nothing here
consumes and which is purged after every test: the rows those tasks name are
gone by then, and SQLite hands the same ids to the next test's rows, so a
worker running them would act on someone else's data (and be busy when a
worker test needs it). Before a worker test its queue is purged; after it the
worker must go idle, or it is restarted, so nothing it holds (a retry waiting
on its countdown) runs in a later test.

Register with ``pytest_plugins = ["tests.worker_process"]`` (tests/conftest.py)
and mark the tests that use it with ``@pytest.mark.worker``.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from celery.signals import after_task_publish
from kombu.exceptions import OperationalError as KombuOperationalError

REPO_ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 20


def _require_or_skip(reason: str):
    # Imported late: conftest loads this module while it is itself being loaded.
    from .conftest import _require_or_skip as require_or_skip

    require_or_skip(reason)


# ---------------------------------------------------------------- SMTP server


@dataclass
class ReceivedMail:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def body(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()


@dataclass
class SMTPSink:
    """What the loopback SMTP server received, in order, safe to read from tests."""

    host: str
    port: int
    messages: list[ReceivedMail] = field(default_factory=list)
    # recipient -> how many more deliveries to refuse with a temporary error
    refuse: dict[str, int] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def refuse_next(self, recipient: str, times: int = 1) -> None:
        with self._lock:
            self.refuse[recipient] = times

    def take_refusal(self, recipients: list[str]) -> bool:
        with self._lock:
            for recipient in recipients:
                if self.refuse.get(recipient, 0) > 0:
                    self.refuse[recipient] -= 1
                    self.refused.append(recipient)
                    return True
        return False

    def add(self, mail: ReceivedMail) -> None:
        with self._lock:
            self.messages.append(mail)

    def to(self, recipient: str) -> list[ReceivedMail]:
        with self._lock:
            return [m for m in self.messages if recipient in m.recipients]

    def wait_for(self, recipient: str, count: int = 1, timeout: float = 30) -> list[ReceivedMail]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(recipient)
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(
            f"{count} message(s) to {recipient} did not arrive within {timeout}s; "
            f"got {len(self.to(recipient))}; server holds {len(self.messages)} in all"
        )


class _Handler:
    def __init__(self, sink: SMTPSink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        if self.sink.take_refusal(list(envelope.rcpt_tos)):
            return "451 4.3.0 Temporary failure, try again later"
        message = BytesParser(policy=policy.default).parsebytes(envelope.original_content or envelope.content)
        self.sink.add(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 at a free port, collecting messages."""
    from aiosmtpd.controller import Controller

    # aiosmtpd 1.4's Controller cannot take port 0 (it connects to its own
    # port to check it started), so ask the kernel for a free port first.
    for attempt in range(5):
        sink = SMTPSink(host="127.0.0.1", port=_free_port())
        controller = Controller(_Handler(sink), hostname=sink.host, port=sink.port, ready_timeout=10)
        try:
            controller.start()
            break
        except Exception:
            if attempt == 4:
                raise
    try:
        yield sink
    finally:
        controller.stop()


# ------------------------------------------------------------------- worker

# The worker's own queue; a fixed name so a run that died leaves nothing
# behind that the next run does not purge.
WORKER_QUEUE = "portal-test-worker"
IDLE_TIMEOUT_SECONDS = 30
_BROKER_DOWN = (KombuOperationalError, ConnectionError, OSError)


def worker_environment(app_settings: dict, smtp_host: str, smtp_port: int) -> dict[str, str]:
    """The environment ``workers.worker`` reads, so it builds the same app as the tests."""
    env = dict(os.environ)
    env.update(
        {
            "PORTAL_ENV": "development",
            "PORTAL_INSTANCE": app_settings["INSTANCE_DIR"],
            "SECRET_KEY": app_settings["SECRET_KEY"],
            "RLS_SCOPE_KEY": app_settings["RLS_SCOPE_KEY"],
            "DATABASE_URL": app_settings["SQLALCHEMY_DATABASE_URI"],
            "MIGRATION_DATABASE_URL": app_settings["MIGRATION_DATABASE_URL"],
            "CELERY_BROKER_URL": app_settings["CELERY"]["broker_url"],
            "CELERY_RESULT_BACKEND": app_settings["CELERY"]["result_backend"],
            "MAIL_SERVER": smtp_host,
            "MAIL_PORT": str(smtp_port),
            "MAIL_USE_TLS": "",
            "MAIL_USERNAME": "",
            "MAIL_PASSWORD": "",
            "MAIL_OUTBOX": app_settings["MAIL_OUTBOX"],
            "PUBLIC_URL": app_settings["PUBLIC_URL"],
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _celery_command() -> list[str]:
    celery = Path(sys.executable).with_name("celery")
    return [str(celery)] if celery.exists() else [sys.executable, "-m", "celery"]


@dataclass
class WorkerProcess:
    process: subprocess.Popen
    log_path: Path
    hostname: str
    state_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def is_running(self) -> bool:
        return self.process.poll() is None

    def counts(self) -> tuple[int, int, int]:
        """(tasks taken, tasks finished, tasks it queued) so far, as tests/worker_app.py records them."""
        try:
            taken, finished, queued = self.state_path.read_text().split()
        except (FileNotFoundError, ValueError):
            return (0, 0, 0)
        return (int(taken), int(finished), int(queued))


def _check_broker(celery_app) -> str | None:
    """None if the broker answers, else why not (e.g. Redis is down)."""
    try:
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0.5, timeout=5)
    except Exception as error:  # noqa: BLE001 - any transport's "cannot connect"
        return f"{type(error).__name__}: {error}"
    return None


def _connected(celery_app):
    connection = celery_app.connection_for_write()
    # Fail fast if the broker is down, rather than Celery's hundred retries.
    connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0.5, timeout=5)
    return connection


def purge_queue(celery_app, name: str) -> None:
    with _connected(celery_app) as connection:
        connection.default_channel.queue_purge(name)


def purge_ordinary_queue(celery_app) -> None:
    """Drop what tests queued with no worker to run it (a broker that is down held nothing)."""
    try:
        purge_queue(celery_app, celery_app.conf.task_default_queue)
    except _BROKER_DOWN:
        pass


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # Celery's warm shutdown
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


# While a worker test runs, the test process sends every task to the worker's
# queue. A router Celery asks at each send, rather than a changed
# task_default_queue: Celery caches the default queue and its router.
# It counts what it sends there, so it can tell when the worker is idle
# without asking the broker (kombu's SQLAlchemy transport keeps a pooled
# connection per query it is asked).
_routing = {"to_worker": False, "sent": 0}


def _route_to_worker(name, args, kwargs, options, task=None, **_):
    return {"queue": WORKER_QUEUE} if _routing["to_worker"] else None


def _count_sent(routing_key=None, **_):
    if routing_key == WORKER_QUEUE:
        _routing["sent"] += 1


class SessionWorker:
    """The run's one worker process, started again if it died or had to be stopped."""

    def __init__(self, celery_app, env: dict[str, str], log_dir: Path):
        self.celery_app = celery_app
        self.env = env
        self.log_dir = log_dir
        self.starts = 0
        self.current: WorkerProcess | None = None
        self.baseline = (0, 0, 0)

    def start(self) -> WorkerProcess:
        # What a stopped worker gave back (Celery restores unacknowledged
        # messages on shutdown) belongs to a finished test.
        purge_queue(self.celery_app, WORKER_QUEUE)
        self.starts += 1
        log_path = self.log_dir / f"worker-{self.starts}.log"
        state_path = self.log_dir / f"worker-{self.starts}.counts"
        hostname = f"portal-test-{uuid.uuid4().hex[:8]}@%h"
        command = _celery_command() + [
            "-A", "tests.worker_app", "worker",
            "-Q", WORKER_QUEUE,
            "--pool=solo", "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--hostname", hostname,
        ]
        env = {**self.env, "PORTAL_TEST_WORKER_QUEUE": WORKER_QUEUE, "PORTAL_TEST_WORKER_STATE": str(state_path)}
        with open(log_path, "wb") as log_file:
            process = subprocess.Popen(
                command, cwd=REPO_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        self.current = WorkerProcess(process, log_path, hostname, state_path)
        _wait_until_ready(self.current)
        return self.current

    def running(self) -> WorkerProcess:
        if self.current is None or not self.current.is_running():
            return self.start()
        return self.current

    def begin_test(self) -> WorkerProcess:
        """The running worker, its queue purged, with what a test sends to it counted from now."""
        worker = self.running()
        purge_queue(self.celery_app, WORKER_QUEUE)
        self.baseline = worker.counts()
        _routing["sent"] = 0
        return worker

    def wait_until_idle(self, timeout: float = IDLE_TIMEOUT_SECONDS) -> bool:
        """True once the worker has taken and finished every task sent to it since ``begin_test``."""
        worker = self.current
        deadline = time.monotonic() + timeout
        idle_checks = 0
        while time.monotonic() < deadline and worker.is_running():
            taken, finished, queued = worker.counts()
            base_taken, _, base_queued = self.baseline
            sent = _routing["sent"] + queued - base_queued
            # Twice in a row: a message just published may not be counted as sent yet.
            idle_checks = idle_checks + 1 if (taken - base_taken == sent and finished == taken) else 0
            if idle_checks == 2:
                return True
            time.sleep(0.2)
        return False

    def stop(self) -> None:
        if self.current is not None:
            _stop(self.current.process)


@pytest.fixture(scope="session")
def celery_worker_session(app, app_settings, smtp_server, tmp_path_factory):
    """The run's real ``celery worker`` on the test database, broker and SMTP server, on its own queue."""
    celery_app = app.extensions["celery"]
    problem = _check_broker(celery_app)
    if problem:
        _require_or_skip(f"Celery broker {celery_app.conf.broker_url} unreachable: {problem}")
    # Tasks left on the broker (an earlier run on the same Redis db, or tests
    # that queued email with no worker running) would otherwise run against
    # this run's rows.
    purge_ordinary_queue(celery_app)
    env = worker_environment(app_settings, smtp_server.host, smtp_server.port)
    worker = SessionWorker(celery_app, env, tmp_path_factory.mktemp("celery-worker"))
    celery_app.conf.update(task_routes=(_route_to_worker,))
    after_task_publish.connect(_count_sent)
    try:
        worker.start()
        yield worker
    finally:
        after_task_publish.disconnect(_count_sent)
        celery_app.conf.update(task_routes=None)
        worker.stop()


@pytest.fixture
def celery_worker_process(celery_worker_session):
    """The real worker, running this test's tasks (and only this test's) for its duration."""
    worker = celery_worker_session.begin_test()
    _routing["to_worker"] = True
    try:
        yield worker
    finally:
        _routing["to_worker"] = False
        # Before the tables are cleaned: a task still running would act on the next test's rows.
        if not celery_worker_session.wait_until_idle():
            celery_worker_session.stop()  # started again, on an empty queue, by the next worker test


def _wait_until_ready(worker: WorkerProcess) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if not worker.is_running():
            _not_started(worker, f"exited with code {worker.process.returncode}")
        # "celery@host ready." is logged once the consumer is connected and
        # consuming; before that a queued task would only wait on the broker.
        if " ready." in worker.log():
            return
        time.sleep(0.2)
    _not_started(worker, f"not ready after {START_TIMEOUT_SECONDS}s")


def _not_started(worker: WorkerProcess, why: str) -> None:
    _stop(worker.process)
    _require_or_skip(
        f"Celery worker {why}; command {' '.join(map(str, worker.process.args))}; "
        f"log {worker.log_path}:\n{worker.log()[-6000:]}"
    )
