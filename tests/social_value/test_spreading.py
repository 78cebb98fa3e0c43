"""Does a commitment spread over years and half-years add up to the whole, pro rata by days?"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.social_value.spreading import (
    largest_remainder,
    period_start,
    periods_between,
    split_quantity,
    spread_commitment,
    spread_over_periods,
)

days = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))
months = st.integers(min_value=1, max_value=12)
kinds = st.sampled_from(("year", "half"))
pence = st.integers(min_value=0, max_value=10**12)
quantities = st.decimals(min_value=0, max_value=10**7, places=3, allow_nan=False, allow_infinity=False)


@given(whole=st.integers(min_value=-10**12, max_value=10**12),
       weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=40))
def test_the_parts_add_up_to_the_whole_and_each_is_within_one_of_its_exact_share(whole, weights):
    parts = largest_remainder(whole, weights)
    assert sum(parts) == whole and len(parts) == len(weights)
    total = sum(weights)
    if total:
        for part, weight in zip(parts, weights):
            exact = Decimal(whole) * weight / total
            assert abs(Decimal(part) - exact) < 1


def test_largest_remainder_gives_the_odd_penny_to_the_largest_remainder():
    assert largest_remainder(100, [1, 1, 1]) == [34, 33, 33]
    assert largest_remainder(10, [2, 7]) == [2, 8]  # 2.22 and 7.78: the .78 gets it
    assert largest_remainder(5, [0, 0]) == [5, 0]


@given(quantity=quantities, weights=st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=30))
def test_a_quantity_split_adds_up_to_it_in_thousandths(quantity, weights):
    assert sum(split_quantity(quantity, weights), Decimal(0)) == quantity


@given(fy=months, kind=kinds, start=days, length=st.integers(min_value=0, max_value=4000), value=pence, quantity=quantities)
@settings(max_examples=300)
def test_a_span_spread_over_periods_sums_to_the_whole_and_follows_the_days(fy, kind, start, length, value, quantity):
    end = start + timedelta(days=length)
    spread = spread_over_periods(fy, kind, (start, end), value, quantity)
    assert sum(p for p, _ in spread.values()) == value
    assert sum((q for _, q in spread.values()), Decimal(0)) == quantity
    for at in spread:
        assert period_start(fy, kind, at) == at
    if length:
        # Each period's share is within a penny of its days' share.
        for at, until in periods_between(fy, kind, start, end):
            overlap = max(0, (min(until, end) - max(at, start)).days)
            exact = Decimal(value) * overlap / length
            assert abs(Decimal(spread.get(at, (0, 0))[0]) - exact) < 1


@given(fy=months, start=days, length=st.integers(min_value=1, max_value=4000), value=pence, quantity=quantities)
def test_the_halves_of_a_year_add_up_to_the_year(fy, start, length, value, quantity):
    end = start + timedelta(days=length)
    years = spread_over_periods(fy, "year", (start, end), value, quantity)
    halves = spread_over_periods(fy, "half", (start, end), value, quantity)
    for year, (p, q) in years.items():
        in_year = [h for h in halves if period_start(fy, "year", h) == year]
        # Rounding is per level, so a half can differ from its exact share by under a penny
        # each; the year's two halves together are within two pence of the year.
        assert abs(sum(halves[h][0] for h in in_year) - p) <= 2


@given(fy=months, start=days, length=st.integers(min_value=30, max_value=3000), value=pence,
       profile=st.lists(st.decimals(min_value=0, max_value=10**5, places=3, allow_nan=False, allow_infinity=False),
                        min_size=1, max_size=6))
def test_a_profiled_commitment_spreads_each_profile_year_and_sums_to_the_whole(fy, start, length, value, profile):
    end = start + timedelta(days=length)
    rows = [(start + timedelta(days=365 * i), q) for i, q in enumerate(profile)]
    quantity = sum(profile, Decimal(0))
    for kind in ("year", "half"):
        spread = spread_commitment(fy, kind, quantity=quantity, value_pence=value, contract_start=start,
                                   contract_end=end, committed_on=start, profile=rows)
        assert sum(p for p, _ in spread.values()) == value
        assert sum((q for _, q in spread.values()), Decimal(0)) == quantity


def test_a_three_year_contract_from_april_puts_a_third_in_each_financial_year():
    spread = spread_commitment(4, "year", quantity=Decimal(30), value_pence=3_000_00, contract_start=date(2024, 4, 1),
                               contract_end=date(2027, 3, 31), committed_on=date(2024, 3, 1))
    assert list(spread) == [date(2024, 4, 1), date(2025, 4, 1), date(2026, 4, 1)]
    # 365 days in each (no 29 February until 2028): equal thirds
    assert [p for p, _ in spread.values()] == [1_000_00] * 3
    assert [q for _, q in spread.values()] == [Decimal("10.000")] * 3


def test_h1_is_the_first_six_months_of_the_networks_year():
    assert period_start(4, "half", date(2024, 9, 30)) == date(2024, 4, 1)
    assert period_start(4, "half", date(2024, 10, 1)) == date(2024, 10, 1)
    assert period_start(4, "half", date(2025, 3, 31)) == date(2024, 10, 1)
    assert period_start(1, "half", date(2024, 7, 1)) == date(2024, 7, 1)


def test_a_contract_with_no_end_counts_where_the_commitment_was_made():
    spread = spread_commitment(4, "year", quantity=Decimal(5), value_pence=500, contract_start=date(2020, 1, 1),
                               contract_end=None, committed_on=date(2023, 6, 1))
    assert spread == {date(2023, 4, 1): (500, Decimal("5.000"))}


def test_a_contract_whose_start_is_unknown_counts_where_the_commitment_was_made():
    """A contracts register keeps an unreadable start date as unknown: there is no period to spread over."""
    spread = spread_commitment(4, "half", quantity=Decimal(5), value_pence=500, contract_start=None,
                               contract_end=date(2026, 3, 31), committed_on=date(2024, 11, 1))
    assert spread == {date(2024, 10, 1): (500, Decimal("5.000"))}


def test_a_year_or_half_year_target_period_is_named_as_the_network_names_it():
    from portal.social_value.spreading import period_name

    assert period_name(4, date(2024, 4, 1), date(2025, 3, 31)) == "2024 to 2025"
    assert period_name(4, date(2024, 4, 1), date(2024, 9, 30)) == "H1 2024 to 2025"
    assert period_name(4, date(2024, 10, 1), date(2025, 3, 31)) == "H2 2024 to 2025"
    assert period_name(1, date(2024, 7, 1), date(2024, 12, 31)) == "H2 2024"
    assert period_name(4, date(2024, 4, 1), date(2024, 12, 31)) is None
