"""One id per request, carried into the tasks it queues, so a line of any log leads to the others.

The id comes from the ``X-Request-ID`` header when a proxy in front set a well-formed one (so the
proxy's access log and ours share it), else it is made here. It rides on each queued task as a
Celery message header and is the task's own id while it runs, so tasks a task queues carry it too.
"""
from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

from flask import Flask, g, request

HEADER = "X-Request-ID"
TASK_HEADER = "portal_request_id"
# Letters, digits and a few separators: never a newline or quote to forge a log line with.
WELL_FORMED = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")

_current: ContextVar[str | None] = ContextVar("portal_request_id", default=None)


def current_request_id() -> str | None:
    return _current.get()


def use(request_id: str | None):
    """Make ``request_id`` the current one; returns a token for ``reset``."""
    return _current.set(request_id)


def reset(token) -> None:
    _current.reset(token)


def new_request_id() -> str:
    return uuid.uuid4().hex


def from_header(value: str | None) -> str:
    """The proxy's id when well formed, else a new one (a malformed id is not trusted into the logs)."""
    return value if value and WELL_FORMED.match(value) else new_request_id()


def _begin_request() -> None:
    g.request_id = from_header(request.headers.get(HEADER))
    g._request_id_token = use(g.request_id)


def _answer_with_id(response):
    request_id = g.get("request_id")
    if request_id:
        response.headers[HEADER] = request_id
    return response


def _end_request(exc=None) -> None:
    token = g.pop("_request_id_token", None)
    if token is not None:
        try:
            reset(token)
        except ValueError:  # a context other than the one that set it (a streamed response): nothing to undo
            use(None)


def _add_to_message(headers=None, **_) -> None:
    request_id = current_request_id()
    if request_id and headers is not None:
        headers[TASK_HEADER] = request_id


def task_request_id(task) -> str | None:
    """The id a task's message carries: a worker puts custom message headers on ``task.request``,
    ``Task.apply`` (a task run in this process) in ``task.request.headers``."""
    value = getattr(task.request, TASK_HEADER, None) or (getattr(task.request, "headers", None) or {}).get(TASK_HEADER)
    return value if isinstance(value, str) and WELL_FORMED.match(value) else None


def init_app(app: Flask) -> None:
    from celery.signals import before_task_publish

    # First of the request hooks, so every later hook's log lines carry the id.
    app.before_request_funcs.setdefault(None, []).insert(0, _begin_request)
    app.after_request(_answer_with_id)
    app.teardown_request(_end_request)
    before_task_publish.connect(_add_to_message, weak=False, dispatch_uid="portal.request_id")
