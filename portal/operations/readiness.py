"""The checks behind ``/readyz``: each returns (ok, details) and never raises.

Details name what was found, never a tenant's data or a secret (no URL, no password).
"""
from __future__ import annotations

import re
import time
from pathlib import Path

from flask import Flask
from sqlalchemy import text

from workers.routes import queues_in_use

from . import heartbeat
from .queues import redis_client, redis_url


def database(app: Flask) -> tuple[bool, dict]:
    from portal.extensions import db

    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any driver's "cannot connect" is "not ready"
        return False, {"error": type(error).__name__}
    return True, {}


def redis(app: Flask) -> tuple[bool, dict]:
    """The broker when it is Redis, and the rate limits' store when that is Redis; skipped when neither is."""
    urls = {redis_url(app)}
    limits = app.config.get("RATELIMIT_STORAGE_URI", "")
    if limits.startswith(("redis://", "rediss://")):
        urls.add(limits)
    urls.discard(None)
    if not urls:
        return True, {"configured": False}
    for url in sorted(urls):
        client = redis_client(url)
        try:
            client.ping()
        except Exception as error:  # noqa: BLE001
            return False, {"configured": True, "error": type(error).__name__}
        finally:
            client.close()
    return True, {"configured": True}


_REVISION = re.compile(r"^revision\s*=\s*['\"]([0-9A-Za-z_]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\s*=\s*(.+)$", re.MULTILINE)


def alembic_heads(app: Flask) -> set[str]:
    """The revisions the code's migrations end at, read from the files' ``revision``/``down_revision`` lines.

    Not Alembic's ScriptDirectory, which imports every migration (seconds on a busy machine, longer than
    a probe waits); tests/operations/test_health.py checks both agree. Read once per process.
    """
    cached = app.extensions.get("portal_alembic_heads")
    if cached is None:
        revisions, parents = set(), set()
        for path in (Path(app.extensions["migrate"].directory) / "versions").glob("*.py"):
            source = path.read_text()
            found = _REVISION.search(source)
            if found is None:
                continue
            revisions.add(found.group(1))
            down = _DOWN_REVISION.search(source)
            if down is not None:
                parents.update(re.findall(r"['\"]([0-9A-Za-z_]+)['\"]", down.group(1)))
        cached = app.extensions["portal_alembic_heads"] = revisions - parents
    return cached


def schema_version(connection) -> set[str]:
    """The revisions the database is at. The app role cannot read alembic_version on PostgreSQL, so it asks
    the owner's ``portal_schema_version()`` (migrations/versions/*_readiness_schema_version.py)."""
    if connection.dialect.name == "postgresql":
        return set(connection.execute(text("SELECT portal_schema_version()")).scalars())
    return set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def migrations(app: Flask) -> tuple[bool, dict]:
    from portal.extensions import db

    head = alembic_heads(app)
    try:
        with db.engine.connect() as connection:
            found = schema_version(connection)
    except Exception as error:  # noqa: BLE001 - no table or no function: the database was never migrated
        return False, {"head": sorted(head), "error": type(error).__name__}
    return found == head, {"head": sorted(head), "database": sorted(found)}


def worker(app: Flask, now: float | None = None) -> tuple[bool, dict]:
    """A beat within WORKER_HEARTBEAT_MAX_AGE seconds from a worker on each queue the install uses."""
    now = time.time() if now is None else now
    max_age = app.config["WORKER_HEARTBEAT_MAX_AGE"]
    try:
        beats = heartbeat.recent(app)
    except Exception as error:  # noqa: BLE001 - where beats are kept does not answer
        return False, {"error": type(error).__name__}
    fresh = [b for b in beats if now - b["at"] <= max_age]
    served = {queue for b in fresh for queue in b["queues"]}
    missing = [queue for queue in queues_in_use(app.config["TASK_QUEUES"]) if queue not in served]
    details = {"max_age_seconds": max_age, "workers": len(fresh)}
    if missing:
        details["queues_without_a_worker"] = missing
    return not missing, details


CHECKS = {"database": database, "redis": redis, "migrations": migrations, "worker": worker}


def run_checks(app: Flask) -> dict:
    """Every check's outcome, and which failed."""
    results = {}
    for name, check in CHECKS.items():
        ok, details = check(app)
        results[name] = {"ok": ok, **details}
    failed = [name for name, result in results.items() if not result["ok"]]
    return {"status": "not ready" if failed else "ready", "failed": failed, "checks": results}
