"""Celery: the app factory's worker half, the queueing rule and the beat table."""
from .celery_app import celery_init_app
from .queueing import enqueue_after_commit

__all__ = ["celery_init_app", "enqueue_after_commit"]
