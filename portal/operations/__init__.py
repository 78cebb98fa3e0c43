"""Running the portal: health and readiness, metrics, structured logs with request ids, error reporting."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import error_reporting, heartbeat, logs, metrics, request_id, tasks_log, views

    request_id.init_app(app)
    logs.init_app(app)
    metrics.init_app(app)
    tasks_log.connect()
    heartbeat.connect_worker_signals()
    error_reporting.init_app(app)
    app.register_blueprint(views.bp)
