"""What does the public see: published, still-open opportunities only, searched and filtered, a page each?"""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from portal import cpv
from portal.extensions import db
from portal.opportunities import queries, services
from portal.opportunities.models import Opportunity
from portal.opportunities.queries import OpportunityFilter
from portal.opportunities.services import AskDetails
from tenants import tenant_context

TODAY = date.today()


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return re.findall(r'data-testid="opportunity">\s*<h2[^>]*><a[^>]*>([^<]+)</a>', response.get_data(as_text=True))


@pytest.fixture
def listed(council, police, make_opportunity, network):
    make_opportunity(council, title="Playground resurfacing", cpv_codes=["45233000"], value_band="50k_to_214k",
                     closing_date=TODAY + timedelta(days=5), delivery_districts=["S60"])
    make_opportunity(council, title="Youth mentoring service", description="Mentoring for care leavers",
                     cpv_codes=["85312000"], value_band="10k_to_50k", suitable_for_sme=False, suitable_for_vcse=True,
                     closing_date=TODAY + timedelta(days=40), delivery_districts=["S1"])
    make_opportunity(police, title="Custody suite cleaning", cpv_codes=["90910000"], value_band="under_10k",
                     closing_date=TODAY + timedelta(days=20), delivery_districts=["S61", "S62"])
    make_opportunity(council, status="draft", title="Draft fleet lease")
    make_opportunity(council, status="closed", title="Closed catering")
    make_opportunity(council, status="withdrawn", title="Withdrawn bins")
    past = make_opportunity(council, title="Past gritting", closing_date=TODAY + timedelta(days=1))
    with tenant_context(council.id):  # its closing date has gone by since it was published
        db.session.get(Opportunity, past).closing_date = TODAY - timedelta(days=1)
        db.session.commit()
    return f"/networks/{network.slug}/opportunities"


def test_only_published_open_ones_soonest_closing_first(client, listed):
    assert _titles(client.get(listed)) == ["Playground resurfacing", "Custody suite cleaning", "Youth mentoring service"]


@pytest.mark.parametrize("query, expected", [
    ("q=MENTORING", ["Youth mentoring service"]),
    ("q=care+mentoring", ["Youth mentoring service"]),
    ("q=fleet", []),
    ("q=100%25", []),
    ("division=45", ["Playground resurfacing"]),
    ("value_band=under_10k", ["Custody suite cleaning"]),
    ("suitable=vcse", ["Youth mentoring service"]),
    ("suitable=sme&suitable=vcse", []),
    ("closing_within=7", ["Playground resurfacing"]),
    ("local=yes", ["Playground resurfacing", "Custody suite cleaning"]),
])
def test_search_and_filters(client, listed, query, expected):
    assert _titles(client.get(f"{listed}?{query}")) == expected


def test_filter_by_partner(client, listed, police):
    assert _titles(client.get(f"{listed}?partner={police.id}")) == ["Custody suite cleaning"]


@pytest.mark.parametrize("query, message", [
    ("division=99", "Choose a CPV division from the list"),
    ("value_band=huge", "Choose a value band from the list"),
    ("partner=999999", "Choose a partner from the list"),
    ("closing_within=3", "Choose how soon it closes from the list"),
])
def test_a_filter_that_is_not_a_choice_is_named(client, listed, query, message):
    response = client.get(f"{listed}?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_pages_of_twenty(client, council, make_opportunity, network):
    for n in range(23):
        make_opportunity(council, title=f"Job {n:02d}", closing_date=TODAY + timedelta(days=n + 1))
    first = client.get(f"/networks/{network.slug}/opportunities?q=job")
    assert len(_titles(first)) == 20 and "23 open opportunities" in first.get_data(as_text=True)
    assert "page=2" in first.get_data(as_text=True) and "q=job" in first.get_data(as_text=True)
    assert _titles(client.get(f"/networks/{network.slug}/opportunities?q=job&page=2")) == ["Job 20", "Job 21", "Job 22"]
    assert len(_titles(client.get(f"/networks/{network.slug}/opportunities?page=abc"))) == 20


def test_the_all_networks_list_and_another_networks_list(client, listed, make_network, make_partner, make_opportunity):
    elsewhere = make_network("Elsewhere Anchors")
    make_opportunity(make_partner("Elsewhere Council", elsewhere), title="Elsewhere painting")
    assert "Elsewhere painting" in _titles(client.get("/opportunities"))
    assert "Playground resurfacing" in _titles(client.get("/opportunities"))
    assert _titles(client.get(f"/networks/{elsewhere.slug}/opportunities")) == ["Elsewhere painting"]
    assert client.get("/networks/no-such-network/opportunities").status_code == 404


def test_the_public_page_shows_lots_categories_asks_and_contact(client, council, make_opportunity, network):
    opportunity_id = make_opportunity(council, lots=[{"title": "North schools", "value_band": "10k_to_50k"}],
                                      estimated_value_pence=12_345_678, contact_email="buyer@council.example")
    with tenant_context(council.id):
        services.create_ask(db.session, AskDetails(kind="careers_talks", title="Careers talks at Wath", opportunity_id=opportunity_id))
        services.create_ask(db.session, AskDetails(kind="mentoring", title="Met already", opportunity_id=opportunity_id))
        services.set_ask_status(db.session, services.get_ask(db.session, 2), "met")
        db.session.commit()
    page = client.get(f"/networks/{network.slug}/opportunities/{opportunity_id}").get_data(as_text=True)
    for text in ("Lot 1: North schools", f"45233000: {cpv.label('45233000')}", "Careers talks at Wath", "buyer@council.example",
                 "£123,457"):
        assert text in page, text
    assert "Met already" not in page


def test_a_draft_or_another_networks_id_is_404(client, council, make_opportunity, network, make_network):
    draft = make_opportunity(council, status="draft")
    published = make_opportunity(council)
    other = make_network("Other Anchors")
    assert client.get(f"/networks/{network.slug}/opportunities/{draft}").status_code == 404
    assert client.get(f"/networks/{other.slug}/opportunities/{published}").status_code == 404
    assert client.get(f"/networks/{network.slug}/opportunities/{published}").status_code == 200


def test_open_asks_are_public_but_not_those_on_a_draft(client, council, make_opportunity, network):
    draft = make_opportunity(council, status="draft", title="Draft fleet lease")
    published = make_opportunity(council, title="Playground resurfacing")
    with tenant_context(council.id):
        for title, on in (("On its own", None), ("On the published one", published), ("On the draft", draft)):
            services.create_ask(db.session, AskDetails(kind="volunteering", title=title, opportunity_id=on))
        closed = services.create_ask(db.session, AskDetails(kind="mentoring", title="Closed ask"))
        services.set_ask_status(db.session, closed, "closed")
        db.session.commit()
    page = client.get(f"/networks/{network.slug}/social-value-asks").get_data(as_text=True)
    assert "On its own" in page and "On the published one" in page and "Playground resurfacing" in page
    assert "On the draft" not in page and "Draft fleet lease" not in page and "Closed ask" not in page
    assert "2 open asks" in page
    assert "On its own" in client.get("/social-value-asks").get_data(as_text=True)


def test_the_query_hands_back_plain_copies_only(council, make_opportunity, network, app_ctx):
    make_opportunity(council)
    page = queries.published_opportunities(db.session, [network], OpportunityFilter())
    assert page.total == 1 and isinstance(page.items[0], queries.PublicOpportunity)
    assert not any(isinstance(o, Opportunity) for o in db.session.identity_map.values())
