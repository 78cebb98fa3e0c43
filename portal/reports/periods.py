"""The report's period: a financial year, or one of its halves, and its spend rows read from the stored totals.

A half-year is the sum of its two quarters' rows (the workers keep month, quarter and
year totals for every breakdown). Where the network's rows count the partners behind a
measure, the sum takes the smaller of the two quarters' counts: never more than the true
count, so a figure only one partner's spend went into is never shown as two partners'.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from portal.dashboard import figures
from portal.spend.totals import MEASURES, add_months

HALVES = {"1": 0, "2": 6}  # ?half=1 or 2: months after the year's start
COUNTS = ("partner_count", "procurable_partner_count", "local_partner_count", "based_partner_count",
          "branched_partner_count", "wider_partner_count", "region_partner_count", "unplaced_partner_count",
          "sme_partner_count", "vcse_partner_count")


@dataclass(frozen=True)
class Period:
    year_start: date
    half: int | None = None  # None: the whole year

    @property
    def start(self) -> date:
        return add_months(self.year_start, 0 if self.half in (None, 1) else 6)

    @property
    def months(self) -> int:
        return 12 if self.half is None else 6

    @property
    def end(self) -> date:
        """Exclusive."""
        return add_months(self.start, self.months)

    @property
    def previous(self) -> Period:
        return Period(add_months(self.year_start, -12), self.half)

    @property
    def label(self) -> str:
        if self.half is None:
            return figures.year_label(self.year_start)
        return f"{self.start:%B %Y} to {add_months(self.end, -1):%B %Y}"


def chosen_half(asked: str | None) -> int | None:
    """``?half=1`` or ``2``; anything else is the whole year."""
    return int(asked) if asked in HALVES else None


def rows_for(read: Callable[[str, str], list], period: Period, breakdown: str) -> list:
    """The period's rows of one breakdown: the year's own, or its two quarters summed key by key.

    ``read(period_type, breakdown)`` gives the stored rows (a partner's or the network's).
    """
    if period.half is None:
        return [r for r in read("year", breakdown) if r.period_start == period.start]
    quarters = [r for r in read("quarter", breakdown) if period.start <= r.period_start < period.end]
    by_key: dict[str, list] = {}
    for row in quarters:
        by_key.setdefault(row.key, []).append(row)
    summed = []
    for key, group in sorted(by_key.items()):
        row = SimpleNamespace(key=key, period_start=period.start,
                              **{m: sum(getattr(r, m) for r in group) for m in MEASURES})
        for count in COUNTS:
            if hasattr(group[0], count):
                setattr(row, count, min(getattr(r, count) for r in group))
        summed.append(row)
    return summed
