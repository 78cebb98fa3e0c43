"""The Celery app the tests' real worker runs: ``workers.worker`` on a queue of the tests' own.

``celery -A tests.worker_app worker -Q <queue>`` consumes only the queue named
in ``PORTAL_TEST_WORKER_QUEUE``, which the test process routes tasks to only
while a test that asked for the worker runs (tests/worker_process.py). The
worker's own default queue is the same one, so the work a task queues in turn
(an import's totals refresh, a retry) stays with this worker rather than
landing on the ordinary queue that nothing here consumes.

It also counts, in ``PORTAL_TEST_WORKER_STATE``, the tasks it has taken and
finished and the tasks it queued on its own queue, so the test process can tell
when it is idle without asking the broker: a task held for a later retry
(``countdown``) is taken but not finished, and must not run in a later test.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from celery.signals import (
    after_task_publish,
    task_postrun,
    task_received,
    task_rejected,
    task_revoked,
    task_unknown,
)

from workers.worker import celery_app, flask_app  # noqa: F401 - flask_app keeps the app alive

app = celery_app
QUEUE = os.environ["PORTAL_TEST_WORKER_QUEUE"]
app.conf.update(task_default_queue=QUEUE)

_STATE = Path(os.environ["PORTAL_TEST_WORKER_STATE"])
_lock = threading.Lock()
_counts = {"taken": 0, "finished": 0, "queued": 0}


def _count(*keys: str) -> None:
    with _lock:
        for key in keys:
            _counts[key] += 1
        partial = _STATE.with_suffix(".partial")
        partial.write_text(f"{_counts['taken']} {_counts['finished']} {_counts['queued']}\n")
        partial.replace(_STATE)  # a reader never sees half a line


@task_received.connect
def _taken(**_):
    _count("taken")


@task_postrun.connect
def _ran(**_):
    _count("finished")


@task_rejected.connect
@task_revoked.connect
def _dropped(**_):
    _count("finished")


@task_unknown.connect
def _unknown(**_):
    _count("taken", "finished")


@after_task_publish.connect
def _queued(routing_key=None, **_):
    if routing_key == QUEUE:
        _count("queued")
