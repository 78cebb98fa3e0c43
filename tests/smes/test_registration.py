"""Can a small business or VCSE register itself, prove its email address, and nothing more?"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.smes.models import SmeProfile
from tenants import business_context
from tenants.businesses import Business
from tenants.models import User
from tests.test_accounts import attempt, page
from tests.test_accounts_passwords import issued_ago

from .conftest import PASSWORD, delivered, emails_to, registration, verification_link


def the_user(email="rita@roofing.example") -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_business_registers_and_is_sent_a_verification_link(register, network):
    response = register()
    assert response.status_code == 200
    assert "Check your email" in page(response) and "rita@roofing.example" in page(response)
    user = the_user()
    business = db.session.get(Business, user.business_id)
    assert (business.name, business.network_id, user.name) == ("Rother Valley Roofing Ltd", network.id, "Rita Roofer")
    assert user.email_verified_at is None and user.password_hash != PASSWORD
    with business_context(business.id):
        profile = db.session.scalar(select(SmeProfile))
    assert (profile.postcode, profile.postcode_district, profile.is_local, profile.size_band) == ("S60 1AE", "S60", True, "micro")
    assert profile.contact_email == "rita@roofing.example"
    assert verification_link().startswith("/verify-email/")


def test_a_business_outside_the_area_is_not_local(register):
    register(postcode="LS1 4AP")
    with business_context(the_user().business_id):
        assert db.session.scalar(select(SmeProfile.is_local)) is False


def test_a_charity_is_marked_as_one_from_its_kind(register):
    register(organisation_type="cio")
    with business_context(the_user().business_id):
        assert db.session.scalar(select(SmeProfile.charity)) is True


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"business_name": ""}, "Enter the name of your business or organisation"),
        ({"organisation_type": ""}, "Choose what kind of organisation it is"),
        ({"organisation_type": "multinational"}, "Not a valid choice"),
        ({"name": ""}, "Enter your full name"),
        ({"email": ""}, "Enter your email address"),
        ({"email": "rita-at-roofing"}, "Enter an email address in the correct format"),
        ({"password": "short", "confirm": "short"}, "Password must be at least 12 characters"),
        ({"password": "password12345", "confirm": "password12345"}, "Choose a longer or less common password"),
        ({"confirm": "something else entirely"}, "The passwords do not match"),
        ({"postcode": ""}, "Enter your business&#39;s postcode"),
        ({"postcode": "S60"}, "Enter a real UK postcode, like S60 1AE"),
        ({"postcode": "QQ1 1QQ"}, "Enter a real UK postcode, like S60 1AE"),
        ({"size_band": ""}, "Choose how many people work for it"),
    ],
)
def test_every_registration_mistake_is_explained_and_nothing_is_created(register, changes, message):
    response = register(**changes)
    assert response.status_code == 200
    assert message in page(response)
    assert "There is a problem" in page(response)
    assert count(User) == 0 and count(Business) == 0


def test_an_unknown_network_is_not_found(client):
    assert client.get("/networks/nowhere/register").status_code == 404


def test_a_second_registration_with_the_same_address_reveals_nothing_and_creates_nothing(register, make_user):
    make_user(email="taken@example.org", name="Existing Person")
    response = register(email="Taken@Example.org")
    assert response.status_code == 200
    assert "Check your email" in page(response)
    fresh = register(email="fresh@example.org")
    # The same page either way, but for the address itself.
    assert _without_nonce(page(response)).replace("Taken@Example.org", "X") == _without_nonce(page(fresh)).replace("fresh@example.org", "X")
    assert count(Business) == 1  # only the fresh one
    (notice,) = emails_to("taken@example.org")
    body = delivered(notice)
    assert "already has an account" in body and "/forgotten-password" in body
    assert "/verify-email/" not in body


def _without_nonce(body: str) -> str:
    return re.sub(r'nonce="[^"]*"', "", body)


def test_the_choice_of_network_goes_straight_to_the_only_one(client, network):
    response = client.get("/register")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/networks/{network.slug}/register")


def test_the_choice_of_network_lists_them_all(client, network, make_network):
    make_network("Sheffield Anchors")
    body = page(client.get("/register"))
    assert "Rotherham Anchor Network" in body and "Sheffield Anchors" in body


def test_someone_signed_in_is_not_offered_registration(register, network, make_partner, make_user, sign_in):
    officer = make_user(make_partner("Council", network), "officer")
    response = register(client=sign_in(officer))
    assert response.status_code == 302
    assert count(Business) == 0


# --- verification -------------------------------------------------------------------------------


def test_the_link_verifies_the_address_once_its_button_is_pressed(register, client):
    register()  # CSRF is off from here (the fixture signs in): this post stands for the button's form
    link = verification_link()
    response = client.post(link)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert the_user().email_verified_at is not None
    again = client.get(link)
    assert again.status_code == 400 and "already been used" in page(again)
    assert client.post(link).status_code == 400


def test_opening_the_link_only_asks_as_a_mail_scanner_would_open_it(register, client):
    register()
    link = verification_link()
    for _ in range(2):
        response = client.get(link)
        assert response.status_code == 200 and "rita@roofing.example" in page(response)
        assert "Confirm my email address" in page(response)
    assert the_user().email_verified_at is None


def test_the_button_without_its_form_token_confirms_nothing(register, client, app):
    register()
    app.config["WTF_CSRF_ENABLED"] = True  # a forged post from elsewhere carries no token
    assert client.post(verification_link()).status_code == 400
    assert the_user().email_verified_at is None


def test_an_expired_link_is_refused(register, client, monkeypatch):
    with issued_ago(monkeypatch, 4 * 24 * 3600):
        register()
        link = verification_link()  # the link is signed as the email is sent
    response = client.get(link)
    assert response.status_code == 400 and "expired" in page(response)
    assert the_user().email_verified_at is None


def test_a_tampered_link_is_refused(register, client):
    register()
    link = verification_link()
    response = client.get(link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb"))
    assert response.status_code == 400 and "not valid" in page(response)
    assert the_user().email_verified_at is None


def test_a_password_reset_link_is_no_verification_link(register, client):
    from portal.accounts.tokens import make_reset_token

    register()
    with client.application.test_request_context():
        token = make_reset_token(the_user())
    assert client.get(f"/verify-email/{token}").status_code == 400
    assert the_user().email_verified_at is None


def test_an_unverified_business_cannot_sign_in_and_is_sent_a_new_link(register, app):
    """One person, one account: the right password alone does not show who owns the address (issue 14, item 5)."""
    register()
    response = attempt(app, "rita@roofing.example", PASSWORD)
    assert response.status_code == 403
    assert "Confirm your email address before you sign in" in page(response)
    assert "_user_id" not in response.headers.get("Set-Cookie", "")
    assert len([m for m in emails_to("rita@roofing.example") if m.message == "email-verification"]) == 2
    assert app.test_client().post(verification_link()).status_code == 302
    assert attempt(app, "rita@roofing.example", PASSWORD).status_code == 302


def test_signing_in_takes_a_business_to_its_profile(make_business, sign_in):
    business = make_business("Verified Firm")
    response = sign_in(business.owner).get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/profile")


def test_following_the_link_then_signing_in_goes_to_the_profile_form(register, app):
    register()
    client = app.test_client()
    response = client.post(verification_link())
    assert response.status_code == 302 and "/sign-in?next=/profile/edit" in response.headers["Location"]
    response = client.post("/sign-in?next=/profile/edit", data={"email": "rita@roofing.example", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/profile/edit")
    assert client.get("/profile").status_code == 200


def test_signing_in_unconfirmed_sends_a_new_link_a_few_times_only(register, app):
    register()
    statuses = [attempt(app, "rita@roofing.example", PASSWORD).status_code for _ in range(5)]
    assert statuses == [403] * 5
    # The one from registering, and three more (VERIFICATION_RESEND_LIMIT: 3 an hour).
    assert len([m for m in emails_to("rita@roofing.example") if m.message == "email-verification"]) == 4


def test_a_partner_has_no_verification_page(make_partner, make_user, sign_in):
    officer = make_user(make_partner("Council"), "officer")
    assert sign_in(officer).get("/verify-email").status_code == 403


def test_registration_form_shows_its_fields(client, network):
    body = page(client.get(f"/networks/{network.slug}/register"))
    for label in ("Business or organisation name", "What kind of organisation is it?", "Postcode",
                  "How many people work for it?", "Your email address", "Create a password"):
        assert label in body
    assert registration()["business_name"] not in body
