"""A task runs under the request id its message carries, and says so in its first log line."""
from __future__ import annotations

import logging

from . import request_id

log = logging.getLogger("portal.tasks")
_tokens: dict[str, object] = {}


def _task_began(task_id=None, task=None, **_) -> None:
    carried = request_id.task_request_id(task) if task is not None else None
    _tokens[task_id] = request_id.use(carried)
    log.info("task %s started", getattr(task, "name", "?"), extra={"task_id": task_id, "task_name": getattr(task, "name", None)})


def _task_ended(task_id=None, task=None, state=None, **_) -> None:
    log.info("task %s ended: %s", getattr(task, "name", "?"), state, extra={"task_id": task_id, "state": state})
    token = _tokens.pop(task_id, None)
    if token is not None:
        try:
            request_id.reset(token)
        except ValueError:
            request_id.use(None)


def connect() -> None:
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(_task_began, weak=False, dispatch_uid="portal.tasks_log.prerun")
    task_postrun.connect(_task_ended, weak=False, dispatch_uid="portal.tasks_log.postrun")
