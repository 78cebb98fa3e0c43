"""Can people sign in and out safely, and does the portal protect their session?"""
import re
import time
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from flask import current_app
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.config import ConfigError, load_settings
from portal.extensions import db
from portal.mail.models import OutgoingEmail
from portal.mail.services import send_pending
from portal.passwords import hash_password
from tenants import tenant_context
from tenants.models import Invitation, User

from .conftest import PASSWORD

NOT_RIGHT = "The email address or password is not right"
NOTHING_CHANGED = "nothing was changed"


# Helpers shared by the other test_accounts_* files.

def page(response) -> str:
    return response.get_data(as_text=True)


def csrf_token(client, path="/sign-in") -> str:
    """The form token a real browser would send back, read from a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page(client.get(path)))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def is_signed_in(client) -> bool:
    response = client.get("/")
    assert response.status_code == 200
    return 'data-testid="signed-in-as"' in page(response)


def shows_welcome_page(client) -> bool:
    html = page(client.get("/"))
    return "Anchor Network Portal</h1>" in html and 'data-testid="partner-home"' not in html


def fresh(obj):
    db.session.refresh(obj)
    return obj


def emails_to(address: str) -> list[OutgoingEmail]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutgoingEmail).where(OutgoingEmail.recipient == address)))


def delivered(email: OutgoingEmail) -> str | None:
    """The text the recipient got, sent as the worker sends it (into the outbox folder); None if it was dropped.

    The outbox row keeps no body (issue 14, item 3): the message exists only as sent.
    """
    email_id = email.id
    send_pending(db.session, email_id)
    db.session.expire_all()
    if db.session.get(OutgoingEmail, email_id).status != "sent":
        return None
    path = Path(current_app.config["MAIL_OUTBOX"]) / f"{email_id:08d}.eml"
    return message_from_bytes(path.read_bytes(), policy=policy.default).get_content()


def link_in(email: OutgoingEmail, path_prefix: str) -> str:
    """The site-relative link in an email as sent, as the recipient would click it."""
    body = delivered(email)
    match = re.search(r"http://localhost(" + re.escape(path_prefix) + r"\S+)", body or "")
    assert match, body
    return match.group(1)


def invitation_count(organisation_id: int) -> int:
    with tenant_context(organisation_id):
        return db.session.scalar(select(func.count(Invitation.id)))


def ago(**delta) -> float:
    return (datetime.now(UTC) - timedelta(**delta)).timestamp()


class OwnContextClient(FlaskClient):
    """A client whose every request runs in its own app context, as in production.

    The suite's app_ctx fixture keeps one app context pushed for the whole test, and a
    request reuses it: flask.g (where Flask-Login keeps the signed-in user) and the
    database session would carry over from one request to the next, so a test could
    see a user still signed in, or already signed out, because of an earlier request.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(autouse=True)
def _own_context_per_request(app):
    before = app.test_client_class
    app.test_client_class = OwnContextClient
    yield
    app.test_client_class = before


@pytest.fixture(name="client")
def own_context_client(app, _own_context_per_request):
    return app.test_client()


@pytest.fixture
def csrf_on(app):
    before = app.config.get("WTF_CSRF_ENABLED", True)
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = before


@pytest.fixture(name="member")
def member_fixture(make_partner, make_user):
    partner = make_partner("Rotherham Council")
    return make_user(partner, role="admin", email="ann@example.org", name="Ann Admin")


# Signing in

def test_the_right_password_signs_me_in_to_my_partner(client, member, csrf_on):
    response = client.post(
        "/sign-in", data={"email": "ann@example.org", "password": PASSWORD, "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert session["_user_id"] == f"{member.id}:{member.session_version}"
    assert 'data-testid="partner-home"' in page(client.get("/"))


def test_the_email_address_is_matched_whatever_its_case_and_spaces(client, member, sign_in):
    sign_in(member, client)
    client.post("/sign-out")
    response = client.post("/sign-in", data={"email": "  ANN@Example.org ", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "email, password",
    [("ann@example.org", "not the password at all"), ("nobody@example.org", PASSWORD)],
    ids=["wrong password", "unknown email"],
)
def test_a_wrong_password_or_unknown_email_gets_the_same_clear_message_and_no_session(
    client, member, csrf_on, email, password
):
    response = client.post("/sign-in", data={"email": email, "password": password, "csrf_token": csrf_token(client)})
    assert response.status_code == 400
    assert NOT_RIGHT in page(response)
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert shows_welcome_page(client)


def test_a_disabled_account_cannot_sign_in_even_with_its_password(client, member, sign_in):
    member.active = False
    db.session.commit()
    response = client.post("/sign-in", data={"email": member.email, "password": PASSWORD})
    assert response.status_code == 400
    assert NOT_RIGHT in page(response)


def test_signing_in_starts_a_new_session_rather_than_keeping_the_old_one(client, member, sign_in):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(member, client)
    with client.session_transaction() as session:
        assert "planted" not in session


@pytest.mark.parametrize(
    "next_url", ["//evil.example/", "https://evil.example/", "/\\evil.example/", "/\t/evil.example/", "javascript:alert(1)"]
)
def test_signing_in_never_sends_me_to_another_site(client, member, sign_in, next_url):
    response = client.post("/sign-in", query_string={"next": next_url}, data={"email": member.email, "password": PASSWORD})
    assert response.status_code == 302
    # As a browser reads it: backslashes count as slashes, tabs and newlines are dropped.
    location = re.sub(r"[\t\r\n]", "", response.headers["Location"]).replace("\\", "/")
    target = urlsplit(urljoin("http://localhost/people", location))
    assert (target.scheme, target.netloc) == ("http", "localhost")


def test_signing_in_returns_me_to_the_page_i_asked_for(client, member, sign_in):
    response = client.post("/sign-in", query_string={"next": "/people"}, data={"email": member.email, "password": PASSWORD})
    assert response.headers["Location"] == "/people"


def test_a_sign_in_form_without_a_genuine_token_is_refused_and_signs_nobody_in(client, member, csrf_on):
    csrf_token(client)  # a real session exists; the attacker just cannot read its token
    for token in (None, "forged-token"):
        data = {"email": member.email, "password": PASSWORD}
        if token:
            data["csrf_token"] = token
        response = client.post("/sign-in", data=data)
        assert response.status_code == 400
        assert NOTHING_CHANGED in page(response)
        with client.session_transaction() as session:
            assert "_user_id" not in session
    assert fresh(member).last_login_at is None


def test_an_invite_form_without_a_genuine_token_creates_no_invitation(client, member, sign_in, app):
    sign_in(member, client)
    app.config["WTF_CSRF_ENABLED"] = True
    partner_id = member.memberships[0].organisation_id
    for token in (None, "forged-token"):
        data = {"name": "Eve", "email": "eve@example.org", "role": "admin"}
        if token:
            data["csrf_token"] = token
        response = client.post("/people/invite", data=data)
        assert response.status_code == 400
        assert NOTHING_CHANGED in page(response)
    assert invitation_count(partner_id) == 0
    assert emails_to("eve@example.org") == []
    # The same form with the page's own token does work, so the refusal was the token.
    response = client.post(
        "/people/invite",
        data={"name": "Eve", "email": "eve@example.org", "role": "viewer", "csrf_token": csrf_token(client, "/people/invite")},
    )
    assert response.status_code == 302
    assert invitation_count(partner_id) == 1


# Signing out

def test_signing_out_needs_a_post(client, member, sign_in):
    sign_in(member, client)
    assert client.get("/sign-out").status_code == 405
    assert is_signed_in(client)


def test_signing_out_ends_my_sessions_on_every_device(app, member, sign_in):
    laptop = sign_in(member)
    phone = sign_in(member)
    version = member.session_version
    response = laptop.post("/sign-out")
    assert response.status_code == 302
    assert fresh(member).session_version == version + 1
    assert not is_signed_in(laptop)
    assert not is_signed_in(phone)
    assert shows_welcome_page(phone)
    # A page that needs signing in sends the old phone session to the sign-in page.
    assert phone.get("/people").status_code == 302


def test_a_forged_sign_out_is_refused(client, member, sign_in, app):
    sign_in(member, client)
    app.config["WTF_CSRF_ENABLED"] = True
    version = member.session_version
    response = client.post("/sign-out")
    assert response.status_code == 400
    assert fresh(member).session_version == version
    assert is_signed_in(client)


# Too many attempts: only failures count, the wait grows, and a stranger cannot lock anyone out

@pytest.fixture
def small_login_limit(app):
    before = app.config["LOGIN_LIMIT_PER_ACCOUNT"]
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per minute"
    yield
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = before


@pytest.fixture
def small_sign_in_limits(app):
    """Small enough to reach in a test: 3 failures per (account, address), 5 per address, 3 per account."""
    names = ("SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS", "SIGN_IN_FAILURES_PER_ADDRESS", "SIGN_IN_FAILURES_PER_ACCOUNT")
    before = {name: app.config[name] for name in names}
    app.config.update(dict(zip(names, ("3 per minute", "5 per minute", "3 per minute"), strict=True)))
    yield
    app.config.update(before)


def attempt(app, email, password, address="10.0.0.1"):
    """One sign-in from a browser at this IP address."""
    return app.test_client().post("/sign-in", data={"email": email, "password": password},
                                  environ_base={"REMOTE_ADDR": address})


def test_signing_in_successfully_again_and_again_never_holds_me_up(app, member, sign_in, small_sign_in_limits, small_login_limit):
    """Does the limit count successful sign-ins? (It did: anyone who knew a password could lock its owner out.)"""
    for _ in range(8):
        assert attempt(app, member.email, PASSWORD).status_code == 302


def test_after_too_many_wrong_passwords_from_one_address_even_the_right_one_waits_there(app, member, sign_in, small_sign_in_limits):
    for _ in range(3):
        assert attempt(app, member.email, "wrong guess").status_code == 400
    response = attempt(app, member.email, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-ins. Try again in" in page(response)
    assert "_user_id" not in response.headers.get("Set-Cookie", "")


def test_the_limit_is_per_account_whatever_the_case_of_the_email(app, member, sign_in, small_sign_in_limits):
    for email in ("ann@example.org", "ANN@example.org", " Ann@Example.org"):
        attempt(app, email, "wrong guess")
    assert attempt(app, member.email, PASSWORD).status_code == 429


def test_a_stranger_failing_on_my_account_elsewhere_does_not_lock_me_out(app, member, sign_in, small_sign_in_limits):
    """ASVS 2.2.1: anti-automation must not become a lockout someone else can trigger."""
    for n in range(12):
        attempt(app, member.email, "wrong guess", address=f"203.0.113.{n}")
    assert attempt(app, member.email, PASSWORD, address="10.0.0.1").status_code == 302


def test_many_addresses_guessing_one_account_are_held_once_each_has_failed(app, member, sign_in, small_sign_in_limits):
    """A guesser spread over addresses gets one free try per address, then the account's count holds them."""
    for n in range(4):
        for _ in range(2):
            attempt(app, member.email, "wrong guess", address=f"203.0.113.{n}")
    assert attempt(app, member.email, "another guess", address="203.0.113.1").status_code == 429
    assert attempt(app, member.email, PASSWORD, address="203.0.113.2").status_code == 429


def test_one_address_trying_many_accounts_is_held_but_only_that_address(app, member, make_user, sign_in, small_sign_in_limits):
    for n in range(5):
        attempt(app, f"someone{n}@example.org", "wrong guess", address="203.0.113.7")
    assert attempt(app, member.email, PASSWORD, address="203.0.113.7").status_code == 429
    assert attempt(app, member.email, PASSWORD, address="10.0.0.1").status_code == 302


def test_someone_elses_failed_attempts_do_not_lock_me_out(app, member, make_user, sign_in, small_sign_in_limits):
    other = make_user(email="bob@example.org")
    for _ in range(4):
        attempt(app, other.email, "wrong guess", address="203.0.113.9")
    sign_in(member)


def _device_cookie(app, email, password=PASSWORD, address="10.0.0.1") -> str:
    """Sign in once from a browser and return the device cookie it was given."""
    response = attempt(app, email, password, address=address)
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("portal_device="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/sign-in" in cookie
    return cookie.split(";")[0].split("=", 1)[1]


def attempt_from_device(app, email, password, device, address="10.0.0.1"):
    client = app.test_client()
    client.set_cookie("portal_device", device, path="/sign-in")
    return client.post("/sign-in", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address})


def test_a_stranger_spraying_accounts_from_my_office_address_does_not_lock_me_out_of_my_browser(
        app, member, sign_in, small_sign_in_limits):
    """The address count is there for a sprayer, but a colleague (or a sprayer) behind the same office
    address fills it: a browser that signed in to the account before keeps getting in (device cookie)."""
    device = _device_cookie(app, member.email)
    for n in range(6):
        attempt(app, f"someone{n}@example.org", "wrong guess", address="10.0.0.1")
    for _ in range(3):
        attempt(app, member.email, "wrong guess", address="10.0.0.1")
    assert attempt(app, member.email, PASSWORD, address="10.0.0.1").status_code == 429  # a new browser waits
    assert attempt_from_device(app, member.email, PASSWORD, device).status_code == 302


def test_a_device_cookie_helps_only_its_own_account_and_only_when_genuine(app, member, make_user, sign_in, small_sign_in_limits):
    other = make_user(email="bob@example.org")
    device = _device_cookie(app, member.email)
    for _ in range(5):
        attempt(app, other.email, "wrong guess", address="10.0.0.1")
    assert attempt_from_device(app, other.email, PASSWORD, device).status_code == 429  # Ann's cookie, Bob's account
    forged = device[:-4] + ("AAAA" if not device.endswith("AAAA") else "BBBB")
    for _ in range(3):
        attempt(app, member.email, "wrong guess", address="10.0.0.1")
    assert attempt_from_device(app, member.email, PASSWORD, forged).status_code == 429
    assert attempt_from_device(app, member.email, PASSWORD, device).status_code == 302


def test_guessing_from_a_known_device_is_held_by_that_devices_own_count(app, member, sign_in, small_sign_in_limits):
    """A stolen device cookie buys no more guesses than its owner mistyping gets."""
    before = app.config["SIGN_IN_FAILURES_PER_DEVICE"]
    app.config["SIGN_IN_FAILURES_PER_DEVICE"] = "3 per minute"
    try:
        device = _device_cookie(app, member.email)
        for n in range(3):
            assert attempt_from_device(app, member.email, "wrong guess", device, address=f"203.0.113.{n}").status_code == 400
        held = attempt_from_device(app, member.email, PASSWORD, device, address="203.0.113.50")
        assert held.status_code == 429 and "Too many failed sign-ins. Try again in" in page(held)
        # Its failures are its own: the owner's other browsers and addresses are untouched.
        assert attempt(app, member.email, PASSWORD, address="10.0.0.2").status_code == 302
    finally:
        app.config["SIGN_IN_FAILURES_PER_DEVICE"] = before


def test_the_wait_grows_with_the_failures(app, member, sign_in):
    """Seconds after the first few failures, minutes after more: a backoff, not one long lock."""
    before = app.config["SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS"]
    app.config["SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS"] = "2 per 2 seconds;4 per hour"
    try:
        for _ in range(2):
            attempt(app, member.email, "wrong guess")
        short = page(attempt(app, member.email, "wrong guess"))
        assert re.search(r"Try again in [1-3] seconds?\.", short), short
        time.sleep(2.2)
        for _ in range(2):
            assert attempt(app, member.email, "wrong guess").status_code == 400
        long = attempt(app, member.email, PASSWORD)
        assert long.status_code == 429
        assert re.search(r"Try again in ([2-9]|[1-5][0-9]|60) minutes\.", page(long)), page(long)
    finally:
        app.config["SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS"] = before


def test_reset_emails_to_one_account_are_limited_whatever_the_address(app, member, small_login_limit):
    """Could someone flood a person's inbox with reset emails from many addresses?"""
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        for n in range(4):
            response = app.test_client().post(
                "/forgotten-password", data={"email": member.email}, environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}
            )
        assert response.status_code == 429
        assert db.session.scalar(select(func.count(OutgoingEmail.id))) == 3
    finally:
        app.config["WTF_CSRF_ENABLED"] = True


# Timeouts

def test_a_signed_in_session_without_its_timestamps_is_not_trusted(client, member, sign_in):
    sign_in(member, client)
    with client.session_transaction() as session:
        del session["started_at"]
    response = client.get("/people")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert not is_signed_in(client)


def test_an_idle_session_is_signed_out_with_a_message(client, member, sign_in, app):
    sign_in(member, client)
    idle = app.config["SESSION_IDLE_TIMEOUT"]
    with client.session_transaction() as session:
        session["last_seen_at"] = ago(seconds=idle.total_seconds() + 60)
    response = client.get("/people")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert "session timed out" in page(client.get(response.headers["Location"]))
    assert not is_signed_in(client)


def test_a_session_in_use_is_still_ended_after_the_absolute_limit(client, member, sign_in, app):
    sign_in(member, client)
    absolute = app.config["SESSION_ABSOLUTE_TIMEOUT"]
    with client.session_transaction() as session:
        session["started_at"] = ago(seconds=absolute.total_seconds() + 60)
        session["last_seen_at"] = ago(seconds=10)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert "session timed out" in page(client.get(response.headers["Location"]))
    assert not is_signed_in(client)


def test_an_active_session_within_the_limits_carries_on(client, member, sign_in):
    sign_in(member, client)
    with client.session_transaction() as session:
        session["last_seen_at"] = ago(minutes=5)
        session["started_at"] = ago(hours=2)
    assert is_signed_in(client)


# Headers, cookies and settings

def test_every_page_has_the_security_headers(client):
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert f'nonce="{nonce}"' in page(response)
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_each_response_gets_its_own_nonce(client):
    first = client.get("/sign-in").headers["Content-Security-Policy"]
    second = client.get("/sign-in").headers["Content-Security-Policy"]
    assert first != second


def test_the_session_cookie_is_http_only_and_same_site_lax(client, member, sign_in):
    response = client.post("/sign-in", data={"email": member.email, "password": PASSWORD})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_with_secure_cookies_on_the_cookie_is_https_only_and_browsers_are_told_to_stay_on_https(app, client, member, sign_in):
    before = app.config["SESSION_COOKIE_SECURE"]
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        response = client.post("/sign-in", data={"email": member.email, "password": PASSWORD})
        cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
        assert "Secure" in cookie
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    finally:
        app.config["SESSION_COOKIE_SECURE"] = before


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        load_settings({"INSTANCE_DIR": str(tmp_path)})
    assert not (tmp_path / "secret_key").exists()


def test_production_sends_the_session_cookie_over_https_only(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret")
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    settings = load_settings({"INSTANCE_DIR": str(tmp_path)})
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_passwords_are_hashed_with_argon2id_at_or_above_the_owasp_minimum():
    stored = hash_password(PASSWORD)
    match = re.fullmatch(r"\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[^$]+\$[^$]+", stored)
    assert match, stored
    memory_kib, iterations, lanes = (int(g) for g in match.groups())
    assert memory_kib >= 19456
    assert iterations >= 2
    assert lanes >= 1


def test_the_stored_password_is_not_the_password(member):
    stored = db.session.scalar(select(User.password_hash).where(User.id == member.id))
    assert PASSWORD not in stored
