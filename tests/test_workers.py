"""Email goes out through a real Celery worker process to a real SMTP server.

The tests marked ``worker`` use ``celery_worker_process`` (tests/worker_process.py):
``celery -A workers.worker worker`` on this run's database and broker, sending
to the loopback ``smtp_server``. The rest check the configuration and the
outbox fallback without a worker.
"""
from __future__ import annotations

import logging
import re
import smtplib
import socket
import time
import uuid
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from flask import Flask, has_app_context
from sqlalchemy import select, update

from portal.extensions import db
from portal.mail import services
from portal.mail.models import OutgoingEmail
from tenants import NoTenantContext, current_scope, tenant_context
from tenants.models import Invitation, utcnow
from workers import enqueue_after_commit
from workers.celery_app import VISIBILITY_TIMEOUT_SECONDS, celery_init_app

SEND_EMAIL = "portal.mail.tasks.send_email"
SEND_UNSENT = "portal.mail.tasks.send_unsent_emails"
RESULT_TIMEOUT = 60


@pytest.fixture
def celery_app(app):
    """The test app's Celery app, made current so ``shared_task`` proxies resolve to it."""
    celery = app.extensions["celery"]
    celery.set_current()
    celery.set_default()
    return celery


def unique_address(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:10]}@example.org"


def sent_row(email_id: int):
    """(sent_at, attempts, last_error) as committed now, not as this session last saw it."""
    db.session.rollback()
    return db.session.execute(
        select(OutgoingEmail.sent_at, OutgoingEmail.attempts, OutgoingEmail.last_error).where(
            OutgoingEmail.id == email_id
        )
    ).one()


def wait_until_sent(email_id: int, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = sent_row(email_id)
        if row.sent_at is not None:
            return row
        time.sleep(0.1)
    raise AssertionError(f"email {email_id} not marked sent within {timeout}s: {sent_row(email_id)}")


def record_unqueued(recipient: str, subject: str = "Hello", body: str = "Body\n", age=timedelta(0)) -> int:
    """An email row committed with no task queued for it (as when the broker was down)."""
    email = OutgoingEmail(recipient=recipient, subject=subject, message="text", arguments={"body": body},
                          created_at=utcnow() - age)
    db.session.add(email)
    db.session.commit()
    return email.id


# ----------------------------------------------------------- with a worker


@pytest.mark.worker
def test_an_invitation_from_the_web_form_arrives_by_smtp_with_its_link(
    celery_worker_process, smtp_server, celery_app, make_partner, make_user, sign_in, app
):
    partner = make_partner("Rotherham Council")
    admin = make_user(partner, role="admin", name="Ada Admin")
    client = sign_in(admin)
    invitee = unique_address("invitee")

    response = client.post("/people/invite", data={"name": "Ivy Invitee", "email": invitee, "role": "officer"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]

    [mail] = smtp_server.wait_for(invitee)
    email_id = db.session.scalar(select(OutgoingEmail.id).where(OutgoingEmail.recipient == invitee))
    row = wait_until_sent(email_id)
    assert row.attempts == 1

    links = re.findall(r"http://localhost/invitation/\S+", mail.body)
    assert len(links) == 1, mail.body
    assert mail.message["To"] == invitee
    assert mail.message["From"] == app.config["MAIL_SENDER"]
    assert "Rotherham Council" in mail.message["Subject"]
    assert "Ada Admin has invited you to join Rotherham Council as officer" in mail.body

    # The link in the email is the one that works: it opens this invitation.
    page = app.test_client().get(links[0].removeprefix("http://localhost"))
    assert page.status_code == 200
    assert invitee in page.get_data(as_text=True)
    assert "Rotherham Council" in page.get_data(as_text=True)


@pytest.mark.worker
def test_a_task_asked_for_in_a_rolled_back_transaction_is_never_sent(
    celery_worker_process, smtp_server, celery_app, app_ctx, monkeypatch
):
    task = celery_app.tasks[SEND_EMAIL]
    published = []
    real_apply_async = task.apply_async

    def spy(args=None, kwargs=None, **options):
        published.append(tuple(args or ()))
        return real_apply_async(args=args, kwargs=kwargs, **options)

    monkeypatch.setattr(task, "apply_async", spy)
    dropped = unique_address("rolled-back")
    services.queue_email(db.session, dropped, "Never", "This must not be sent.\n")
    enqueue_after_commit(db.session, task, 999_999)  # the low-level call too
    db.session.rollback()
    assert "tasks_after_commit" not in db.session.info

    # A later commit in the same session sends only its own work.
    marker = unique_address("marker")
    kept = services.queue_email(db.session, marker, "Kept", "This one goes.\n")
    db.session.commit()
    smtp_server.wait_for(marker)
    assert published == [(kept.id,)]

    time.sleep(3)  # the worker has had every chance
    assert smtp_server.to(dropped) == []
    assert db.session.scalar(select(OutgoingEmail.id).where(OutgoingEmail.recipient == dropped)) is None


@pytest.mark.worker
def test_sending_twice_delivers_once(celery_worker_process, smtp_server, celery_app, app_ctx):
    task = celery_app.tasks[SEND_EMAIL]
    recipient = unique_address("once")
    email_id = record_unqueued(recipient, "Once only")

    first, second = task.delay(email_id), task.delay(email_id)
    results = sorted([first.get(timeout=RESULT_TIMEOUT), second.get(timeout=RESULT_TIMEOUT)])
    assert results == [False, True]
    row = wait_until_sent(email_id)

    # And again once it is long sent.
    assert task.delay(email_id).get(timeout=RESULT_TIMEOUT) is False
    time.sleep(1)
    assert len(smtp_server.to(recipient)) == 1
    assert sent_row(email_id) == row
    assert row.attempts == 1


@pytest.mark.worker
def test_a_temporary_smtp_failure_is_retried_with_backoff_and_counted(
    celery_worker_process, smtp_server, celery_app, app_ctx
):
    recipient = unique_address("retry")
    smtp_server.refuse_next(recipient, times=1)
    email_id = services.queue_email(db.session, recipient, "Retried", "Second time lucky.\n").id
    db.session.commit()

    smtp_server.wait_for(recipient, timeout=45)
    row = wait_until_sent(email_id)
    assert smtp_server.refused.count(recipient) == 1
    assert row.attempts == 2  # the refused try and the one that went
    assert "451" in row.last_error
    assert "Retry in" in celery_worker_process.log()


@pytest.mark.worker
def test_the_sweep_requeues_an_old_email_whose_task_was_lost(
    celery_worker_process, smtp_server, celery_app, app_ctx, monkeypatch, caplog
):
    task = celery_app.tasks[SEND_EMAIL]

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(task, "apply_async", broker_down)
    lost = unique_address("lost")
    with caplog.at_level(logging.ERROR, logger="workers.queueing"):
        email_id = services.queue_email(db.session, lost, "Lost at commit", "Found by the sweep.\n").id
        db.session.commit()  # the commit stands although the task could not be queued
    assert "could not queue" in caplog.text
    monkeypatch.undo()

    db.session.execute(
        update(OutgoingEmail).where(OutgoingEmail.id == email_id).values(created_at=utcnow() - timedelta(minutes=10))
    )
    db.session.commit()
    recent = unique_address("recent")
    recent_id = record_unqueued(recent, "Too new to sweep")

    assert celery_app.tasks[SEND_UNSENT].delay().get(timeout=RESULT_TIMEOUT) == 1
    [mail] = smtp_server.wait_for(lost)
    assert "Found by the sweep." in mail.body
    assert wait_until_sent(email_id).attempts == 1
    time.sleep(1)
    assert smtp_server.to(recent) == []
    assert sent_row(recent_id).sent_at is None


# ---------------------------------------------------------- without a worker


@pytest.fixture
def scope_probe(celery_app):
    """A task defined here, on the test process's Celery app, reporting what it runs under."""
    name = "tests.test_workers.scope_probe"
    if name not in celery_app.tasks:

        @celery_app.task(name=name)
        def scope_probe():
            scope = current_scope()
            try:
                db.session.scalars(select(Invitation)).all()
                refused = False
            except NoTenantContext:
                refused = True
            return {"scope": scope, "refused": refused, "app_context": has_app_context()}

    return celery_app.tasks[name]


def test_a_task_starts_with_no_tenant_whoever_queued_it(scope_probe, celery_app, make_partner):
    partner = make_partner()
    with tenant_context(partner.id):
        # apply() runs in this process, so the caller's scope is right there to leak.
        outcome = scope_probe.apply().get()
        assert current_scope().organisation_id == partner.id  # and it is back afterwards
    assert outcome == {"scope": None, "refused": True, "app_context": True}
    # The email tasks are built on the same base class, so the same holds for them.
    assert type(celery_app.tasks[SEND_EMAIL]).__call__ is type(scope_probe).__call__
    assert type(celery_app.tasks[SEND_UNSENT]).__call__ is type(scope_probe).__call__


def test_a_long_link_in_an_outbox_email_reads_whole_in_the_file(app, app_ctx, tmp_path, monkeypatch):
    """Can a person open the outbox file and click a long verification link (not cut by quoted-printable "=" breaks)?"""
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path))
    link = "http://127.0.0.1:5000/verify-email/" + "Ab3-_x" * 30
    email = OutgoingEmail(id=4343, recipient="owner@example.org", subject="Confirm your email address", message="text")

    services.deliver(email, f"Confirm your address by opening this link:\n\n{link}\n\nThanks, the café team\n")

    raw = (tmp_path / "00004343.eml").read_bytes()
    assert link.encode() in raw.splitlines()  # the link on one line of the file, as written
    message = message_from_bytes(raw, policy=policy.default)
    assert link in message.get_content() and "café" in message.get_content()  # and still a valid email


def test_over_smtp_an_email_keeps_its_safe_encoding(app, app_ctx):
    """Does an email handed to a mail server keep quoted-printable lines of 76 characters or fewer?"""
    email = OutgoingEmail(id=4344, recipient="owner@example.org", subject="Confirm", message="text")
    link = "http://127.0.0.1:5000/verify-email/" + "a" * 180
    raw = bytes(services.build_message(email, f"Open {link}\n"))
    assert b"quoted-printable" in raw and max(len(line) for line in raw.splitlines()) <= 78
    assert link in message_from_bytes(raw, policy=policy.default).get_content()


def test_without_a_mail_server_deliver_writes_an_eml_to_the_outbox_and_logs_it(app, app_ctx, tmp_path, monkeypatch, caplog):
    outbox = tmp_path / "outbox"
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(outbox))
    email = OutgoingEmail(id=4242, recipient="reader@example.org", subject="Outbox test", message="text")

    with caplog.at_level(logging.WARNING, logger="portal.mail.services"):
        services.deliver(email, "Read me here.\n")

    path = outbox / "00004242.eml"
    assert [p.name for p in outbox.iterdir()] == [path.name]
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["To"] == "reader@example.org"
    assert message["Subject"] == "Outbox test"
    assert message.get_content() == "Read me here.\n"
    assert "portal-4242" in message["Message-ID"]
    assert str(path) in caplog.text and "reader@example.org" in caplog.text
    assert "Read me here." not in caplog.text  # a body may hold a live link: logs are kept


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_failed_attempt_is_counted_and_not_marked_sent(app, app_ctx, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", _closed_port())
    email_id = record_unqueued(unique_address("unreachable"))

    with pytest.raises(OSError):
        services.send_pending(db.session, email_id)
    row = sent_row(email_id)
    assert row.sent_at is None and row.attempts == 1 and row.last_error


# ------------------------------------------------------------ configuration


@pytest.fixture
def built_from(celery_app):
    """Build a Celery app from given settings, then make the test app current again."""

    def build(broker_url: str, result_backend: str = "redis://127.0.0.1:6379/1"):
        flask_app = Flask("config-check")
        flask_app.config["CELERY"] = {"broker_url": broker_url, "result_backend": result_backend}
        return celery_init_app(flask_app)

    yield build
    celery_app.set_current()
    celery_app.set_default()


@pytest.mark.parametrize("broker_url", ["redis://127.0.0.1:6379/0", "rediss://cache.example:6380/0"])
def test_on_redis_the_visibility_timeout_outlasts_any_task(built_from, broker_url):
    conf = built_from(broker_url).conf
    assert conf.broker_url == broker_url
    assert conf.broker_transport_options == {"visibility_timeout": 2 * 24 * 3600}
    assert VISIBILITY_TIMEOUT_SECONDS == 172_800


def test_the_embedded_broker_gets_no_redis_options(built_from):
    conf = built_from("sqla+sqlite:////tmp/broker.db", "db+sqlite:////tmp/results.db").conf
    assert conf.broker_transport_options == {}


def test_tasks_are_acknowledged_late_one_at_a_time_in_json(built_from):
    conf = built_from("redis://127.0.0.1:6379/0").conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json"
    assert conf.result_serializer == "json"
    assert list(conf.accept_content) == ["json"]
    assert conf.result_accept_content is None or list(conf.result_accept_content) == ["json"]
    assert "send-unsent-emails" in conf.beat_schedule


def test_the_test_apps_celery_is_configured_the_same_way(celery_app):
    conf = celery_app.conf
    assert (conf.task_acks_late, conf.task_reject_on_worker_lost, conf.worker_prefetch_multiplier) == (True, True, 1)
    assert list(conf.accept_content) == ["json"]


def test_send_email_retries_transient_failures_with_capped_backoff(celery_app):
    task = celery_app.tasks[SEND_EMAIL]
    for error in (smtplib.SMTPServerDisconnected, smtplib.SMTPDataError, ConnectionRefusedError, TimeoutError):
        assert issubclass(error, tuple(task.autoretry_for)), error
    assert task.retry_backoff == 5 and task.retry_backoff_max == 600 and task.retry_jitter is True
    assert task.max_retries == 8
    assert task.acks_late is True
