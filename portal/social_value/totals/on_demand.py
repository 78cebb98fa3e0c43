"""Figures added up in the database on demand: committed and delivered, grouped the ways the report asks."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Integer, String, func, literal, select, union_all
from sqlalchemy.orm import Session

from tenants.models import Network

from ..models import Commitment, Contract, DeliveryReport, Measure
from .years import _year_expression

GROUPS = ("theme", "measure", "partner", "route", "year", "contract")
_THOUSANDTH = Decimal("0.001")


@dataclass(frozen=True)
class Total:
    """One group's sums: ``key`` holds the group values in the order asked for."""

    key: tuple
    quantity: Decimal
    value_pence: int  # as committed
    current_value_pence: int  # re-based where re-based
    count: int  # commitments, or verified reports


def headline_measures(network: Network, headline: str):
    """SELECT of the ids of the network's measures the catalogue tags with ``headline`` (see ``HEADLINES``)."""
    return select(Measure.id).where(Measure.network_id == network.id, Measure.headline == headline)


def _group_columns(network: Network, by: Sequence[str], dated):
    columns = []
    for group in by:
        if group == "theme":
            columns.append(Measure.theme_id.label("theme"))
        elif group == "measure":
            columns.append(Commitment.measure_id.label("measure"))
        elif group == "partner":
            columns.append(Commitment.organisation_id.label("partner"))
        elif group == "route":
            columns.append(Contract.route.label("route"))
        elif group == "year":
            columns.append(_year_expression(network, dated))
        elif group == "contract":
            columns.append(Commitment.contract_id.label("contract"))
        else:
            raise ValueError(f"cannot group social value totals by {group!r}; one of {GROUPS}")
    return columns


def _query(network, organisation_ids, by, dated, sums, base, start, end, measure_ids):
    columns = _group_columns(network, by, dated)
    query = select(*columns, *sums).select_from(base)
    if base is DeliveryReport:
        query = query.join(Commitment, Commitment.id == DeliveryReport.commitment_id)
    query = query.where(Commitment.organisation_id.in_(list(organisation_ids)))
    if "theme" in by:
        query = query.join(Measure, Measure.id == Commitment.measure_id)
    if "route" in by:
        query = query.join(Contract, Contract.id == Commitment.contract_id)
    if start is not None:
        query = query.where(dated >= start)
    if end is not None:
        query = query.where(dated < end)
    if measure_ids is not None:
        query = query.where(Commitment.measure_id.in_(measure_ids))
    return query.group_by(*columns).order_by(*columns)


def _totals(session: Session, query, width: int) -> list[Total]:
    return [
        Total(tuple(row[:width]), Decimal(str(row[width] or 0)).quantize(_THOUSANDTH), int(row[width + 1] or 0),
              int(row[width + 2] or 0), int(row[width + 3]))
        for row in session.execute(query)
    ]


def committed(
    session: Session, network: Network, organisation_ids: Sequence[int], *, by: Sequence[str] = (),
    start: date | None = None, end: date | None = None, measure_ids=None,
) -> list[Total]:
    """Commitments made in [start, end), summed by the groups in ``by`` (none: one grand total)."""
    sums = (
        func.sum(Commitment.quantity),
        func.sum(Commitment.committed_value_pence),
        func.sum(func.coalesce(Commitment.rebased_value_pence, Commitment.committed_value_pence)),
        func.count(Commitment.id),
    )
    query = _query(network, organisation_ids, by, Commitment.committed_on, sums, Commitment, start, end, measure_ids)
    return _totals(session, query, len(by))


def delivered(
    session: Session, network: Network, organisation_ids: Sequence[int], *, by: Sequence[str] = (),
    start: date | None = None, end: date | None = None, measure_ids=None,
) -> list[Total]:
    """Verified delivery of periods ending in [start, end), summed by the groups in ``by``."""
    sums = (
        func.sum(DeliveryReport.quantity),
        func.sum(DeliveryReport.value_pence),
        func.sum(func.coalesce(DeliveryReport.rebased_value_pence, DeliveryReport.value_pence)),
        func.count(DeliveryReport.id),
    )
    query = _query(network, organisation_ids, by, DeliveryReport.period_end, sums, DeliveryReport, start, end, measure_ids)
    query = query.where(DeliveryReport.status == "verified", DeliveryReport.organisation_id.in_(list(organisation_ids)))
    return _totals(session, query, len(by))


BREAKDOWNS = ("all", "theme", "measure", "partner", "route")


def breakdowns(
    session: Session, network: Network, organisation_ids: Sequence[int], *, source: str, start: date, end: date,
) -> dict[str, list[Total]]:
    """Committed (``source="committed"``) or delivered £ in [start, end) by theme, measure, partner and route, and overall.

    One statement: the rows are added up once by measure, partner and route (a
    few hundred groups at most), and that small set is rolled up the other ways
    with UNION ALL, in SQL that PostgreSQL and SQLite both run. The same figures
    as ``committed``/``delivered`` grouped each way, for a fraction of the reading.
    """
    if source == "committed":
        dated, base = Commitment.committed_on, Commitment
        sums = (Commitment.quantity, Commitment.committed_value_pence,
                func.coalesce(Commitment.rebased_value_pence, Commitment.committed_value_pence), Commitment.id)
    elif source == "delivered":
        dated, base = DeliveryReport.period_end, DeliveryReport
        sums = (DeliveryReport.quantity, DeliveryReport.value_pence,
                func.coalesce(DeliveryReport.rebased_value_pence, DeliveryReport.value_pence), DeliveryReport.id)
    else:
        raise ValueError(f"source is committed or delivered, not {source!r}")
    by = ("measure", "partner", "route")
    fine = _query(network, organisation_ids, by, dated,
                  (func.sum(sums[0]).label("q"), func.sum(sums[1]).label("v"), func.sum(sums[2]).label("cv"),
                   func.count(sums[3]).label("n")), base, start, end, None).order_by(None)
    if base is DeliveryReport:
        fine = fine.where(DeliveryReport.status == "verified", DeliveryReport.organisation_id.in_(list(organisation_ids)))
    fine = fine.cte("fine")
    measure_theme = select(Measure.id, Measure.theme_id).where(Measure.network_id == network.id).subquery("measure_theme")
    totals_of = (func.sum(fine.c.q), func.sum(fine.c.v), func.sum(fine.c.cv), func.sum(fine.c.n))
    none_int, none_text = literal(None, Integer), literal(None, String)
    parts = [
        select(literal("all"), none_int, none_text, *totals_of).select_from(fine).having(func.count() > 0),
        select(literal("theme"), measure_theme.c.theme_id, none_text, *totals_of)
        .select_from(fine).join(measure_theme, measure_theme.c.id == fine.c.measure).group_by(measure_theme.c.theme_id),
        select(literal("measure"), fine.c.measure, none_text, *totals_of).group_by(fine.c.measure),
        select(literal("partner"), fine.c.partner, none_text, *totals_of).group_by(fine.c.partner),
        select(literal("route"), none_int, fine.c.route, *totals_of).group_by(fine.c.route),
    ]
    found: dict[str, list[Total]] = {name: [] for name in BREAKDOWNS}
    for name, key_int, key_text, q, v, cv, n in session.execute(union_all(*parts)):
        key = key_text if name == "route" else key_int
        found[name].append(Total(() if name == "all" else (key,), Decimal(str(q or 0)).quantize(_THOUSANDTH),
                                 int(v or 0), int(cv or 0), int(n or 0)))
    for rows in found.values():
        rows.sort(key=lambda t: t.key)
    return found


def grand_total(totals: list[Total]) -> Total:
    """The one row of an ungrouped total (zeros when there was nothing to add up)."""
    return totals[0] if totals else Total((), Decimal(0).quantize(_THOUSANDTH), 0, 0, 0)


def years_with_figures(session: Session, network: Network, organisation_ids: Sequence[int]) -> list[int]:
    """The financial years (by starting calendar year) with a commitment or verified delivery, latest first."""
    years = {t.key[0] for t in committed(session, network, organisation_ids, by=("year",))}
    years |= {t.key[0] for t in delivered(session, network, organisation_ids, by=("year",))}
    return sorted((int(y) for y in years), reverse=True)
