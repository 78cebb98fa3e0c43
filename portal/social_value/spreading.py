"""Spreading a commitment over the periods it covers, pro rata by days, so that the parts add up exactly.

A commitment is a promise over the contract period (or over each of its profile
years); a year or half-year view shows the part of it that falls in that
period. Days decide the shares; the whole is split with the largest remainder
method (Hamilton's), so the parts are whole pence (or thousandths of a unit)
that add up to the whole exactly, never a penny lost or made by rounding.

Periods are the network's financial years and their halves: H1 is the first
six months of the network's year, H2 the last six.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

PERIOD_KINDS = ("year", "half")
_THOUSANDTH = Decimal("0.001")


def largest_remainder(whole: int, weights: Sequence[int]) -> list[int]:
    """``whole`` split in proportion to ``weights`` into integers that add up to ``whole`` exactly.

    Each part gets the floor of its exact share; the units left over go one each to the
    parts with the largest remainders (ties to the earlier part, so the answer is stable).
    A negative whole is split as its opposite and negated; all-zero weights put it all in
    the first part.
    """
    if not weights:
        raise ValueError("nothing to spread over")
    if any(w < 0 for w in weights):
        raise ValueError("weights cannot be negative")
    if whole < 0:
        return [-part for part in largest_remainder(-whole, weights)]
    total = sum(weights)
    if total == 0:
        return [whole] + [0] * (len(weights) - 1)
    floors = [whole * w // total for w in weights]
    remainders = [whole * w % total for w in weights]
    left = whole - sum(floors)
    for index in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:left]:
        floors[index] += 1
    return floors


def split_quantity(quantity: Decimal, weights: Sequence[int]) -> list[Decimal]:
    """A quantity (kept to thousandths) split like ``largest_remainder``: the parts add up to it exactly."""
    thousandths = int((Decimal(quantity) / _THOUSANDTH).to_integral_value())
    return [(Decimal(part) * _THOUSANDTH).quantize(_THOUSANDTH) for part in largest_remainder(thousandths, weights)]


def add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after ``day``'s month (``day`` is a first of the month)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_start(fy_start_month: int, kind: str, day: date) -> date:
    """The first day of the year or half-year (of a year starting in ``fy_start_month``) that holds ``day``."""
    if kind not in PERIOD_KINDS:
        raise ValueError(f"a period is one of {PERIOD_KINDS}, not {kind!r}")
    year = day.year if day.month >= fy_start_month else day.year - 1
    start = date(year, fy_start_month, 1)
    if kind == "half" and day >= add_months(start, 6):
        start = add_months(start, 6)
    return start


def period_end(kind: str, start: date) -> date:
    """The day after the period that starts on ``start`` ends (periods are [start, end))."""
    return add_months(start, 12 if kind == "year" else 6)


def periods_between(fy_start_month: int, kind: str, start: date, end: date) -> list[tuple[date, date]]:
    """Every period [start, end) that overlaps the span [start, end), in order."""
    found = []
    at = period_start(fy_start_month, kind, start)
    while at < end:
        found.append((at, period_end(kind, at)))
        at = found[-1][1]
    return found


def _days_in(span: tuple[date, date], period: tuple[date, date]) -> int:
    return max(0, (min(span[1], period[1]) - max(span[0], period[0])).days)


def spread_over_periods(fy_start_month: int, kind: str, span: tuple[date, date], value_pence: int,
                        quantity: Decimal) -> dict[date, tuple[int, Decimal]]:
    """(pence, quantity) of a promise over the days [span start, span end), by period start: pro rata by days.

    A span with no days (end on or before its start) falls wholly in the period of its start.
    """
    start, end = span
    if end <= start:
        return {period_start(fy_start_month, kind, start): (value_pence, Decimal(quantity).quantize(_THOUSANDTH))}
    starts, days = _periods_and_days(fy_start_month, kind, start, end)
    pence = largest_remainder(value_pence, days)
    quantities = split_quantity(quantity, days)
    return {at: (p, q) for at, p, q in zip(starts, pence, quantities) if p or q}


@lru_cache(maxsize=4096)
def _periods_and_days(fy_start_month: int, kind: str, start: date, end: date) -> tuple[tuple[date, ...], tuple[int, ...]]:
    # Many commitments share a contract's span (a recompute spreads thousands): work each span out once.
    periods = periods_between(fy_start_month, kind, start, end)
    return tuple(p[0] for p in periods), tuple(_days_in((start, end), p) for p in periods)


def commitment_spans(contract_start: date | None, contract_end: date | None, committed_on: date,
                     profile: Sequence[tuple[date, Decimal]]) -> list[tuple[tuple[date, date], Decimal]]:
    """The spans a commitment covers, each with the quantity promised over it.

    With a profile, each profile year runs from its ``year_start`` to the next one's (the
    last to the contract's end, or a year on when it has none). Without, the whole
    quantity runs over the contract, from its start to its end (inclusive). A contract with
    no end date has no period to spread over: the promise counts where it was made; so does one
    whose start is unknown (a contracts register line whose start date could not be read).
    """
    if profile:
        rows = sorted(profile)
        spans = []
        for index, (year_start, quantity) in enumerate(rows):
            if index + 1 < len(rows):
                until = rows[index + 1][0]
            else:
                year_on = add_months(year_start.replace(day=1), 12) + timedelta(days=year_start.day - 1)
                until = min(year_on, contract_end + timedelta(days=1)) if contract_end else year_on
            spans.append(((year_start, max(until, year_start + timedelta(days=1))), Decimal(quantity)))
        return spans
    if contract_end is None or contract_start is None:
        return [((committed_on, committed_on), None)]
    return [((contract_start, contract_end + timedelta(days=1)), None)]


def spread_commitment(fy_start_month: int, kind: str, *, quantity: Decimal, value_pence: int, contract_start: date | None,
                      contract_end: date | None, committed_on: date,
                      profile: Sequence[tuple[date, Decimal]] = ()) -> dict[date, tuple[int, Decimal]]:
    """A commitment's £ and quantity by year or half-year: over its profile years when it has them, else its contract.

    The £ is first split between profile years in proportion to their quantities (largest
    remainder), then each year's share by days; so every level adds up exactly.
    """
    spans = commitment_spans(contract_start, contract_end, committed_on, profile)
    if spans[0][1] is None:
        parts = [(spans[0][0], value_pence, Decimal(quantity))]
    else:
        weights = [int((q / _THOUSANDTH).to_integral_value()) for _, q in spans]
        parts = [(span, p, q) for (span, q), p in zip(spans, largest_remainder(value_pence, weights))]
    found: dict[date, tuple[int, Decimal]] = {}
    for span, pence, part_quantity in parts:
        for start, (p, q) in spread_over_periods(fy_start_month, kind, span, pence, part_quantity).items():
            before = found.get(start, (0, Decimal(0)))
            found[start] = (before[0] + p, (before[1] + q).quantize(_THOUSANDTH))
    return dict(sorted(found.items()))


def period_name(fy_start_month: int, start: date, end: date) -> str | None:
    """"2024 to 2025", "H1 2024 to 2025" or "H2 ..." when [start, end] (inclusive) is one of the network's years or halves."""
    year = period_start(fy_start_month, "year", start)
    named = f"{year.year} to {year.year + 1}" if year.month != 1 else str(year.year)
    last = end + timedelta(days=1)
    if start == year and last == period_end("year", year):
        return named
    for half, label in ((year, "H1"), (add_months(year, 6), "H2")):
        if start == half and last == period_end("half", half):
            return f"{label} {named}"
    return None
