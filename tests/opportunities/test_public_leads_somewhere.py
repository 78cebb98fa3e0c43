"""Does the public side lead somewhere: home to the summary, opportunities and asks; an opportunity to
"register or sign in", and back to it afterwards (never to another site); numbered pages; the Atom link?"""
from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from portal.accounts.next_page import safe_next
from tests.conftest import PASSWORD

TODAY = date.today()


def test_home_links_to_each_networks_summary_the_opportunities_and_the_asks(client, network):
    page = client.get("/").get_data(as_text=True)
    links = re.findall(r'href="([^"]+)"', page.split('data-testid="public-links"')[1])
    assert {"/opportunities", "/social-value-asks", f"/networks/{network.slug}"} <= set(links)


def test_the_summary_links_on_to_the_networks_opportunities_asks_and_registration(client, network):
    page = client.get(f"/networks/{network.slug}").get_data(as_text=True)
    links = re.findall(r'href="([^"]+)"', page.split('data-testid="public-links"')[1])
    assert {f"/networks/{network.slug}/opportunities", f"/networks/{network.slug}/social-value-asks",
            f"/networks/{network.slug}/register"} <= set(links)


def test_numbered_pages_say_which_of_how_many(client, council, make_opportunity, network):
    for n in range(63):
        make_opportunity(council, title=f"Job {n:02d}", closing_date=TODAY + timedelta(days=n + 1))
    page = client.get(f"/networks/{network.slug}/opportunities?q=job&page=2").get_data(as_text=True)
    assert "Showing 21–40 of 63 opportunities" in page
    numbers = re.findall(r'class="govuk-pagination__item[^"]*"[^>]*>\s*<a[^>]*href="([^"]+)"[^>]*>\s*(\d+)', page)
    assert [n for _, n in numbers] == ["1", "2", "3", "4"]
    assert all("q=job" in href for href, _ in numbers)
    assert re.search(r'aria-current="page"[^>]*>\s*2\s*<', page)  # page 2 is marked as the current one
    last = client.get(f"/networks/{network.slug}/opportunities?q=job&page=4").get_data(as_text=True)
    assert "Showing 61–63 of 63 opportunities" in last


def test_the_lists_carry_their_atom_feed_link(client, council, make_opportunity, network):
    make_opportunity(council)
    for path in ("/opportunities", f"/networks/{network.slug}/opportunities"):
        page = client.get(path).get_data(as_text=True)
        head = page.split("</head>")[0]
        assert re.search(rf'<link rel="alternate" type="application/atom\+xml"[^>]*href="/networks/{network.slug}/opportunities.atom"', head), path


def test_an_opportunity_invites_a_visitor_to_register_or_sign_in_and_brings_them_back(
        client, council, make_opportunity, network, make_business, sign_in):
    opportunity_id = make_opportunity(council, title="Roof repairs at the depot")
    path = f"/networks/{network.slug}/opportunities/{opportunity_id}"
    page = client.get(path).get_data(as_text=True)
    assert "Register or sign in to say you're interested" in page.replace("&#39;", "'")
    assert f'/sign-in?next={quote(path, safe="")}' in page or f"/sign-in?next={path}" in page
    assert f"/networks/{network.slug}/register?next=" in page

    business = make_business(network=network)
    response = client.post(f"/sign-in?next={quote(path)}", data={"email": business.owner.email, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == path
    # Signed in as a registered business, the same page offers "I'm interested" instead.
    page = client.get(path).get_data(as_text=True)
    assert 'data-testid="interest-button"' in page and "Register or sign in" not in page


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example", "/\t/evil.example",
    "/ /evil.example", "javascript:alert(1)", "http:/evil.example", "evil.example",
])
def test_sign_in_never_sends_a_person_to_another_site(client, make_user, make_partner, sign_in, target):
    user = make_user(partner=make_partner())
    response = client.post(f"/sign-in?next={quote(target, safe='')}", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert safe_next(target) is None


def test_same_site_paths_are_kept_with_their_query():
    assert safe_next("/networks/demo/opportunities/7?from=home") == "/networks/demo/opportunities/7?from=home"


def test_registering_from_an_opportunity_returns_there_once_the_address_is_confirmed(client, council, make_opportunity,
                                                                                      network, sign_in):
    from tests.smes.conftest import registration, verification_link

    opportunity_id = make_opportunity(council)
    path = f"/networks/{network.slug}/opportunities/{opportunity_id}"
    response = client.post(f"/networks/{network.slug}/register?next={quote(path)}", data=registration())
    assert response.status_code == 200
    response = client.post(verification_link())
    assert response.status_code == 302
    where = urlsplit(response.headers["Location"])
    assert where.path == "/sign-in" and parse_qs(where.query)["next"] == [path]
