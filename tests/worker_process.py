"""A real Celery worker process and a real SMTP server for the tests that need them.

``celery_worker_process`` starts ``celery -A workers.worker worker`` as a child
process with the environment mapped from ``app_settings``: it shares the test
database, broker and result backend, and sends mail over SMTP to the
``smtp_server`` fixture on loopback. The worker is ready once its log says
``ready.`` (Celery's own "celery@host ready." line, written after the consumer
has connected to the broker); its log is kept under the pytest tmp dir and
shown in full if it does not start.

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


def worker_environment(app_settings: dict, smtp_host: str, smtp_port: int) -> dict[str, str]:
    """The environment ``workers.worker`` reads, so it builds the same app as the tests."""
    env = dict(os.environ)
    env.update(
        {
            "PORTAL_ENV": "development",
            "PORTAL_INSTANCE": app_settings["INSTANCE_DIR"],
            "SECRET_KEY": app_settings["SECRET_KEY"],
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

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def is_running(self) -> bool:
        return self.process.poll() is None


def _check_broker(celery_app) -> str | None:
    """None if the broker answers, else why not (e.g. Redis is down)."""
    try:
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0.5, timeout=5)
    except Exception as error:  # noqa: BLE001 - any transport's "cannot connect"
        return f"{type(error).__name__}: {error}"
    return None


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # Celery's warm shutdown
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def celery_worker_process(app, app_settings, smtp_server, tmp_path_factory):
    """A real ``celery -A workers.worker worker`` on the test database, broker and SMTP server."""
    celery_app = app.extensions["celery"]
    broker_url = celery_app.conf.broker_url
    problem = _check_broker(celery_app)
    if problem:
        _require_or_skip(f"Celery broker {broker_url} unreachable: {problem}")
    # Tasks left on the broker (an earlier run on the same Redis db, or tests
    # that queued email with no worker running) would otherwise run against
    # this run's rows.
    celery_app.control.purge()

    log_dir = tmp_path_factory.mktemp("celery-worker")
    log_path = log_dir / "worker.log"
    hostname = f"portal-test-{uuid.uuid4().hex[:8]}@%h"
    command = _celery_command() + [
        "-A", "workers.worker", "worker",
        "--pool=solo", "--concurrency=1",
        "--loglevel=INFO",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--hostname", hostname,
    ]
    env = worker_environment(app_settings, smtp_server.host, smtp_server.port)
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    worker = WorkerProcess(process, log_path, hostname)
    try:
        _wait_until_ready(worker)
        yield worker
    finally:
        _stop(process)


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
