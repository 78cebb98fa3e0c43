"""Can someone who reads the outbox table use a link from it? (Issue 14, item 3: no live token at rest.)

The outbox names each email's message and a few ids; the worker writes the body,
signing any link, only as it hands the email over, and clears even the ids once sent.
"""
import re

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text

from portal import create_app
from portal.extensions import db
from portal.mail.models import OutgoingEmail
from portal.mail.services import queue_message, send_pending

from .smes.conftest import registration
from .test_accounts import delivered, emails_to, fresh, page
from .test_accounts_invitations import accept, invite
from .test_accounts_passwords import NEW_PASSWORD


def outbox_as_read_from_the_database() -> str:
    """Every column of every outbox row, as raw SQL run by whoever got at the database sees it."""
    db.session.commit()
    return repr(db.session.execute(text("SELECT * FROM outgoing_emails")).all())


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[-1]


@pytest.fixture
def admin(make_partner, make_user):
    return make_user(make_partner("Rotherham Council"), role="admin", name="Ann Admin")


def test_an_invitation_leaves_no_token_in_the_outbox_and_its_link_works_once(app, admin, sign_in):
    invite(sign_in(admin), email="nina@example.org")
    before_sending = outbox_as_read_from_the_database()
    assert "nina@example.org" in before_sending and "/invitation/" not in before_sending

    (email,) = emails_to("nina@example.org")
    link = re.search(r"http://localhost(/invitation/\S+)", delivered(email)).group(1)
    after_sending = outbox_as_read_from_the_database()
    assert token_of(link) not in after_sending and "/invitation/" not in after_sending
    assert fresh(email).status == "sent" and email.arguments is None and email.sent_at is not None

    assert accept(app.test_client(), link).status_code == 302
    again = accept(app.test_client(), link)
    assert again.status_code == 400 and "already been accepted" in page(again)


def test_a_password_reset_leaves_no_token_in_the_outbox_and_its_link_works_once(app, admin):
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        app.test_client().post("/forgotten-password", data={"email": admin.email})
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    assert "/reset-password/" not in outbox_as_read_from_the_database()

    (email,) = emails_to(admin.email)
    link = re.search(r"http://localhost(/reset-password/\S+)", delivered(email)).group(1)
    assert token_of(link) not in outbox_as_read_from_the_database()

    new = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        assert app.test_client().post(link, data=new).status_code == 302
        assert app.test_client().post(link, data=new).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = True


def test_a_verification_leaves_no_token_in_the_outbox_and_its_link_works_once(app, make_network):
    network = make_network()
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        app.test_client().post(f"/networks/{network.slug}/register", data=registration())
        assert "/verify-email/" not in outbox_as_read_from_the_database()
        (email,) = emails_to("rita@roofing.example")
        link = re.search(r"http://localhost(/verify-email/\S+)", delivered(email)).group(1)
        assert token_of(link) not in outbox_as_read_from_the_database()
        assert app.test_client().post(link).status_code == 302
        assert app.test_client().post(link).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = True


def test_an_outbox_row_pointing_a_reset_at_another_address_sends_nothing(app, app_ctx, admin):
    """A row written through a leaked database login cannot get a live link mailed to its writer."""
    forged = queue_message(db.session, "attacker@example.net", "Reset", "password-reset", user_id=admin.id)
    db.session.commit()
    assert send_pending(db.session, forged.id) is False
    db.session.expire_all()
    row = db.session.scalar(select(OutgoingEmail).where(OutgoingEmail.id == forged.id))
    assert row.status == "dropped" and row.sent_at is None


@pytest.fixture
def old_app(app, app_settings, tmp_path):
    """An app of its own on an empty SQLite database; the session's Celery app is put back after.

    create_app makes its Celery app the default: left so, the session's worker tests would
    send their tasks through this one.
    """
    url = f"sqlite:///{tmp_path / 'before.db'}"
    yield create_app({**app_settings, "SQLALCHEMY_DATABASE_URI": url, "MIGRATION_DATABASE_URL": url}), url
    main = app.extensions["celery"]
    main.set_current()
    main.set_default()


def test_the_migration_purges_every_stored_body(old_app):
    """Emails kept from before: their bodies (live links among them) are gone after the upgrade."""
    old, url = old_app
    directory = old.extensions["migrate"].directory
    with old.app_context():
        upgrade(directory=directory, revision="c5e1d2a7b940")
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO outgoing_emails (recipient, subject, body, created_at, sent_at, attempts) VALUES "
                "('a@example.org', 'Reset', 'http://localhost/reset-password/LIVE-TOKEN-A', '2026-12-01', '2026-12-01', 1),"
                "('b@example.org', 'Invite', 'http://localhost/invitation/LIVE-TOKEN-B', '2026-12-01', NULL, 0)"
            ))
        upgrade(directory=directory)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT * FROM outgoing_emails ORDER BY id")).mappings().all()
        engine.dispose()
    assert "LIVE-TOKEN" not in repr(rows)
    assert "body" not in rows[0]
    assert [(r["recipient"], r["status"]) for r in rows] == [("a@example.org", "sent"), ("b@example.org", "dropped")]
