"""Prometheus metrics (prometheus_client): requests by route, tasks by name, queues, import speed.

Under gunicorn and Celery's prefork pool each process counts on its own; with
``PROMETHEUS_MULTIPROC_DIR`` set (before the processes start, to an empty folder they share)
each writes its counts there and ``/metrics`` adds up every file, workers' included.
See https://prometheus.github.io/client_python/multiprocess/.
"""
from __future__ import annotations

import os
import time

from flask import Flask, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

REQUEST_SECONDS = Histogram(
    "portal_request_duration_seconds", "Time to answer a request, by route template (never the raw path)",
    ["method", "route", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10, 30),
)
TASK_SECONDS = Histogram(
    "portal_task_duration_seconds", "Time a task ran, by task name and how it ended", ["task", "state"],
    buckets=(0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600),
)
TASK_FAILURES = Counter("portal_task_failures", "Tasks that raised, by task name", ["task"])
TASK_RETRIES = Counter("portal_task_retries", "Tasks that asked to be tried again, by task name", ["task"])
IMPORT_LINES = Counter("portal_import_lines", "Lines read by finished imports", ["kind"])
IMPORT_LINES_PER_SECOND = Histogram(
    "portal_import_lines_per_second", "Each finished import's lines read per second", ["kind"],
    buckets=(50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000),
)

_task_started: dict[str, float] = {}


def import_finished(kind: str, lines: int, seconds: float) -> None:
    """An import of ``kind`` read ``lines`` lines in ``seconds``."""
    IMPORT_LINES.labels(kind).inc(lines)
    if seconds > 0 and lines:
        IMPORT_LINES_PER_SECOND.labels(kind).observe(lines / seconds)


# ------------------------------------------------------------------ web requests


def _start_timer() -> None:
    g._metrics_started = time.perf_counter()


def _observe_request(response):
    started = g.pop("_metrics_started", None)
    if started is not None:
        route = request.url_rule.rule if request.url_rule is not None else "(no route)"
        REQUEST_SECONDS.labels(request.method, route, str(response.status_code)).observe(time.perf_counter() - started)
    return response


# ------------------------------------------------------------------------ tasks


def _task_began(task_id=None, **_) -> None:
    if task_id:
        _task_started[task_id] = time.perf_counter()


def _task_ended(task_id=None, task=None, state=None, **_) -> None:
    started = _task_started.pop(task_id, None)
    if started is not None and task is not None:
        TASK_SECONDS.labels(task.name, state or "UNKNOWN").observe(time.perf_counter() - started)


def _task_failed(sender=None, **_) -> None:
    TASK_FAILURES.labels(getattr(sender, "name", "unknown")).inc()


def _task_retried(sender=None, **_) -> None:
    TASK_RETRIES.labels(getattr(sender, "name", "unknown")).inc()


def _pool_process_ended(pid=None, **_) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid or os.getpid())


def connect_task_signals() -> None:
    from celery.signals import (
        task_failure,
        task_postrun,
        task_prerun,
        task_retry,
        worker_process_shutdown,
    )

    task_prerun.connect(_task_began, weak=False, dispatch_uid="portal.metrics.prerun")
    task_postrun.connect(_task_ended, weak=False, dispatch_uid="portal.metrics.postrun")
    task_failure.connect(_task_failed, weak=False, dispatch_uid="portal.metrics.failure")
    task_retry.connect(_task_retried, weak=False, dispatch_uid="portal.metrics.retry")
    worker_process_shutdown.connect(_pool_process_ended, weak=False, dispatch_uid="portal.metrics.shutdown")


# ---------------------------------------------------------------- at each scrape


class QueueAndWorkerCollector:
    """Read at each scrape, not counted: how many messages wait in each queue, how long since each worker beat."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self):
        from . import heartbeat, queues

        waiting = GaugeMetricFamily("portal_queue_length", "Messages waiting in a task queue", labels=["queue"])
        for name, length in queues.lengths(self.app).items():
            waiting.add_metric([name], length)
        yield waiting
        age = GaugeMetricFamily("portal_worker_heartbeat_age_seconds", "Seconds since a worker's last heartbeat",
                                labels=["worker"])
        now = time.time()
        for beat in heartbeat.recent(self.app):
            age.add_metric([beat["hostname"]], max(0.0, now - beat["at"]))
        yield age


def exposition(app: Flask) -> bytes:
    """The metrics page's text: every process's counts (multiprocess) or this one's, then the queues."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)
    else:
        from prometheus_client import REGISTRY as counted
    read_now = CollectorRegistry(auto_describe=False)
    read_now.register(QueueAndWorkerCollector(app))
    return generate_latest(counted) + generate_latest(read_now)


def init_app(app: Flask) -> None:
    app.before_request(_start_timer)
    app.after_request(_observe_request)
    connect_task_signals()
