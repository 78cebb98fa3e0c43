"""Does a request's id come back to the caller, reach the tasks it queues, and appear in their log lines?"""
from __future__ import annotations

import logging
import re

from celery.signals import before_task_publish
from flask import current_app

from portal.mail.tasks import send_unsent_emails
from portal.operations import request_id
from portal.operations.logs import json_formatter

HEX_ID = re.compile(r"^[0-9a-f]{32}$")


def test_a_well_formed_request_id_is_kept_and_answered(client):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a9c21-0001"})
    assert response.headers["X-Request-ID"] == "lb-7f3a9c21-0001"


def test_a_missing_or_malformed_request_id_is_replaced_by_a_new_one(client):
    made = client.get("/healthz").headers["X-Request-ID"]
    assert HEX_ID.match(made)
    for forged in ('x" injected="1', "short", "a" * 200, "id with spaces ok?"):
        answered = client.get("/healthz", headers={"X-Request-ID": forged}).headers["X-Request-ID"]
        assert answered != forged and HEX_ID.match(answered)
    assert client.get("/healthz").headers["X-Request-ID"] != made


def test_the_request_id_rides_on_the_task_it_queues_and_is_in_the_tasks_log_records(app, caplog):
    sent = []

    def capture(headers=None, **_):
        sent.append(dict(headers))

    before_task_publish.connect(capture, weak=False)
    try:
        with app.test_request_context("/", headers={"X-Request-ID": "req-from-the-proxy-42"}):
            app.preprocess_request()  # the request's hooks: its id is set
            send_unsent_emails.delay()  # published to the broker, as a view's task is
            app.do_teardown_request()
    finally:
        before_task_publish.disconnect(capture)
    assert sent and sent[-1][request_id.TASK_HEADER] == "req-from-the-proxy-42"

    # The worker's side: run the task with the headers its message carried.
    with app.app_context(), caplog.at_level(logging.INFO, logger="portal.tasks"):
        send_unsent_emails.apply(headers=sent[-1])
    started = [r for r in caplog.records if r.name == "portal.tasks" and "started" in r.getMessage()]
    assert started and started[-1].request_id == "req-from-the-proxy-42"
    assert request_id.current_request_id() is None  # not left behind for the next task


def test_a_task_queued_with_no_request_runs_with_no_request_id(app, caplog):
    with app.app_context(), caplog.at_level(logging.INFO, logger="portal.tasks"):
        send_unsent_emails.apply()
    started = [r for r in caplog.records if r.name == "portal.tasks" and "started" in r.getMessage()]
    assert started and started[-1].request_id is None


def test_json_log_lines_carry_the_request_id(app):
    token = request_id.use("req-json-line-0001")
    try:
        record = logging.getLogger("portal.test").makeRecord("portal.test", logging.INFO, __file__, 1, "hello %s", ("there",), None)
    finally:
        request_id.reset(token)
    line = json_formatter().format(record)
    import json

    parsed = json.loads(line)
    assert parsed["message"] == "hello there" and parsed["request_id"] == "req-json-line-0001" and parsed["level"] == "INFO"
    assert current_app is not None
