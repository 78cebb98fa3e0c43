"""The report's like-with-like figures: to date, delivery against the same commitments, and the year in halves.

Read from the workers' snapshots (``progress_snapshot``) when they are current for
today and the network's policy start date, else added up on demand, like the rest
of the report. The caller is inside the report's scope.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from tenants.models import Network

from . import progress, progress_snapshot, spreading

STATUS_LABELS = {"live": "Live contracts", "completed": "Completed contracts", "all": "All contracts"}


@dataclass(frozen=True)
class PeriodFigures:
    """One year or half-year: commitments spread over it (pro rata by days), and delivery of periods ending in it."""

    label: str
    start: date
    end: date  # the last day
    committed_pence: int
    delivered_pence: int


@dataclass
class LikeForLike:
    to_date: progress.ToDate
    against: list[progress.AgainstCommitments]
    periods: list[PeriodFigures]
    by_measure_in_year: list[dict] = field(default_factory=list)  # the year's spread rows by measure
    # The commitments spread over each year (pence, current valuation) by the year's first day: the report's
    # "committed" figures, so that they set like against like with delivery in the year.
    committed_by_year: dict[date, int] = field(default_factory=dict)
    committed_by_partner_in_year: dict[int, tuple[Decimal, int]] = field(default_factory=dict)
    from_snapshot: bool = False
    measure_labels: dict = field(default_factory=dict)  # filled by the report
    units: dict = field(default_factory=dict)

    def status_rows(self) -> list[progress.AgainstCommitments]:
        """The £ rows: live, completed, all."""
        return [row for row in self.against if row.measure_id is None]

    def measure_rows(self, status: str) -> list[progress.AgainstCommitments]:
        return [row for row in self.against if row.status == status and row.measure_id is not None]


def like_for_like(session: Session, network: Network, ids: Sequence[int], year: int, *, snapshot_current: bool,
                  as_of: date | None = None) -> LikeForLike:
    """The to-date, against-commitments and half-year figures for the report of ``year``."""
    as_of = as_of or date.today()
    stored = progress_snapshot.stored_progress(session, network, ids, as_of) if snapshot_current else None
    if stored is None:
        to_date = progress.to_date(session, network, ids, as_of)
        against = progress.against_commitments(session, network, ids, as_of)
    else:
        to_date, against = stored
    start = date(year, network.financial_year_start_month, 1)
    # The spread does not depend on the day: the snapshot holds whenever nothing is waiting. On demand,
    # every year up to this one (the report's by-year table shows them all), none after it.
    # Each partner's commitments are spread apart, as the workers spread them, so the figures on demand are the
    # snapshot's to the penny (the largest remainder places a sum's odd penny, not each part's).
    end = spreading.add_months(start, 12)
    if snapshot_current:
        rows = progress_snapshot.stored_periods(session, ids)
        by_partner = progress_snapshot.year_committed_by_partner(session, ids, start) if len(ids) > 1 else {}
    else:
        each = {pid: progress_snapshot.period_rows(session, network, pid, window=(date(1900, 1, 1), end)) for pid in ids}
        rows = progress_snapshot.added_up(list(each.values()))
        by_partner = {}
        for pid, partner_rows in each.items():
            mine = [r for r in partner_rows if r["period_type"] == "year" and r["period_start"] == start]
            if len(ids) > 1 and any(r["committed_value_pence"] for r in mine):
                by_partner[pid] = (sum((r["committed_quantity"] for r in mine), Decimal(0)),
                                   sum(r["committed_value_pence"] for r in mine))
    half = spreading.add_months(start, 6)
    periods = [
        _period(rows, "year", start, spreading.add_months(start, 12), "The year"),
        _period(rows, "half", start, half, "First half (H1)"),
        _period(rows, "half", half, spreading.add_months(start, 12), "Second half (H2)"),
    ]
    in_year = [row for row in rows if row["period_type"] == "year" and row["period_start"] == start]
    by_year: dict[date, int] = {}
    for row in rows:
        if row["period_type"] == "year" and row["committed_value_pence"]:
            by_year[row["period_start"]] = by_year.get(row["period_start"], 0) + row["committed_value_pence"]
    return LikeForLike(to_date, against, periods, in_year, from_snapshot=stored is not None, committed_by_year=by_year,
                       committed_by_partner_in_year=by_partner)


def _period(rows, kind: str, start: date, end: date, label: str) -> PeriodFigures:
    mine = [row for row in rows if row["period_type"] == kind and row["period_start"] == start]
    return PeriodFigures(label, start, end - timedelta(days=1), sum(row["committed_value_pence"] for row in mine),
                         sum(row["delivered_value_pence"] for row in mine))


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` as a percentage of ``whole`` to one place (None when the whole is nothing)."""
    return None if not whole else (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))
