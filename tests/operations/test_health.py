"""Are /healthz and /readyz right about each thing that can be wrong, and do they say which?"""
from __future__ import annotations

import time

from sqlalchemy import create_engine, text

from portal.operations import heartbeat, readiness
from workers.routes import QUEUES

NOBODY_HOME = "postgresql+psycopg://nobody@127.0.0.1:1/nothing?connect_timeout=2"


def beat_now(application, queues=("celery",), ago: float = 0) -> None:
    heartbeat.beat(application, "worker-1@test", list(queues), now=time.time() - ago)


def readyz(application):
    response = application.test_client().get("/readyz")
    return response.status_code, response.get_json()


def test_healthz_says_alive_without_touching_the_database(other_app):
    application = other_app(SQLALCHEMY_DATABASE_URI=NOBODY_HOME, MIGRATION_DATABASE_URL=NOBODY_HOME)
    response = application.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "alive"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_readyz_is_200_with_the_database_at_head_and_a_worker_beating(other_app):
    application = other_app()
    beat_now(application)
    status, body = readyz(application)
    assert status == 200, body
    assert body["status"] == "ready" and body["failed"] == []
    assert body["checks"]["migrations"]["database"] == body["checks"]["migrations"]["head"]
    assert body["checks"]["redis"] == {"ok": True, "configured": False}
    assert set(body) == {"status", "failed", "checks"}  # nothing about any partner


def test_readyz_is_503_naming_the_database_when_it_does_not_answer(other_app):
    application = other_app(SQLALCHEMY_DATABASE_URI=NOBODY_HOME, MIGRATION_DATABASE_URL=NOBODY_HOME)
    beat_now(application)
    status, body = readyz(application)
    assert status == 503
    assert "database" in body["failed"] and body["checks"]["database"]["ok"] is False
    assert "nobody" not in str(body)  # no URL, no user name


def test_readyz_is_503_naming_redis_when_the_broker_does_not_answer(other_app):
    application = other_app(CELERY={"broker_url": "redis://127.0.0.1:1/0", "result_backend": "redis://127.0.0.1:1/0"})
    status, body = readyz(application)
    assert status == 503
    assert "redis" in body["failed"] and body["checks"]["redis"]["configured"] is True
    assert body["checks"]["database"]["ok"] is True


def test_readyz_is_503_naming_the_migrations_when_the_database_is_behind(other_app, tmp_path):
    behind = f"sqlite:///{tmp_path / 'behind.db'}"
    engine = create_engine(behind)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        connection.execute(text("INSERT INTO alembic_version VALUES ('b8d4f02e6c31')"))
    engine.dispose()
    application = other_app(SQLALCHEMY_DATABASE_URI=behind, MIGRATION_DATABASE_URL=behind)
    beat_now(application)
    status, body = readyz(application)
    assert status == 503 and body["failed"] == ["migrations"]
    assert body["checks"]["migrations"]["database"] == ["b8d4f02e6c31"]
    assert body["checks"]["migrations"]["head"] == sorted(readiness.alembic_heads(application))


def test_readyz_is_503_naming_the_migrations_when_the_database_was_never_migrated(other_app, tmp_path):
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    application = other_app(SQLALCHEMY_DATABASE_URI=empty, MIGRATION_DATABASE_URL=empty)
    beat_now(application)
    status, body = readyz(application)
    assert status == 503 and body["failed"] == ["migrations"]


def test_readyz_is_503_naming_the_worker_when_none_has_beaten(other_app):
    status, body = readyz(other_app())
    assert status == 503 and body["failed"] == ["worker"]
    assert body["checks"]["worker"]["queues_without_a_worker"] == ["celery"]


def test_readyz_is_503_when_the_last_beat_is_older_than_the_limit(other_app):
    application = other_app(WORKER_HEARTBEAT_MAX_AGE=60)
    beat_now(application, ago=61)
    status, body = readyz(application)
    assert status == 503 and body["failed"] == ["worker"]
    beat_now(application, ago=5)
    assert readyz(application)[0] == 200


def test_with_named_queues_every_queue_needs_a_worker(other_app):
    application = other_app(TASK_QUEUES="named")
    heartbeat.beat(application, "imports@host", ["imports"])
    heartbeat.beat(application, "totals-and-mail@host", ["totals", "mail"])
    status, body = readyz(application)
    assert status == 503 and body["checks"]["worker"]["queues_without_a_worker"] == ["matching"]
    heartbeat.beat(application, "matching@host", ["matching"])
    status, body = readyz(application)
    assert status == 200 and body["checks"]["worker"]["workers"] == 3
    assert set(QUEUES) == {"imports", "totals", "matching", "mail"}


def test_heartbeats_go_to_redis_when_the_broker_is_redis(other_app, app_settings):
    """On the PostgreSQL + Redis pass: beats are kept (and expire) in Redis, read back by any web process."""
    import pytest

    broker = app_settings["CELERY"]["broker_url"]
    if not broker.startswith("redis://"):
        pytest.skip("the broker of this pass is not Redis (the PostgreSQL + Redis pass runs this)")
    application = other_app(CELERY=app_settings["CELERY"])
    hostname = f"redis-beat-{time.time_ns()}@test"
    heartbeat.beat(application, hostname, ["celery"])
    mine = [b for b in heartbeat.recent(application) if b["hostname"] == hostname]
    assert len(mine) == 1 and mine[0]["queues"] == ["celery"] and time.time() - mine[0]["at"] < 5
    client = __import__("redis").Redis.from_url(broker)
    assert 0 < client.ttl(heartbeat.KEY_PREFIX + hostname) <= max(60, 4 * application.config["WORKER_HEARTBEAT_MAX_AGE"])
    client.delete(heartbeat.KEY_PREFIX + hostname)


def test_the_heads_read_from_the_files_are_alembics_own(app):
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", app.extensions["migrate"].directory)
    app.extensions.pop("portal_alembic_heads", None)
    assert readiness.alembic_heads(app) == set(ScriptDirectory.from_config(config).get_heads())
