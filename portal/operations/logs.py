"""Structured logs: one JSON object a line (``LOG_FORMAT=json``), each with the request id it belongs to.

Every log record gets a ``request_id`` attribute (the request's, or the task's while a task
runs), in the plain text format too, so a test or a handler can read it. The JSON format is for
production, where a log shipper reads the lines; development keeps Flask's and Celery's own.
"""
from __future__ import annotations

import logging
import sys

from flask import Flask

from .request_id import current_request_id

FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(process)d"
RENAMED = {"asctime": "time", "levelname": "level", "name": "logger", "process": "pid"}
_installed = {"record_factory": False, "root_handler": False}


def json_formatter() -> logging.Formatter:
    from pythonjsonlogger.json import JsonFormatter

    return JsonFormatter(FIELDS, rename_fields=RENAMED, timestamp=False)


def _install_record_factory() -> None:
    if _installed["record_factory"]:
        return
    make = logging.getLogRecordFactory()

    def with_request_id(*args, **kwargs):
        record = make(*args, **kwargs)
        record.request_id = current_request_id()
        return record

    logging.setLogRecordFactory(with_request_id)
    _installed["record_factory"] = True


def _json_everywhere(logger=None, **_) -> None:
    """Celery set up its handlers (worker, beat, task logger): make each of them write JSON."""
    for target in {logging.getLogger(), logger} - {None}:
        for handler in target.handlers:
            handler.setFormatter(json_formatter())


def init_app(app: Flask) -> None:
    _install_record_factory()
    if app.config.get("LOG_FORMAT") != "json":
        return
    root = logging.getLogger()
    from pythonjsonlogger.json import JsonFormatter

    # Under gunicorn the root logger already writes JSON (gunicorn.conf.py): one line a record, not two.
    already = any(isinstance(h.formatter, JsonFormatter) for h in root.handlers)
    if not _installed["root_handler"] and not already:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(json_formatter())
        root.addHandler(handler)
        root.setLevel(app.config.get("LOG_LEVEL", "INFO"))
        _installed["root_handler"] = True
    from celery.signals import after_setup_logger, after_setup_task_logger

    after_setup_logger.connect(_json_everywhere, weak=False, dispatch_uid="portal.logs.json")
    after_setup_task_logger.connect(_json_everywhere, weak=False, dispatch_uid="portal.logs.json_task")
