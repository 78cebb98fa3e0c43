"""Every page each role reaches passes the layout checks at 1280 and 320 px.

The pages are the isolation matrix's routes: every GET route of the app, with its URL
arguments filled from the matrix world, asked for by each role. A role walks the pages
that answer it 200 with HTML, in one browser context of its own (one browser for all).
Partner B's admin reaches B's objects (contracts, imports, reports), the other SME its own
business's pages, the lead the network's: so the pages are walked with rows on them.
"""
from __future__ import annotations

import pytest
from flask import url_for

from tests.conftest import PASSWORD
from tests.isolation.expectations import EXPECTATIONS
from tests.isolation.world import build_matrix_world

from .layout import problems_at_every_width

pytestmark = pytest.mark.browser

# Who walks: every role of the isolation matrix, and the actors whose own objects the URLs name
# (partner B's admin, the other SME), so the pages are walked with rows on them too.
WALKERS = ("anonymous", "sme", "a_viewer", "a_officer", "a_admin", "lead", "other_lead", "other_sme", "b_admin")
# The least a walk reaches: the pages of the role, not only the sign-in page.
AT_LEAST = {"anonymous": 5, "sme": 3, "other_sme": 3, "a_viewer": 10, "a_officer": 15, "a_admin": 20, "b_admin": 30,
            "lead": 40, "other_lead": 20}
# Routes that end the walker's session, or answer with something other than a page.
NOT_PAGES = {"accounts.logout"}


@pytest.fixture
def world(make_network, make_partner, make_user, sign_in, make_business):
    return build_matrix_world(make_network, make_partner, make_user, sign_in, make_business)


def _walker(world, role):
    if role == "b_admin":
        return world.base.b_admin
    if role == "other_sme":
        from portal.extensions import db
        from tenants.models import User

        return db.session.scalar(db.select(User).where(User.business_id == world.owners["businesses"][0]))
    return world.actors[role]


def _pages(app, world, email) -> list[str]:
    """The GET URLs of every route that answer this person (None: anonymous) 200 with an HTML page."""
    from portal.extensions import db
    from tenants.models import User

    user = db.session.scalar(db.select(User).where(User.email == email)) if email else None
    client = app.test_client() if user is None else world.base.sign_in(user)
    urls = []
    for endpoint, expect in sorted(EXPECTATIONS.items()):
        if expect.audience == "asset" or endpoint in NOT_PAGES:
            continue
        for rule in app.url_map.iter_rules(endpoint):
            if "GET" not in (rule.methods or ()):
                continue
            values = {argument: world.targets[argument] for argument in rule.arguments}
            with app.test_request_context():
                url = url_for(endpoint, **values)
            response = client.get(url, buffered=True)
            if response.status_code == 200 and response.mimetype == "text/html" and url not in urls:
                urls.append(url)
            response.close()  # a streamed download left open would pop the next request's context
    return urls


# Walks of a hundred pages at two widths: longer than the default test timeout on a loaded machine.
@pytest.mark.timeout(900)
@pytest.mark.parametrize("role", WALKERS)
def test_every_page_this_role_reaches_passes_the_layout_checks(role, app, world, browser, live_server):
    from tests.browser import watched_context

    email = None if role == "anonymous" else _walker(world, role).email
    urls = _pages(app, world, email)
    # The walk reaches pages with rows, not only the sign-in page.
    assert len(urls) >= AT_LEAST[role], urls
    failures = []
    context, page = watched_context(browser, live_server)
    try:
        if email:
            page.goto("/sign-in")
            page.get_by_label("Email address").fill(email)
            page.get_by_label("Password", exact=True).fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state("load")
        for url in urls:
            page.goto(url)
            failures += [f"{url} {problem}" for problem in problems_at_every_width(page)]
        failures += page.watch.problems()
    finally:
        context.close()
    assert not failures, f"{role}: {len(failures)} layout problems on {len(urls)} pages:\n" + "\n".join(failures)
