"""How many messages wait in each task queue (Redis brokers only: the embedded one is for development)."""
from __future__ import annotations

from flask import Flask

from workers.routes import queues_in_use


def redis_url(app: Flask) -> str | None:
    """The broker's URL when it is Redis, else None."""
    url = app.config["CELERY"]["broker_url"]
    return url if url.startswith(("redis://", "rediss://")) else None


def redis_client(url: str):
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)


def lengths(app: Flask) -> dict[str, int]:
    """Messages waiting per queue of this install; nothing when the broker is not Redis or does not answer."""
    url = redis_url(app)
    if url is None:
        return {}
    import redis

    client = redis_client(url)
    try:
        # Kombu's Redis transport keeps a queue as a list of that name.
        return {name: int(client.llen(name)) for name in queues_in_use(app.config["TASK_QUEUES"])}
    except redis.RedisError:
        return {}
    finally:
        client.close()
