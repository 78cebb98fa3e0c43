"""Each worker says it is alive every few seconds, naming the queues it takes work from.

The worker's main process beats from a thread started when Celery says the worker is ready, so
a worker whose main process is gone (or stuck) stops beating; ``/readyz`` wants a recent beat on
every queue of the install. Beats are kept in Redis when the broker is Redis (expiring on their
own), else in files under the instance folder (development, one machine).
"""
from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

from flask import Flask

from .queues import redis_client, redis_url

KEY_PREFIX = "portal:worker-heartbeat:"
KEEP_FILES_SECONDS = 24 * 3600
_stop = threading.Event()


def _folder(app: Flask) -> Path:
    return Path(app.config["INSTANCE_DIR"]) / "worker-heartbeats"


def beat(app: Flask, hostname: str, queues: list[str], now: float | None = None) -> None:
    """Record that the worker ``hostname``, taking from ``queues``, is alive at ``now``."""
    record = {"hostname": hostname, "queues": sorted(queues), "at": time.time() if now is None else now}
    url = redis_url(app)
    if url is not None:
        client = redis_client(url)
        try:
            client.set(KEY_PREFIX + hostname, json.dumps(record), ex=int(max(60, 4 * app.config["WORKER_HEARTBEAT_MAX_AGE"])))
        finally:
            client.close()
        return
    folder = _folder(app)
    folder.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", hostname)
    temporary = folder / f".{safe}.tmp"
    temporary.write_text(json.dumps(record))
    temporary.replace(folder / f"{safe}.json")  # whole or not at all, for a reader at the same moment


def recent(app: Flask) -> list[dict]:
    """Every worker's last beat that is still kept (Redis expires them; files older than a day are skipped)."""
    url = redis_url(app)
    if url is not None:
        client = redis_client(url)
        try:
            keys = list(client.scan_iter(match=KEY_PREFIX + "*", count=500))
            values = client.mget(keys) if keys else []
        finally:
            client.close()
        return [json.loads(value) for value in values if value]
    folder = _folder(app)
    if not folder.is_dir():
        return []
    beats = []
    for path in folder.glob("*.json"):
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if time.time() - record.get("at", 0) < KEEP_FILES_SECONDS:
            beats.append(record)
    return beats


def _beat_until_stopped(app: Flask, hostname: str, queues: list[str]) -> None:
    every = app.config["WORKER_HEARTBEAT_EVERY"]
    while not _stop.is_set():
        try:
            beat(app, hostname, queues)
        except Exception:
            app.logger.warning("worker heartbeat not recorded", exc_info=True)
        _stop.wait(every)


def _worker_ready(sender=None, **_) -> None:
    app = sender.app.flask_app
    queues = list(sender.app.amqp.queues.consume_from or sender.app.amqp.queues)
    _stop.clear()
    threading.Thread(target=_beat_until_stopped, args=(app, sender.hostname, queues),
                     name="portal worker heartbeat", daemon=True).start()


def _worker_stopping(**_) -> None:
    _stop.set()


def connect_worker_signals() -> None:
    from celery.signals import worker_ready, worker_shutdown

    worker_ready.connect(_worker_ready, weak=False, dispatch_uid="portal.heartbeat.ready")
    worker_shutdown.connect(_worker_stopping, weak=False, dispatch_uid="portal.heartbeat.shutdown")
