"""Each benchmark beside the network's own figure computed the same way, from the workers' stored spend totals.

The network's figure is read from its combined "year" rows (and, for the report's own
period, ``portal.reports.periods.rows_for``, which sums a half-year's quarters), using the
definition's measures: never recomputed from lines. To a partner reading the network's
report a figure only one partner's spend went into is withheld, as everywhere else.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from portal.spend.queries import share
from tenants.models import Network

from . import records
from .definitions import DEFINITIONS, Definition
from .models import Benchmark

NOT_COMPUTABLE = "Not computable: the portal cannot compute this definition"
NO_SPEND = "No spend held for the year"
WITHHELD = "Withheld: only one partner's spend is in it"


@dataclass(frozen=True)
class OwnFigure:
    """The network's figure by one definition for one period: pence and share, or why there is none."""

    pence: int | None = None
    share: Decimal | None = None
    missing: str | None = None  # NOT_COMPUTABLE, NO_SPEND or WITHHELD


@dataclass(frozen=True)
class Comparison:
    benchmark: Benchmark
    definition: Definition
    same_year: OwnFigure  # the benchmark's own year
    report_period: OwnFigure  # the report's year or half

    @property
    def their_figure(self) -> Decimal | int:
        return self.benchmark.percent if self.benchmark.percent is not None else self.benchmark.pence


def own_figure(definition: Definition, row, withheld: Callable[[object], frozenset] | None = None) -> OwnFigure:
    """The network's figure by ``definition`` from one stored totals row (None: no spend that year)."""
    if not definition.computable:
        return OwnFigure(missing=NOT_COMPUTABLE)
    if row is None:
        return OwnFigure(missing=NO_SPEND)
    if withheld is not None and set(definition.headline_keys) & withheld(row):
        return OwnFigure(missing=WITHHELD)
    pence = sum(getattr(row, measure) for measure in definition.numerator)
    return OwnFigure(pence, share(pence, getattr(row, definition.share_of)))


def compare(session: Session, network: Network, year_rows: list, period_row,
            withheld: Callable[[object], frozenset] | None = None) -> list[Comparison]:
    """Every benchmark of the network beside its own figure for the benchmark's year and for the report's period.

    ``year_rows`` are the network's stored "all" rows by financial year; ``period_row`` the
    report period's. Read them in a scope over the network's partners.
    """
    by_start = {row.period_start: row for row in year_rows}
    out = []
    for benchmark in records.benchmarks(session, network):
        definition = DEFINITIONS[benchmark.definition]
        start = date(benchmark.year, network.financial_year_start_month, 1)
        out.append(Comparison(benchmark, definition, own_figure(definition, by_start.get(start), withheld),
                              own_figure(definition, period_row, withheld)))
    return out
