"""Does the lead's network page compare partners with figures an independent computation agrees with?"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from portal.extensions import db
from portal.network.comparison import compare_partners, financial_years
from portal.spend.queries import share
from tenants.models import Network

from .conftest import ACME, CARE, FOOD, oracle, pence, recompute, year_start

MEASURES = ("total_pence", "local_pence", "sme_pence", "vcse_pence")
YEARS = (date(2023, 4, 1), date(2024, 4, 1))


def test_partners_side_by_side_equal_an_independent_computation(anchors):
    expected = oracle(anchors)["figures"]
    network = db.session.get(Network, anchors.network.id)
    assert financial_years(db.session, network) == [date(2024, 4, 1), date(2023, 4, 1)]
    for year in YEARS:
        comparison = compare_partners(db.session, network, year)
        assert [row.name for row in comparison.partners] == sorted(p.name for p in anchors.partners)
        for row in comparison.partners:
            want = expected.get((row.organisation_id, year))
            if want is None:
                assert not row.has_spend, (row.name, year)
                continue
            assert {m: getattr(row, m) for m in MEASURES} == {m: want[m] for m in MEASURES}, (row.name, year)
            assert row.local_share == share(want["local_pence"], want["total_pence"])
        combined = expected[("network", year)]
        assert {m: getattr(comparison.network, m) for m in MEASURES} == {m: combined[m] for m in MEASURES}


def test_the_network_row_is_the_sum_of_the_partners(anchors):
    network = db.session.get(Network, anchors.network.id)
    comparison = compare_partners(db.session, network, date(2023, 4, 1))
    for measure in MEASURES:
        assert getattr(comparison.network, measure) == sum(getattr(r, measure) or 0 for r in comparison.partners)


def test_largest_categories_leaving_the_area_are_the_top_ten_by_spend_not_local(anchors):
    categories = oracle(anchors)["categories"]
    network = db.session.get(Network, anchors.network.id)
    comparison = compare_partners(db.session, network, date(2023, 4, 1))
    expected = sorted(
        ((c, total - local) for (year, c), (total, local) in categories.items() if year == date(2023, 4, 1) and total > local),
        key=lambda item: (-item[1], item[0]),
    )[:10]
    assert [(row.category, row.leaving_pence) for row in comparison.categories_leaving] == expected
    # IT is bought from Leeds: all of it leaves the area, and it is the largest.
    assert comparison.categories_leaving[0].category == "IT"


def test_the_lead_sees_the_table_and_an_accessible_chart_without_inline_styles(anchors, sign_in):
    client = sign_in(anchors.lead)
    page = client.get(f"/network/{anchors.network.id}?year=2023-04-01").get_data(as_text=True)
    assert 'data-testid="side-by-side"' in page and "April 2023 to March 2024" in page
    expected = oracle(anchors)["figures"][("network", date(2023, 4, 1))]
    # Whole pounds, a half pound up (the one money format).
    assert f"£{(expected['total_pence'] + 50) // 100:,}" in page
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and "<title" in svg
    assert "style=" not in svg and "<script" not in svg
    assert svg.count("<rect") == 3  # every partner had spend that year
    assert "Network " in svg and 'stroke-dasharray' in svg


def test_an_unknown_year_falls_back_to_the_latest(anchors, sign_in):
    page = sign_in(anchors.lead).get(f"/network/{anchors.network.id}?year=1999-04-01").get_data(as_text=True)
    assert "April 2024 to March 2025" in page


def test_a_network_with_no_totals_says_so(make_network, make_user, sign_in):
    network = make_network("Empty network")
    page = sign_in(make_user(lead_of=network)).get(f"/network/{network.id}").get_data(as_text=True)
    assert 'data-testid="no-totals"' in page


def test_shares_are_of_procurable_spend_when_the_lead_excludes_a_class(anchors, sign_in):
    """With VCSEs left out (the lead's choice), is each partner's local share its local procurable spend over its procurable spend?"""
    network = db.session.get(Network, anchors.network.id)
    network.excluded_kinds = ["vcse"]
    db.session.commit()
    recompute(network)
    vcse_names = {CARE[0], FOOD[0]}
    local_names = {ACME[0], CARE[0], FOOD[0]}  # S60-S63
    year = date(2023, 4, 1)
    expected = {}
    for partner_id, rows in anchors.rows.items():
        for day, _ref, name, _pc, amount, _category, _vcse in rows:
            if year_start(day) != year:
                continue
            for owner in (partner_id, "network"):
                f = expected.setdefault(owner, {"total": 0, "procurable": 0, "local": 0})
                f["total"] += pence(amount)
                if name not in vcse_names:
                    f["procurable"] += pence(amount)
                    f["local"] += pence(amount) if name in local_names else 0
    comparison = compare_partners(db.session, network, year)
    for row in [*comparison.partners, comparison.network]:
        want = expected[row.organisation_id or "network"]
        assert (row.total_pence, row.procurable_pence, row.local_pence) == (want["total"], want["procurable"], want["local"])
        assert row.local_share == share(want["local"], want["procurable"]) and row.vcse_share == Decimal("0.0")
    assert expected["network"]["procurable"] < expected["network"]["total"]
    page = sign_in(anchors.lead).get(f"/network/{network.id}?year=2023-04-01").get_data(as_text=True)
    assert "less payments to voluntary, community and social enterprise organisations:" in page
    network_cells = re.search(r'data-testid="network-row">(.*?)</tr>', page, re.DOTALL).group(1)
    assert f"£{(expected['network']['procurable'] + 50) // 100:,}" in network_cells
