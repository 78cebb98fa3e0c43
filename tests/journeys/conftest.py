"""The ``journey`` fixture, and the worlds the journeys start from (shared with the feature tests)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.dashboard.conftest import spend_world  # noqa: F401 - a fixture the public journey reads
from tests.network.conftest import anchors  # noqa: F401 - a fixture the lead's journey starts from

from .checks import Journey
from .keyboard import submit_by_keyboard


@pytest.fixture
def journey(page, live_server):
    return Journey(page, live_server)


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
