"""Can a small business register, confirm its email, fill in its profile, see a partner's opportunity
matched to it and say it is interested, and does the partner see that interest? And can the public read it all?

The worker sends the confirmation email (to the test SMTP server) and matches
the opportunity once it is published, as in production.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from .conftest import sign_in
from .keyboard import assert_error_summary, submit_by_keyboard

pytestmark = [pytest.mark.browser, pytest.mark.worker]

NETWORK = "Rother Valley Anchor Network"
BUSINESS = "Valley Slate Roofing Ltd"
EMAIL = "rita@valleyslate.example"
PASSWORD = "slate roofs keep the rain out"
ROOF = "45261000"  # Erection and related works of roof frames and coverings
MATCH_SECONDS = 60


@pytest.fixture
def officer(make_network, make_partner, make_user):
    network = make_network(name=NETWORK, local_area=("S60", "S61"))
    partner = make_partner(name="Rotherham Metropolitan Borough Council", network=network)
    return make_user(partner=partner, role="officer", name="Priya Officer")


def tick(page, label: str) -> None:
    """Tick a checkbox as a keyboard user does: focus it, press Space."""
    box = page.get_by_label(label, exact=True)
    box.focus()
    page.keyboard.press("Space")
    expect(box).to_be_checked()


def verification_path(smtp_server) -> str:
    [mail] = smtp_server.wait_for(EMAIL)
    found = re.search(r"https?://[^/\s]+(/verify-email/\S+)", mail.body)
    assert found, mail.body
    return found.group(1)


def test_a_business_registers_is_matched_and_says_it_is_interested(
    journey, another_journey, officer, smtp_server, celery_worker_process,
):
    page = journey.page
    # 1. Register: the only network's page, sent empty first.
    page.goto("/register")
    expect(page.get_by_role("heading", level=1)).to_have_text("Register your business")
    journey.check("register")
    slug = re.search(r"/networks/([^/]+)/register", page.url).group(1)
    page.watch.allow(r"status of 400")
    submit_by_keyboard(page, page.get_by_role("button", name="Register"))
    assert_error_summary(page)
    journey.check("register-errors")

    page.get_by_label("Limited company").check()
    page.get_by_label("Micro: fewer than 10 staff").check()
    submit_by_keyboard(page, page.get_by_role("button", name="Register"), typed={
        "business_name": BUSINESS, "name": "Rita Roofer", "email": EMAIL, "password": PASSWORD, "confirm": PASSWORD,
        "postcode": "s60 1ae",
    })
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.get_by_role("main")).to_contain_text(EMAIL)
    journey.check("check-your-email")

    # The worker sends the link; it asks her to confirm, then to sign in, then goes to her profile form.
    page.goto(verification_path(smtp_server))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    journey.check("verify-confirm")
    submit_by_keyboard(page, page.get_by_role("button", name="Confirm my email address"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your email address is confirmed")
    journey.check("verified-sign-in")
    submit_by_keyboard(page, page.get_by_role("button", name="Sign in"), typed={"email": EMAIL, "password": PASSWORD})

    # 2. The profile, with the keyboard alone; then categories found by name, without JavaScript.
    expect(page).to_have_url(re.compile(r"/profile/edit(#main-content)?$"))
    journey.check("edit-profile")
    tick(page, "Mentoring")
    tick(page, "Work placements")
    tick(page, "Email me a weekly digest of new opportunities that match my profile")
    submit_by_keyboard(page, page.get_by_role("button", name="Save your profile"), typed={
        "what_we_do": "Slate and tile roofing, roof repairs and gutters for schools, churches and homes around Rotherham.",
        "contact_name": "Rita Roofer",
    })
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Your profile is saved")
    journey.check("profile")

    page.get_by_role("button", name="Find categories by name").click()
    journey.check("categories")
    submit_by_keyboard(page, page.get_by_role("button", name="Search"), typed={"q": "roof"})
    expect(page.get_by_test_id("search-results")).to_contain_text(ROOF)
    journey.check("categories-search")
    tick(page, page.get_by_test_id("search-results").locator(f"label[for='result-{ROOF}']").inner_text())
    page.get_by_role("button", name="Save these categories").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Your categories are saved")
    expect(page.get_by_role("main")).to_contain_text(ROOF)
    expect(page.get_by_role("main")).to_contain_text("Mentoring")
    journey.check("profile-with-categories")
    journey.screenshot("sme-profile", readme=True)

    # 3. A partner officer, in another browser, adds an opportunity that fits and publishes it.
    partner = another_journey()
    officer_page = partner.page
    sign_in(partner, officer.email)
    officer_page.get_by_role("link", name="Opportunities", exact=True).click()
    partner.check("partner-opportunities")
    officer_page.get_by_role("button", name="Add an opportunity").click()
    expect(officer_page.get_by_role("heading", level=1)).to_have_text("Add an opportunity")
    partner.check("add-an-opportunity")
    closes = date.today() + timedelta(days=60)
    officer_page.get_by_label("£10,000 to £50,000").check()
    submit_by_keyboard(officer_page, officer_page.get_by_role("button", name="Save opportunity"), typed={
        "title": "Re-roofing Wath library", "cpv": ROOF, "estimated_value": "32,000",
        "description": "Strip and re-slate the library roof, replace the gutters and make good the leadwork.",
        "delivery_location": "Wath upon Dearne library", "delivery_districts": "S60",
        "closing_date-day": str(closes.day), "closing_date-month": str(closes.month), "closing_date-year": str(closes.year),
    })
    # (The skip link's #main-content stays on the address through the redirect.)
    expect(officer_page).to_have_url(re.compile(r"/partner/opportunities/\d+(#main-content)?$"))
    opportunity_id = int(re.search(r"/partner/opportunities/(\d+)", officer_page.url).group(1))
    partner.check("opportunity-draft")
    officer_page.get_by_role("button", name="Publish").click()
    expect(officer_page.locator(".govuk-notification-banner--success")).to_contain_text("published")
    partner.check("opportunity-published")

    # And a social value ask with it, for the public's list of open asks.
    officer_page.get_by_role("link", name="Add a social value ask to this opportunity").click()
    partner.check("add-an-ask")
    officer_page.get_by_label("Careers talks").check()
    submit_by_keyboard(officer_page, officer_page.get_by_role("button", name="Save ask"), typed={
        "title": "Careers talks on roofing for Year 10 at Wath Academy", "beneficiary": "Wath Academy",
    })
    expect(officer_page.locator(".govuk-notification-banner--success")).to_contain_text("It is open")
    partner.check("ask")

    # 4. The worker matches it: the business sees it among its matches, with the reasons, and says it is interested.
    page.get_by_role("link", name="Your matches").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your matches")
    for _ in range(MATCH_SECONDS):
        if page.get_by_test_id("match").count():
            break
        page.wait_for_timeout(1000)
        page.reload()
    match = page.get_by_test_id("match").filter(has_text="Re-roofing Wath library")
    expect(match).to_have_count(1)
    reasons = match.get_by_test_id("reasons")
    expect(reasons).to_contain_text("delivered in S60, where you are")
    expect(reasons).to_contain_text("CPV 45261")
    expect(reasons).to_contain_text("value within your band")
    journey.check("your-matches")
    match.get_by_role("link", name=re.compile("I'm interested")).click()
    expect(page).to_have_url(re.compile(rf"/opportunities/{opportunity_id}/interest(#main-content)?$"))
    journey.check("say-you-are-interested")
    submit_by_keyboard(page, page.get_by_role("button", name=re.compile("^Send to")), typed={
        "message": "We re-roofed Rawmarsh library in 2023 and can start in the spring.",
    })
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("can now see that you are interested")
    expect(match).to_contain_text("You said you are interested")
    journey.check("your-matches-interested")
    journey.screenshot("sme-your-matches", readme=True)

    # The partner sees the business among the interested.
    officer_page.goto(f"/partner/opportunities/{opportunity_id}")
    officer_page.get_by_role("link", name=re.compile("Businesses matched and interested")).click()
    expect(officer_page).to_have_url(re.compile(rf"/partner/opportunities/{opportunity_id}/businesses(#main-content)?$"))
    expect(officer_page.get_by_role("main")).to_contain_text(BUSINESS)
    expect(officer_page.get_by_role("main")).to_contain_text("We re-roofed Rawmarsh library")
    partner.check("interested-businesses")
    partner.screenshot("partner-interested-businesses", readme=True)

    # 5. The public, signed in as nobody: the list, the opportunity, its feed, and the open asks.
    public = another_journey()
    reader = public.page
    reader.goto(f"/networks/{slug}/opportunities")
    expect(reader.get_by_test_id("signed-in-as")).to_have_count(0)
    public.check("public-opportunities")
    public.screenshot("public-opportunities", readme=True)
    feed = reader.get_by_role("link", name="Atom feed")
    atom = reader.request.get(feed.get_attribute("href"))
    assert atom.ok and "application/atom+xml" in atom.headers["content-type"]
    assert "Re-roofing Wath library" in atom.text()
    reader.get_by_role("link", name="Re-roofing Wath library").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Re-roofing Wath library")
    expect(reader.get_by_role("main")).to_contain_text(ROOF)
    public.check("public-opportunity")
    reader.goto(f"/networks/{slug}/social-value-asks")
    expect(reader.get_by_role("main")).to_contain_text("Careers talks on roofing for Year 10 at Wath Academy")
    public.check("public-asks")


def test_the_lead_reads_where_to_grow_local_supply(journey, make_network, make_partner, make_user, make_business,
                                                   category_totals):
    network = make_network(name=NETWORK, local_area=("S60", "S61"))
    lead = make_user(make_partner("Rotherham Metropolitan Borough Council", network), "officer", lead_of=network,
                     name="Lena Lead")
    pounds = 100
    category_totals(network, {
        "Construction": (1_200_000 * pounds, 150_000 * pounds, 0),
        "Cleaning services": (420_000 * pounds, 60_000 * pounds, 0),
        "Catering": (260_000 * pounds, 130_000 * pounds, 0),
        "IT services": (380_000 * pounds, 20_000 * pounds, 0),
    })
    make_business("Slate & Co", network, cpv_codes=("45261000",), cooperative=True)
    make_business("Shine Cleaning CIC", network, cpv_codes=("90910000",))
    page = journey.page
    sign_in(journey, lead.email)
    page.get_by_role("link", name="Network", exact=True).click()
    page.get_by_role("link", name=re.compile("Local market gaps")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Local market gaps")
    journey.check("local-market-gaps-uncoded")
    page.get_by_test_id("uncoded").get_by_role("link", name="Give them a CPV code").click()
    journey.check("spend-categories")
    page.get_by_role("button", name="Suggest codes for categories you have not chosen").click()
    page.get_by_role("link", name="Local market gaps").click()
    expect(page.get_by_test_id("gap-chart").get_by_role("img")).to_be_visible()
    expect(page.get_by_test_id("gap-table")).to_contain_text("Construction")
    journey.check("local-market-gaps")
    journey.screenshot("local-market-gaps", readme=True)
