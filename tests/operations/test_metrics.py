"""After a request and a task, does /metrics name them by route template and task name? Is it closed to strangers?"""
from __future__ import annotations

import pytest
from celery import shared_task

from portal.operations.metrics import import_finished


@shared_task(name="tests.operations.fails_on_purpose")
def fails_on_purpose():
    raise RuntimeError("on purpose")


@shared_task(name="tests.operations.succeeds")
def succeeds():
    return 1


def scrape(client, **kwargs) -> str:
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/plain"
    return response.get_data(as_text=True)


def test_request_latency_is_counted_by_route_template_not_by_path(app, client):
    client.get("/network/987654/suppliers/123456")  # a route with numbers in it (sign-in or 404 for a stranger)
    text = scrape(client)
    ours = [line for line in text.splitlines() if line.startswith("portal_request_duration_seconds_count")]
    assert any('route="/network/<int:network_id>/suppliers/<int:supplier_id>"' in line for line in ours), ours[:5]
    assert not any("987654" in line or "123456" in line for line in ours)


def test_task_durations_and_failures_are_counted_by_task_name(app, client, app_ctx):
    succeeds.apply()
    fails_on_purpose.apply()
    text = scrape(client)
    assert 'portal_task_duration_seconds_count{state="SUCCESS",task="tests.operations.succeeds"}' in text
    assert 'portal_task_duration_seconds_count{state="FAILURE",task="tests.operations.fails_on_purpose"}' in text
    assert 'portal_task_failures_total{task="tests.operations.fails_on_purpose"}' in text


def test_import_lines_per_second_are_counted(app, client):
    import_finished("spend", 5000, 2.0)
    text = scrape(client)
    assert 'portal_import_lines_total{kind="spend"}' in text
    assert 'portal_import_lines_per_second_bucket{kind="spend",le="2500.0"}' in text


def test_queue_lengths_are_read_from_a_redis_broker(app, client, app_settings):
    if not app_settings["CELERY"]["broker_url"].startswith("redis://"):
        pytest.skip("queue lengths are read from Redis: the PostgreSQL + Redis pass runs this")
    assert 'portal_queue_length{queue="celery"}' in scrape(client)


def test_metrics_are_refused_outside_the_allowed_networks_unless_the_token_is_given(other_app):
    application = other_app(METRICS_TOKEN="a-long-scrape-token", METRICS_ALLOWED_NETWORKS=[])
    client = application.test_client()
    stranger = {"environ_base": {"REMOTE_ADDR": "203.0.113.9"}}
    assert client.get("/metrics", **stranger).status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong-token"}, **stranger).status_code == 403
    assert "portal_request_duration_seconds" in scrape(client, headers={"Authorization": "Bearer a-long-scrape-token"}, **stranger)


def test_without_a_token_only_the_configured_networks_may_scrape(other_app):
    import ipaddress

    application = other_app(METRICS_ALLOWED_NETWORKS=[ipaddress.ip_network("10.0.0.0/8")])
    client = application.test_client()
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 403
    # An empty token never matches an empty Bearer.
    assert client.get("/metrics", headers={"Authorization": "Bearer "}, environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 403
