"""Real worker processes to kill, a Redis of our own to restart, and the loop that kills at random points.

A *fault scenario* (``Scenario``) says how to start one piece of work, how to
tell it has finished, and what must hold afterwards. ``kill_during`` times
the work once, then queues it again and again, waits a random part of that time
and ``kill -9``s the worker's pool process; Celery's parent process requeues
the task (``task_reject_on_worker_lost``) and a fresh pool process runs it again. A kill counts only if it landed mid-task (the parent logs
``WorkerLostError``); the loop goes on until enough have. Adding a kind of work
is adding a Scenario to a table (tests/faults/scenarios.py).
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.worker_process import REPO_ROOT, _celery_command

START_TIMEOUT_SECONDS = 60
WORKER_APPLICATION_NAME = "fault-worker"


def wait_until(condition: Callable[[], bool], timeout: float, what: str, every: float = 0.02) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:.0f}s")
        time.sleep(every)


# ---------------------------------------------------------------- Redis


@dataclass
class PrivateRedis:
    """A redis-server of this run only (so restarting it disturbs nobody), persisted as production's should be."""

    directory: Path
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
             "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
        )
        wait_until(self.answers, 10, f"redis-server on port {self.port}", every=0.05)

    def answers(self) -> bool:
        return subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True, check=False).stdout.strip() == "PONG"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=20)

    def restart(self, down_for: float = 1.0) -> None:
        self.stop()
        time.sleep(down_for)
        self.start()

    def flush(self, *databases: int) -> None:
        """Empty these databases, unacknowledged messages included (a purge leaves those)."""
        for database in databases:
            subprocess.run(["redis-cli", "-p", str(self.port), "-n", str(database), "flushdb"], capture_output=True, check=True)

    def count(self, *command: str) -> int:
        out = subprocess.run(["redis-cli", "-p", str(self.port), *command], capture_output=True, text=True, check=False).stdout.strip()
        return int(out or 0)


# --------------------------------------------------------------- workers


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


@dataclass
class FaultWorker:
    """``celery worker`` with one prefork pool process, in a process group of its own so all of it can be killed."""

    env: dict
    log_path: Path
    process: subprocess.Popen | None = None
    lost: int = 0  # WorkerLostError lines seen so far

    def start(self) -> None:
        command = _celery_command() + [
            "-A", "workers.worker", "worker", "--pool=prefork", "--concurrency=1", "--loglevel=INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--hostname", f"faults-{uuid.uuid4().hex[:8]}@%h",
        ]
        with open(self.log_path, "ab") as log:  # the worker keeps its own copy of the descriptor
            self.process = subprocess.Popen(command, cwd=REPO_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        ready_before = self.log().count(" ready.")
        wait_until(lambda: self.log().count(" ready.") > ready_before or self.process.poll() is not None,
                   START_TIMEOUT_SECONDS, "worker ready", every=0.2)
        if self.process.poll() is not None:
            raise AssertionError(f"worker exited with {self.process.returncode}:\n{self.log()[-4000:]}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def pool_pid(self) -> int:
        wait_until(lambda: bool(_children(self.process.pid)), 20, "a pool process")
        return _children(self.process.pid)[0]

    def kill_pool_process(self) -> None:
        """kill -9 the process running tasks; the worker's parent process lives on."""
        os.kill(self.pool_pid(), signal.SIGKILL)

    def kill_everything(self) -> None:
        """kill -9 the whole worker (parent and pool), as when its machine dies."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def lost_tasks(self) -> int:
        return self.log().count("WorkerLostError")

    def stop(self) -> None:
        """At the end of a test: killed outright (a warm shutdown took 4-7 s here, and surviving kills is the point)."""
        if self.process is not None and self.process.poll() is None:
            self.kill_everything()


# -------------------------------------------------------------- scenarios


@dataclass
class Scenario:
    """One kind of work to interrupt, in a few callables on a shared ``state`` dict.

    ``start(state)`` queues the work; ``finished(state)`` says it is done;
    ``check(state)`` asserts everything holds (totals equal a fresh
    computation, no line lost or doubled), and runs after each interrupted piece
    of work and at the end. ``setup(state)`` builds the data once.
    """

    name: str
    setup: Callable[[dict], None]
    start: Callable[[dict], None]
    finished: Callable[[dict], bool]
    check: Callable[[dict], None]
    # Says the worker is on the work now (an import "running", a recompute holding its lock): kill points
    # are drawn from then on, not from the queueing, so short work is hit too.
    running: Callable[[dict], bool] | None = None
    state: dict = field(default_factory=dict)


@dataclass
class KillReport:
    scenario: str
    wanted: int
    landed: int = 0
    attempts: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        return f"{self.scenario}: {self.landed} kill -9 mid-task in {self.attempts} attempts, {self.seconds:.1f} s of kills"


def _begin(scenario: Scenario) -> None:
    scenario.start(scenario.state)
    if scenario.running is not None:
        try:
            wait_until(lambda: scenario.running(scenario.state), 10, "the work started", every=0.002)
        except AssertionError:
            pass  # over before it was seen: this attempt will not land mid-task


def measure(scenario: Scenario, timeout: float = 90) -> float:
    """How long the work takes here and now (from when it is seen running), run once without a kill."""
    _begin(scenario)
    began = time.monotonic()
    wait_until(lambda: scenario.finished(scenario.state), timeout, f"{scenario.name} finished", every=0.005)
    scenario.check(scenario.state)
    return time.monotonic() - began


def kill_during(scenario: Scenario, worker: FaultWorker, kills: int, rng: random.Random, finish_timeout: float = 90) -> KillReport:
    """Kill the pool process at random points of the scenario's work until ``kills`` kills landed mid-task.

    The points are drawn uniformly over how long the work took in a run without a
    kill (the machine's speed and load change it several times over), and the
    window narrows a little after each kill that came too late.
    """
    report, began = KillReport(scenario.name, kills), time.monotonic()
    state = scenario.state
    window = measure(scenario)
    while report.landed < kills:
        report.attempts += 1
        assert report.attempts <= max(kills * 4, 16), f"{scenario.name}: only {report.landed} of {report.attempts} kills landed mid-task"
        before = worker.lost_tasks()
        _begin(scenario)
        time.sleep(rng.uniform(0, window))
        worker.kill_pool_process()
        try:
            wait_until(lambda: scenario.finished(state), finish_timeout, f"{scenario.name} finished after the kill", every=0.1)
        except AssertionError as error:
            raise AssertionError(f"{error}; the worker's log ends:\n{worker.log()[-5000:]}") from None
        if worker.lost_tasks() > before:
            report.landed += 1
        else:
            window *= 0.7
        scenario.check(state)
    report.seconds = time.monotonic() - began
    return report


def advisory_lock_held(namespace: int, key: int) -> bool:
    """Someone holds pg_advisory_xact_lock(namespace, key): a worker's recompute of that partner is under way."""
    from sqlalchemy import text

    from portal.extensions import db

    with db.engine.connect() as connection:
        return bool(connection.scalar(text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = :ns AND objid = :key AND granted"),
            {"ns": namespace, "key": key}))


def worker_in_transaction() -> bool:
    """A fault worker's connection is inside a transaction: a task is reading or writing now."""
    from sqlalchemy import text

    from portal.extensions import db

    with db.engine.connect() as connection:
        return bool(connection.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name AND datname = current_database()"
            " AND state IN ('active', 'idle in transaction')"), {"name": WORKER_APPLICATION_NAME}))
