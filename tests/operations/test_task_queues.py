"""With TASK_QUEUES=named, does every task the portal has go to one of the four queues?"""
from __future__ import annotations

import pytest
from celery.app.routes import Router

from workers.routes import QUEUES, task_routes


def test_every_task_has_a_named_queue(other_app):
    application = other_app(TASK_QUEUES="named")
    celery_app = application.extensions["celery"]
    router = celery_app.amqp.router
    assert isinstance(router, Router)
    names = sorted(name for name in celery_app.tasks if name.startswith(("portal.", "workers.")))
    assert len(names) > 25
    unrouted = {}
    for name in names:
        queue = router.route({}, name)["queue"].name
        if queue not in QUEUES:
            unrouted[name] = queue
    assert not unrouted, f"tasks on no named queue: {unrouted}"


@pytest.mark.parametrize(("task", "queue"), [
    ("portal.spend.tasks.import_spend_file", "imports"),
    ("portal.spend.tasks.recompute_spend_totals", "totals"),
    ("workers.due.requeue_due_refreshes", "totals"),
    ("portal.matching.tasks.match_network", "matching"),
    ("portal.matching.tasks.send_weekly_digests", "mail"),
    ("portal.mail.tasks.send_email", "mail"),
])
def test_work_goes_where_its_kind_is_served(other_app, task, queue):
    router = other_app(TASK_QUEUES="named").extensions["celery"].amqp.router
    assert router.route({}, task)["queue"].name == queue


def test_one_queue_by_default(app):
    assert app.config["TASK_QUEUES"] == "one" and task_routes("one") is None
    with pytest.raises(ValueError):
        task_routes("many")
