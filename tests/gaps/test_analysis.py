"""Do the gap figures equal the spend lines and registered businesses behind them, added up directly?"""
from collections import defaultdict
from datetime import date

import pytest

from portal.extensions import db
from portal.gaps import analysis, queries, services
from portal.spend import totals
from tests.spend.procurable_oracle import line_measures
from tests.spend.totals_fixtures import build_world, financial_periods

YEAR = date(2023, 4, 1)
CODES = {"Construction": "45000000", "Social care": "85300000", "IT": "72000000", "Transport": "60100000", "Food": "15000000"}


@pytest.fixture
def spend_world(make_network, make_partner):
    world = build_world(make_network, make_partner, lines=1500)
    for network in world.networks:
        totals.recompute_all(db.session, network)
    april = world.networks[0]
    for category, code in CODES.items():
        services.choose_code(db.session, april, category, code)
    db.session.commit()
    return world


def _direct(world, network, key_of):
    """(total, procurable, local, unplaced) by key, from the lines themselves; key None: no CPV code."""
    sums = defaultdict(lambda: [0, 0, 0, 0])
    for line in world.lines:
        if line.network_id != network.id or financial_periods(line.month, network.financial_year_start_month)["year"] != YEAR:
            continue
        code = CODES.get(line.category or "")
        key = key_of(code)
        if key is False:
            continue
        measures = line_measures(line.amount_pence, line.supplier, network.excluded_kinds)
        for n, measure in enumerate(("total_pence", "procurable_pence", "local_pence", "unplaced_pence")):
            sums[key][n] += measures[measure]
    return {k: tuple(v) for k, v in sums.items()}


def test_spend_by_division_equals_the_lines_added_up(spend_world):
    april = spend_world.networks[0]
    gaps = analysis.gap_analysis(db.session, april, YEAR)
    expected = _direct(spend_world, april, lambda code: code[:2] if code else None)
    assert {r.key: (r.total_pence, r.procurable_pence, r.local_pence, r.unplaced_pence) for r in gaps.rows} == {
        k: v for k, v in expected.items() if k is not None
    }
    assert gaps.uncoded_pence == expected[None][0]
    assert gaps.total_pence == sum(v[0] for v in expected.values())
    for row in gaps.rows:
        assert row.leaving_pence == row.procurable_pence - row.local_pence - row.unplaced_pence


def test_spend_by_group_within_a_division_equals_the_lines(spend_world):
    april = spend_world.networks[0]
    gaps = analysis.gap_analysis(db.session, april, YEAR, division="60")
    expected = _direct(spend_world, april, lambda code: code[:3] if code and code.startswith("60") else False)
    assert {r.key: (r.total_pence, r.procurable_pence, r.local_pence, r.unplaced_pence) for r in gaps.rows} == expected
    # A code chosen at division level only is its own row when drilling in.
    construction = analysis.gap_analysis(db.session, april, YEAR, division="45")
    assert [r.key for r in construction.rows] == [queries.WHOLE_DIVISION]
    assert construction.uncoded_pence == 0


def test_local_supply_counts_each_local_sme_or_vcse_once(make_network, make_business):
    network = make_network(local_area=("S60", "S61"))
    elsewhere = make_network(local_area=("LS1",))
    make_business(network=network, postcode="S60 1AA", cpv_codes=("45000000", "45210000", "45260000"), cooperative=True)
    make_business(network=network, postcode="S61 2BB", cpv_codes=("60100000",), employee_owned=True)
    make_business(network=network, postcode="S61 2BB", cpv_codes=("85300000",), size_band="large", charity=True,
                  social_enterprise=True)
    # Not counted: outside the area, email not confirmed, a large firm, another network's.
    make_business(network=network, postcode="LS1 1AA", cpv_codes=("45000000",))
    make_business(network=network, postcode="S60 1AA", cpv_codes=("45000000",), verified=False)
    make_business(network=network, postcode="S60 1AA", cpv_codes=("45000000",), size_band="large")
    make_business(network=elsewhere, postcode="LS1 1AA", cpv_codes=("45000000",))

    by_division = queries.local_supply(db.session, network)
    assert by_division == {
        "45": queries.LocalSupply(1, 1, 0, 0),
        "60": queries.LocalSupply(1, 0, 1, 0),
        "85": queries.LocalSupply(1, 0, 0, 1),
    }
    assert queries.local_supply(db.session, network, division="45") == {
        queries.WHOLE_DIVISION: queries.LocalSupply(1, 1, 0, 0), "452": queries.LocalSupply(1, 1, 0, 0),
    }
    assert queries.local_supply(db.session, elsewhere) == {"45": queries.LocalSupply(1, 0, 0, 0)}


def test_large_spend_leaving_with_few_local_businesses_ranks_first(make_network, make_business, category_totals):
    network = make_network(local_area=("S60",))
    category_totals(network, {
        "Construction": (1_000_000_00, 100_000_00, 0),  # £900k leaves; 2 local firms: £300k each (counting one more)
        "Catering": (400_000_00, 0, 0),  # £400k leaves; none local
        "Education": (50_000_00, 0, 50_000_00),  # nothing known to leave
    }, year_start=date(2023, 4, 1))
    for category, code in (("Construction", "45000000"), ("Catering", "55520000"), ("Education", "80000000")):
        services.choose_code(db.session, network, category, code)
    db.session.commit()
    for _ in range(2):
        make_business(network=network, cpv_codes=("45000000",))
    make_business(network=network, cpv_codes=("90910000",))  # local supply the network does not buy from
    gaps = analysis.gap_analysis(db.session, network)
    assert [r.key for r in gaps.rows] == ["55", "45", "80", "90"]
    assert [r.leaving_per_business_pence for r in gaps.rows] == [400_000_00, 300_000_00, 0, 0]
    assert (gaps.rows[-1].total_pence, gaps.rows[-1].supply.businesses) == (0, 1)
    assert [r.key for r in gaps.top] == ["55", "45"]


def test_the_latest_full_financial_year_is_shown_unless_another_is_asked_for():
    years = [date(2025, 4, 1), date(2024, 4, 1), date(2023, 4, 1)]
    assert analysis.latest_full_year(years, today=date(2026, 3, 31)) == date(2024, 4, 1)
    assert analysis.latest_full_year(years, today=date(2026, 4, 1)) == date(2025, 4, 1)
    assert analysis.latest_full_year([date(2025, 4, 1)], today=date(2025, 6, 1)) == date(2025, 4, 1)
    assert analysis.chosen_year(years, "2023-04-01", today=date(2026, 3, 1)) == date(2023, 4, 1)
    assert analysis.chosen_year(years, "1999-04-01", today=date(2026, 3, 1)) == date(2024, 4, 1)
    assert analysis.latest_full_year([]) is None
