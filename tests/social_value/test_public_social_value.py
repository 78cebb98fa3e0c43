"""Does the network's public page show its social value only as partners choose, never one partner's own?"""
from __future__ import annotations

from datetime import date

import pytest

from portal.extensions import db
from portal.social_value.models import SocialValuePeriodTotal
from tenants import tenant_context

YEAR = date(2024, 4, 1)


@pytest.fixture
def three_partners(partners, sv_network, make_partner):
    return (*partners, make_partner("Hospital", sv_network, kind="health"))


def year_rows(partner, measure_id, committed, delivered, year=YEAR):
    """The worker's year row for a partner (as portal.social_value.progress_snapshot writes it)."""
    with tenant_context(partner.id):
        db.session.add(SocialValuePeriodTotal(period_type="year", period_start=year, measure_id=measure_id,
                                              committed_value_pence=committed, delivered_value_pence=delivered))
        db.session.commit()


def show(*partners):
    for partner in partners:
        partner.shows_social_value_publicly = True
    db.session.commit()


def public_page(client, network):
    response = client.get(f"/networks/{network.slug}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def figure(html, test_id):
    start = html.index(f'data-testid="{test_id}">') + len(f'data-testid="{test_id}">')
    return html[start:html.index("<", start)].strip()


def test_only_partners_that_chose_to_are_added_up(client, sv_network, three_partners, measure):
    council, police, hospital = three_partners
    m = measure("DEMO-01").id
    figures = {council: (1_000_00, 400_00), police: (2_500_00, 0), hospital: (9_999_00, 9_999_00)}
    for partner, (committed, delivered) in figures.items():
        year_rows(partner, m, committed, delivered)
    show(council, police)
    html = public_page(client, sv_network)
    # The hospital did not choose to show: its figures are in no total. Delivered is the council's alone: withheld.
    assert figure(html, "public-sv-committed") == "£3,500"
    assert figure(html, "public-sv-delivered") == "Not shown*"
    assert "£9,999" not in html and "£13,499" not in html


def test_nothing_is_shown_while_fewer_than_two_partners_chose_to(client, sv_network, three_partners, measure):
    council, police, _ = three_partners
    year_rows(council, measure("DEMO-01").id, 1_000_00, 1_000_00)
    year_rows(police, measure("DEMO-01").id, 2_000_00, 2_000_00)
    show(council)
    html = public_page(client, sv_network)
    assert 'data-testid="public-sv-committed"' not in html and "£1,000" not in html
    assert "at least two partners have chosen" in html


def test_the_latest_year_with_two_partners_behind_it_is_shown(client, sv_network, three_partners, measure):
    council, police, _ = three_partners
    m = measure("DEMO-01").id
    year_rows(council, m, 1_000_00, 500_00)
    year_rows(police, m, 3_000_00, 700_00)
    year_rows(council, m, 5_000_00, 0, year=date(2025, 4, 1))  # a later year of one partner only
    show(council, police)
    html = public_page(client, sv_network)
    assert "in the financial year 2024 to 2025" in html
    assert figure(html, "public-sv-committed") == "£4,000" and figure(html, "public-sv-delivered") == "£1,200"


def test_the_public_page_leads_to_opportunities_and_registration(client, sv_network):
    html = public_page(client, sv_network)
    assert f'href="/networks/{sv_network.slug}/opportunities"' in html
    assert f'href="/networks/{sv_network.slug}/register"' in html


def test_a_partner_admin_chooses_and_the_choice_is_logged(sv_network, partners, make_user, sign_in):
    council = partners[0]
    admin = make_user(council, "admin")
    client = sign_in(admin)
    page = client.get("/report/publishing")
    assert page.status_code == 200 and "Show your social value" in page.get_data(as_text=True)
    response = client.post("/report/publishing", data={"threshold": "50000", "public_social_value": "yes"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(council), council.id).shows_social_value_publicly is True
    from sqlalchemy import select

    from tenants.models import AuditEvent
    with tenant_context(council.id):
        assert db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.action == "partner.public_social_value_changed")).all() == ["partner.public_social_value_changed"]
