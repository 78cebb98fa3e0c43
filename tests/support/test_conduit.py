"""A conduit partner (a chamber, a VCSE infrastructure body): no spend routes, no spend row, yet in the network."""
from __future__ import annotations

from datetime import date

from flask import url_for

from portal.extensions import db
from portal.spend.queries import partners_side_by_side
from portal.support import records
from portal.support.conduit import is_spend_page
from tenants import tenant_context

ARGUMENTS = {"import_id": 1, "group": "new", "fmt": "csv"}


def _spend_urls(app):
    with app.test_request_context():
        return [(url_for(rule.endpoint, **{a: ARGUMENTS[a] for a in rule.arguments}), method)
                for rule in app.url_map.iter_rules() if is_spend_page(rule.endpoint, rule.endpoint.split(".")[0])
                for method in sorted((rule.methods or set()) & {"GET", "POST"})]


def test_a_conduit_partner_has_no_spend_routes(app, make_partner, make_user, sign_in):
    """Does every spend page answer 404 to a conduit partner's people, and stay out of its menu?"""
    chamber = make_partner("Chamber", kind="chamber")
    chamber.conduit = True
    db.session.commit()
    council = make_partner("Council", chamber.network)
    urls = _spend_urls(app)
    assert ("/spend", "GET") in urls and ("/spend/imports", "POST") in urls and len(urls) > 10
    for role in ("viewer", "officer", "admin"):
        client = sign_in(make_user(chamber, role))
        for url, method in urls:
            assert client.open(url, method=method).status_code == 404, (role, method, url)
        home = client.get("/").get_data(as_text=True)
        assert 'href="/spend"' not in home and 'href="/spend/imports"' not in home
        assert "Support and events" in home and 'data-testid="task-support"' in home  # its task list is its support
    spender = sign_in(make_user(council, "officer"))
    assert spender.get("/spend/imports").status_code == 200
    assert 'href="/spend/imports"' in spender.get("/").get_data(as_text=True)


def test_a_conduit_partner_has_no_spend_row_yet_appears_in_the_network(make_partner, make_user, make_business, sign_in):
    chamber = make_partner("Demo Chamber", kind="chamber")
    chamber.conduit = True
    db.session.commit()
    council = make_partner("Demo Council", chamber.network)
    network = chamber.network
    assert [row.name for row in partners_side_by_side(db.session, network, "year", date(2025, 4, 1))] == ["Demo Council"]
    firm = make_business("Helped", network)
    with tenant_context(chamber.id):
        records.record_support(db.session, chamber, records.SupportDetails(firm.id, "one_to_one", date.today(), "3"))
        db.session.commit()
    lead = sign_in(make_user(council, "officer", lead_of=network))
    show = lead.get(f"/network/{network.id}").get_data(as_text=True)
    assert "Demo Chamber" in show and "Conduit partner" in show and "Reports no spend" in show
    figures = lead.get(f"/network/{network.id}/support").get_data(as_text=True)
    assert f'data-testid="support-row-{chamber.id}"' in figures and "Conduit partner" in figures
    row = figures.split(f'data-testid="support-row-{chamber.id}"')[1].split("</tr>")[0]
    assert ">1<" in row and ">3.00<" in row
