"""The portal in a real browser: sign in, errors, assets under the CSP, narrow screens, sign out."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from tenants.models import Membership, User

from .conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def officer(make_network, make_partner, make_user):
    """A council officer; returns (email, name, partner name)."""
    network = make_network(name="Rother Valley Anchor Network")
    partner = make_partner(name="Rotherham Metropolitan Borough Council", network=network)
    user = make_user(partner=partner, role="officer", name="Priya Officer")
    return user.email, user.name, partner.name


def sign_in_through_browser(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/")
    # GOV.UK's start button is a link with role="button".
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_partner_officer_signs_in_and_sees_their_home(page, officer, screenshot):
    email, name, partner = officer
    sign_in_through_browser(page, email)

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(partner)
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(f"Signed in as {name}")
    expect(page.locator("header").get_by_test_id("current-partner")).to_have_text(partner)
    expect(page.locator("header").get_by_role("button", name="Sign out")).to_be_visible()
    expect(page).to_have_title(f"{partner} – Anchor Network Portal")
    screenshot("partner-home")


def test_wrong_password_shows_the_error_summary(page, officer, screenshot):
    email, _, _ = officer
    # The failed sign-in answers 400, which Chromium logs as a failed resource.
    page.watch.allow(r"status of 400")
    sign_in_through_browser(page, email, password="not the password at all")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(
        "The email address or password is not right. Check them and try again."
    )
    # GOV.UK Frontend's ErrorSummary moves focus to the summary on page load.
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Sign in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    screenshot("sign-in-error")


def test_assets_load_under_the_csp(page, live_server):
    responses = {}
    page.on("response", lambda response: responses.setdefault(response.url, response.status))
    page.goto("/sign-in")
    page.wait_for_load_state("networkidle")

    for path in ("/assets/build/portal.css", "/assets/govuk-frontend.min.js", "/static/js/init.js"):
        assert responses.get(live_server + path) == 200, (path, responses)
    # The nonce'd inline script in the template ran: GOV.UK Frontend's switch.
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    expect(page.locator("body")).to_have_class(re.compile(r"\bjs-enabled\b"))
    # Our stylesheet applied: GOV.UK's header is dark, its buttons green.
    header_background = page.locator(".govuk-generic-header, .govuk-header").first.evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert header_background not in ("rgba(0, 0, 0, 0)", "transparent"), header_background
    # The footer is a landmark and carries no GOV.UK-only crown or Crown copyright.
    expect(page.get_by_role("contentinfo")).to_contain_text("Open Government Licence v3.0")
    expect(page.get_by_role("contentinfo")).not_to_contain_text("Crown copyright")
    expect(page.locator(".govuk-footer__crown, .govuk-footer__copyright-logo")).to_have_count(0)
    csp = page.evaluate("() => document.querySelector('script[nonce]') && document.querySelector('script[nonce]').nonce")
    assert csp, "the inline script carries a nonce"
    assert page.watch.problems() == []


@pytest.fixture
def officer_in_two_partners(officer, make_partner, app_ctx):
    """The officer also belongs to a second partner, so the header shows the switcher."""
    email, name, partner = officer
    user = db.session.scalar(db.select(User).where(User.email == email))
    first = db.session.scalar(db.select(Membership).where(Membership.user_id == user.id))
    second = make_partner(name="South Yorkshire Police", network=first.organisation.network, kind="police")
    db.session.add(Membership(user_id=user.id, organisation_id=second.id, role="admin"))
    db.session.commit()
    return email, name, partner


def test_partner_home_fits_a_320px_screen(page, officer_in_two_partners, screenshot):
    email, _, _ = officer_in_two_partners
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in_through_browser(page, email)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_label("Switch partner")).to_be_visible()

    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    screenshot("partner-home-320")
    assert scroll_width <= 320, f"horizontal scroll: the page is {scroll_width}px wide"


def test_switching_partner_at_full_width(page, officer_in_two_partners, screenshot):
    email, _, partner = officer_in_two_partners
    sign_in_through_browser(page, email)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    screenshot("partner-home-switcher")
    current = page.get_by_role("heading", level=1).inner_text()
    other = "South Yorkshire Police" if current != "South Yorkshire Police" else partner
    page.get_by_label("Switch partner").select_option(label=other)
    page.get_by_role("button", name="Switch").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(other)
    expect(page.get_by_test_id("current-partner")).to_have_text(other)


def test_sign_out_returns_to_sign_in_then_welcome(page, officer):
    email, _, partner = officer
    sign_in_through_browser(page, email)
    expect(page.get_by_role("heading", level=1)).to_have_text(partner)

    page.locator("header").get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_text("You have signed out on every device.")).to_be_visible()

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anchor Network Portal")
    expect(page.get_by_role("button", name="Sign in")).to_have_attribute("href", "/sign-in")
    expect(page.get_by_test_id("signed-in-as")).to_have_count(0)
