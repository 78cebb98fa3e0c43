"""The Celery app, built from the Flask settings (Flask's own Celery pattern).

Every task runs inside an app context and starts with no tenant at all: a
task that touches partner data must enter ``tenant_context(organisation_id)``
from its own arguments, so a scope can never leak in from whoever queued it.
"""
from __future__ import annotations

from celery import Celery, Task
from flask import Flask

from tenants import no_tenant

from .routes import task_routes

# Longer than the longest task (a full recompute of a large network), so Redis
# does not hand a running task to a second worker. Redis's 1 h default would.
VISIBILITY_TIMEOUT_SECONDS = 2 * 24 * 3600


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context(), no_tenant():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    settings = dict(app.config["CELERY"])
    celery_app.config_from_object(
        {
            "task_serializer": "json",
            "result_serializer": "json",
            "accept_content": ["json"],
            "task_acks_late": True,
            "task_reject_on_worker_lost": True,
            "worker_prefetch_multiplier": 1,
            "task_track_started": True,
            "result_expires": 7 * 24 * 3600,
            "broker_connection_retry_on_startup": True,
            "broker_transport_options": _transport_options(settings["broker_url"]),
            "beat_schedule": beat_schedule(),
            "task_routes": task_routes(app.config.get("TASK_QUEUES", "one")),
            "timezone": "Europe/London",
            **settings,
        }
    )
    celery_app.set_default()
    celery_app.flask_app = app  # for work a worker process starts outside any task (its signals)
    app.extensions["celery"] = celery_app
    return celery_app


def _transport_options(broker_url: str) -> dict:
    if broker_url.startswith(("redis://", "rediss://")):
        return {"visibility_timeout": VISIBILITY_TIMEOUT_SECONDS}
    return {}


def beat_schedule() -> dict:
    """Periodic jobs, as one table. Imported lazily so features own their tasks."""
    from .schedule import PERIODIC_JOBS

    return PERIODIC_JOBS
