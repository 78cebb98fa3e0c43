"""The ``journey`` fixture, and the worlds the journeys start from (shared with the feature tests)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import watched_context
from tests.conftest import PASSWORD
from tests.dashboard.conftest import spend_world  # noqa: F401 - a fixture the public journey reads
from tests.gaps.conftest import category_totals  # noqa: F401 - a fixture the lead's gaps journey starts from
from tests.network.conftest import anchors  # noqa: F401 - a fixture the lead's journey starts from

from .checks import Journey
from .keyboard import submit_by_keyboard


@pytest.fixture
def officer(make_network, make_partner, make_user):
    """A council officer in the Rother Valley network (journeys needing more of the world define their own)."""
    network = make_network(name="Rother Valley Anchor Network", local_area=("S60", "S61"))
    partner = make_partner(name="Rotherham Metropolitan Borough Council", network=network)
    return make_user(partner=partner, role="officer", name="Priya Officer")


@pytest.fixture
def journey(page, live_server):
    return Journey(page, live_server)


@pytest.fixture
def another_journey(browser, live_server):
    """``another_journey()``: a second user's journey at the same time, in its own browser context (its own cookies).

    Its page is watched as ``page`` is: a console error, CSP violation or request
    to another host fails the test at teardown.
    """
    opened = []

    def open_journey() -> Journey:
        context, page = watched_context(browser, live_server)
        opened.append((context, page))
        return Journey(page, live_server)

    yield open_journey
    problems = [problem for _, page in opened for problem in page.watch.problems()]
    for context, _ in opened:
        context.close()
    if problems:
        pytest.fail("Another browser context saw:\n  " + "\n  ".join(problems), pytrace=False)


def sign_in(journey: Journey, email: str) -> None:
    """From the welcome page, with the keyboard: type the email and password, press Enter."""
    page = journey.page
    page.goto("/")
    journey.check("welcome")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    journey.check("sign-in")
    submit_by_keyboard(page, page.get_by_role("button", name="Sign in"), typed={"email": email, "password": PASSWORD})
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()
