"""Can people change and reset their password, and does that lock out everyone else?"""
import time
from contextlib import contextmanager

import pytest
from itsdangerous.timed import TimestampSigner

from portal.accounts import services
from portal.accounts.tokens import make_reset_token
from portal.extensions import db
from portal.passwords import verify_password
from tenants.models import Membership

from .conftest import PASSWORD
from .test_accounts import (  # noqa: F401 (the fixtures are used by name)
    _own_context_per_request,
    emails_to,
    fresh,
    is_signed_in,
    link_in,
    member_fixture,
    own_context_client,
    page,
)

NEW_PASSWORD = "harbour lantern biscuit orbit"


@contextmanager
def issued_ago(monkeypatch, seconds: int):
    """Emailed links signed inside this block carry a time that many seconds in the past.

    Only the portal's own links: the session cookie and form tokens keep the real clock.
    """
    real = TimestampSigner.get_timestamp

    def get_timestamp(signer):
        if signer.salt.startswith(b"anchor-portal:"):
            return int(time.time()) - seconds
        return real(signer)

    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", get_timestamp)
        yield


def change(client, current=PASSWORD, password=NEW_PASSWORD, confirm=None):
    return client.post(
        "/account/password", data={"current": current, "password": password, "confirm": confirm or password}
    )


# Changing my password

def test_changing_my_password_needs_my_current_password(client, member, sign_in):
    sign_in(member, client)
    before = fresh(member).password_hash
    response = change(client, current="not my password at all")
    assert response.status_code == 200
    assert "Your current password is not right" in page(response)
    assert fresh(member).password_hash == before


@pytest.mark.parametrize(
    "weak, message",
    [
        ("short1!", "at least 12 characters"),
        ("password1234", "Choose a longer or less common password"),
        ("aaaaaaaaaaaaaaaa", "Choose a longer or less common password"),
        ("ann@example.org1", "Choose a longer or less common password"),
    ],
    ids=["too short", "common", "repeated", "my own email"],
)
def test_a_weak_new_password_is_refused_with_a_reason(client, member, sign_in, weak, message):
    sign_in(member, client)
    before = fresh(member).password_hash
    response = change(client, password=weak)
    assert response.status_code == 200
    assert message in page(response)
    assert fresh(member).password_hash == before


def test_the_current_password_cannot_be_guessed_over_and_over(app, member, sign_in):
    client = sign_in(member)
    before = app.config["LOGIN_LIMIT_PER_ACCOUNT"]
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per minute"
    try:
        for guess in ("guess one is wrong", "guess two is wrong", "guess three is wrong"):
            assert "Your current password is not right" in page(change(client, current=guess))
        response = change(client)
        assert response.status_code == 429
        assert verify_password(fresh(member).password_hash, PASSWORD)
    finally:
        app.config["LOGIN_LIMIT_PER_ACCOUNT"] = before


def test_the_new_password_must_be_typed_the_same_twice(client, member, sign_in):
    sign_in(member, client)
    response = change(client, confirm=NEW_PASSWORD + " typo")
    assert "The passwords do not match" in page(response)
    assert verify_password(fresh(member).password_hash, PASSWORD)


def test_changing_my_password_signs_out_my_other_devices_but_not_this_one(app, member, sign_in):
    here = sign_in(member)
    elsewhere = sign_in(member)
    response = change(here)
    assert response.status_code == 302
    assert verify_password(fresh(member).password_hash, NEW_PASSWORD)
    assert "You have been signed out everywhere else" in page(here.get("/"))
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)


def test_after_changing_it_only_the_new_password_signs_me_in(app, member, sign_in):
    change(sign_in(member))
    assert app.test_client().post("/sign-in", data={"email": member.email, "password": PASSWORD}).status_code == 400
    sign_in(member, password=NEW_PASSWORD)


def test_changing_my_password_keeps_the_partner_i_was_working_as(app, make_partner, make_user, sign_in):
    first, second = make_partner("A Council"), make_partner("B Police", kind="police")
    user = make_user(first, role="officer")
    db.session.add(Membership(user_id=user.id, organisation_id=second.id, role="viewer"))
    db.session.commit()
    client = sign_in(user)
    client.post("/switch-partner", data={"organisation_id": second.id})
    change(client)
    assert 'data-testid="current-partner">B Police<' in page(client.get("/"))


def test_disabling_someone_ends_their_sessions(app, member, sign_in):
    client = sign_in(member)
    services.disable_user(member)
    db.session.commit()
    assert not is_signed_in(client)
    assert client.get("/people").status_code == 302


# Forgotten password

@pytest.mark.parametrize("email", ["ann@example.org", "nobody@example.org"], ids=["real account", "no account"])
def test_asking_for_a_reset_always_says_check_your_email(client, member, sign_in, email):
    response = client.post("/forgotten-password", data={"email": email})
    assert response.status_code == 200
    assert "Check your email" in page(response)


def test_a_reset_email_is_queued_only_for_a_real_active_account(client, member, make_user, sign_in):
    disabled = make_user(email="gone@example.org")
    disabled.active = False
    db.session.commit()
    for email in ("ann@example.org", "nobody@example.org", "gone@example.org"):
        client.post("/forgotten-password", data={"email": email})
    assert len(emails_to("ann@example.org")) == 1
    assert emails_to("nobody@example.org") == []
    assert emails_to("gone@example.org") == []


def test_the_emailed_reset_link_sets_a_new_password_and_works_once(app, client, member, sign_in):
    signed_in_elsewhere = sign_in(member)
    client.post("/forgotten-password", data={"email": member.email})
    link = link_in(emails_to(member.email)[0], "/reset-password/")
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    assert verify_password(fresh(member).password_hash, NEW_PASSWORD)
    assert not is_signed_in(signed_in_elsewhere)
    sign_in(member, password=NEW_PASSWORD)

    again = client.post(link, data={"password": "another fine long passphrase", "confirm": "another fine long passphrase"})
    assert again.status_code == 400
    assert "already been used" in page(again)
    assert verify_password(fresh(member).password_hash, NEW_PASSWORD)


def test_a_reset_link_refuses_a_weak_password(client, member, sign_in):
    link = f"/reset-password/{make_reset_token(member)}"
    response = client.post(link, data={"password": "password", "confirm": "password"})
    assert response.status_code == 200
    assert "at least 12 characters" in page(response)
    assert verify_password(fresh(member).password_hash, PASSWORD)


def test_a_reset_link_stops_working_once_the_password_changes_another_way(client, member, sign_in):
    link = f"/reset-password/{make_reset_token(member)}"
    change(sign_in(member))
    response = client.get(link)
    assert response.status_code == 400
    assert "already been used" in page(response)


def test_an_expired_reset_link_is_refused(app, client, member, sign_in, monkeypatch):
    max_age = int(app.config["PASSWORD_RESET_MAX_AGE"].total_seconds())
    with issued_ago(monkeypatch, max_age + 60):
        link = f"/reset-password/{make_reset_token(member)}"
    for response in (client.get(link), client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})):
        assert response.status_code == 400
        assert "expired" in page(response)
    assert verify_password(fresh(member).password_hash, PASSWORD)


def test_a_reset_link_just_inside_its_hour_still_works(app, client, member, sign_in, monkeypatch):
    max_age = int(app.config["PASSWORD_RESET_MAX_AGE"].total_seconds())
    with issued_ago(monkeypatch, max_age - 60):
        link = f"/reset-password/{make_reset_token(member)}"
    assert client.get(link).status_code == 200


@pytest.mark.parametrize("tamper", ["swap a character", "cut short", "another user"])
def test_a_tampered_reset_link_is_refused(client, member, make_user, sign_in, tamper):
    token = make_reset_token(member)
    if tamper == "swap a character":
        token = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    elif tamper == "cut short":
        token = token[:-10]
    else:
        other = make_user(email="bob@example.org")
        token = make_reset_token(member).split(".")[0] + "." + make_reset_token(other).split(".", 1)[1]
    response = client.post(f"/reset-password/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert "not valid" in page(response)
    assert verify_password(fresh(member).password_hash, PASSWORD)


def test_a_reset_link_for_a_disabled_account_does_nothing(client, member, sign_in):
    link = f"/reset-password/{make_reset_token(member)}"
    services.disable_user(member)
    db.session.commit()
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert verify_password(fresh(member).password_hash, PASSWORD)
