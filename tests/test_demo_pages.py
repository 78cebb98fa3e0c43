"""Does every page in the README's "What it looks like" have data on it once the demo is loaded?

The demo is the one ``bin/start`` loads, with fewer spend lines a partner (the same generator,
import, registers, businesses and social value): each screenshot's page is fetched as the role
that reaches it and must show non-zero figures or rows. A screenshot added to the README without a
page here fails too.
"""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.demo import build_demo
from portal.demo import spend as demo_spend
from portal.extensions import db
from portal.matching.models import OpportunityInterest
from portal.social_value.models import Contract
from portal.spend.models import SpendImport
from tenants import network_wide, tenant_context
from tenants.models import Network, User
from tests.conftest import empty_tables

# Loading the demo, even with fewer spend lines, takes a minute on SQLite and several on a busy PostgreSQL.
pytestmark = pytest.mark.timeout(1200)

README = Path(__file__).resolve().parent.parent / "README.md"
# A year of spend for each partner, small enough for a test (the real demo has 148,000 lines).
FEWER_LINES = {"council": 2_400, "police": 600, "hospital": 900, "chamber": 360}
NON_ZERO_MONEY = re.compile(r"£\s?[1-9][\d,]*(\.\d+)?[kmb]?")


def readme_screenshots() -> list[str]:
    section = README.read_text(encoding="utf-8").split("## What it looks like", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"docs/screenshots/([\w-]+)\.png", section)


@pytest.fixture(scope="module")
def demo(app):
    patch = pytest.MonkeyPatch()
    for short, profile in list(demo_spend.PROFILES.items()):
        patch.setitem(demo_spend.PROFILES, short, dataclasses.replace(profile, lines=FEWER_LINES[short]))
    try:
        with app.app_context():
            build_demo(db.session)
            db.session.commit()
            network = db.session.scalar(select(Network))
            partners = {o.name: o.id for o in network.organisations}
        yield {"network_id": network.id, "slug": network.slug, "partners": partners}
    finally:
        patch.undo()
        empty_tables(app)


@pytest.fixture(autouse=True)
def _clean_tables():
    """The demo is loaded once for this module's tests: the suite's per-test cleaning waits until they are done."""
    yield


def _partner_id(demo, short: str) -> int:
    from portal.demo import DEMO_PARTNERS

    name = next(name for name, _kind, s in DEMO_PARTNERS if s == short)
    return demo["partners"][name]


def _contract(demo, title: str) -> int:
    with tenant_context(_partner_id(demo, "council")):
        return db.session.scalar(select(Contract.id).where(Contract.title == title))


def _import(demo, short: str, status: str) -> int:
    with tenant_context(_partner_id(demo, short)):
        return db.session.scalar(select(SpendImport.id).where(SpendImport.status == status).order_by(SpendImport.id.desc()))


def _interest_opportunity(demo) -> int:
    council = _partner_id(demo, "council")
    with network_wide(list(demo["partners"].values()), "test: the demo", business_networks=[demo["network_id"]]):
        return db.session.scalar(select(OpportunityInterest.opportunity_id).where(OpportunityInterest.organisation_id == council)
                                 .order_by(OpportunityInterest.opportunity_id))


def _rows(page: str, testid: str | None = None) -> int:
    if testid:
        found = re.search(rf'data-testid="{testid}".*?</table>', page, re.DOTALL)
        page = found.group(0) if found else ""
    body = "".join(re.findall(r"<tbody.*?</tbody>", page, re.DOTALL))
    return len(re.findall(r"<tr\b", body))


def _money(page: str) -> list[str]:
    main = page.split('id="main-content"', 1)[-1]
    return [m.group(0) for m in NON_ZERO_MONEY.finditer(main)]


# screenshot: (who signs in (None: the public), the page, what must be on it)
PAGES = {
    "network-summary": (None, lambda d: f"/networks/{d['slug']}", lambda p: len(_money(p)) >= 3),
    "partner-dashboard": ("officer@council.demo", lambda d: "/spend", lambda p: len(_money(p)) >= 3 and _rows(p) > 0),
    "import-complete": ("officer@council.demo", lambda d: f"/spend/imports/{_import(d, 'council', 'imported')}",
                        lambda p: "Import complete" in p and re.search(r"Lines read.*?[1-9]", p, re.DOTALL)),
    "network-side-by-side": ("lead@council.demo", lambda d: f"/network/{d['network_id']}",
                             lambda p: _rows(p) >= 4 and len(_money(p)) >= 4),
    "social-value-contract": ("officer@council.demo", lambda d: f"/social-value/contracts/{_contract(d, 'Highways maintenance')}",
                              lambda p: re.search(r'data-testid="delivered-total"[^>]*>\s*(?:<[^>]+>)*£[1-9]', p) and _rows(p) > 0),
    "social-value-annual-report": ("officer@council.demo", lambda d: "/social-value/report",
                                   lambda p: len(_money(p)) >= 3 and _rows(p) > 0),
    "sme-profile": ("owner@sme.demo", lambda d: "/profile", lambda p: "Rother Valley Builders Co-operative" in p and "45000000" in p),
    "sme-your-matches": ("owner@sme.demo", lambda d: "/matches",
                         lambda p: len(re.findall(r'class="govuk-summary-card__title"', p)) >= 2),
    "public-opportunities": (None, lambda d: "/opportunities", lambda p: len(re.findall(r'data-testid="opportunity"', p)) >= 10),
    "partner-interested-businesses": ("officer@council.demo",
                                      lambda d: f"/partner/opportunities/{_interest_opportunity(d)}/businesses",
                                      lambda p: _rows(p, "interested") >= 1 and _rows(p, "matched") >= 1),
    "local-market-gaps": ("lead@council.demo", lambda d: f"/network/{d['network_id']}/local-market-gaps",
                          lambda p: _rows(p) >= 5 and len(_money(p)) >= 5),
    "import-needs-choice": ("officer@police.demo", lambda d: f"/spend/imports/{_import(d, 'police', 'needs_choice')}",
                            lambda p: "Nothing has been saved yet" in p and _rows(p, "differences-changed") >= 2),
}


def test_every_readme_screenshot_has_a_page_checked_here():
    assert readme_screenshots() and set(readme_screenshots()) <= set(PAGES)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_screenshots_page_has_data_in_the_demo(app, demo, sign_in, name):
    email, path, has_data = PAGES[name]
    with app.app_context():
        url = path(demo)
        user = db.session.scalar(select(User).where(User.email == email)) if email else None
        client = sign_in(user) if user else app.test_client()
    response = client.get(url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, (name, url, response.status_code)
    assert has_data(page), (name, url, _money(page)[:5], _rows(page))


def test_the_annual_report_says_the_demo_values_are_illustrative(app, demo, sign_in):
    """The demo's measures carry invented proxy values: the partner's annual report must say so, with its figures."""
    with app.app_context():
        client = sign_in(db.session.scalar(select(User).where(User.email == "officer@council.demo")))
    page = client.get("/report").get_data(as_text=True)
    assert 'data-testid="illustrative-warning"' in page and len(_money(page)) >= 3
