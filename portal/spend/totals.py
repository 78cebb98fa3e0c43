"""Spend totals: each partner's snapshot from its lines, and the network's from those.

Plain functions on a session; the caller commits. Every sum is done by
INSERT ... SELECT ... GROUP BY in the database, never a loop over lines in
Python: one statement per partner, which reads its lines once, and one for the
network. A recompute deletes and rebuilds whole periods, so running it twice
gives the same rows (the tasks rely on that to be retried safely).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import (
    String,
    and_,
    case,
    cast,
    delete,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    true,
    union_all,
)
from sqlalchemy.orm import Session

from portal.suppliers.models import Supplier
from tenants import network_wide, tenant_context
from tenants.models import Network, Organisation, utcnow

from .models import BREAKDOWNS, PERIOD_TYPES, NetworkSpendTotal, SpendLine, SpendPeriod, SpendTotal
from .procurable import LOCAL_LOCALITIES, effective_locality, procurable_condition

MEASURES = (
    "total_pence", "procurable_pence", "local_pence", "based_pence", "branched_pence", "wider_pence",
    "region_pence", "unplaced_pence", "sme_pence", "vcse_pence", "employee_owned_pence", "living_wage_pence",
    "line_count", "local_line_count",
)
# The network's totals count the partners behind these measures: the public summary shows a
# combined figure only when at least two partners' spend went into it (dashboard/public.py).
PARTNER_COUNTED = ("procurable", "local", "based", "branched", "wider", "region", "unplaced", "sme", "vcse")
# Namespaces for pg_advisory_xact_lock(namespace, id): one recompute of a partner, one
# writer of a network's calendar, one of its network totals at a time (two would write
# the same keys). Always taken in that order, partners by ascending id: no deadlocks.
_PARTNER_LOCK, _CALENDAR_LOCK, _NETWORK_LOCK = 73_101, 73_102, 73_103

Period = tuple[str, date]  # (period_type, period_start)


def first_of_month(day: date) -> date:
    """The first day of that date's month."""
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    """The first of the month ``count`` months after ``month``."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def period_starts(month: date, fy_start_month: int) -> tuple[date, date]:
    """(quarter_start, year_start) of a month, for a financial year starting in ``fy_start_month``."""
    year = month.year if month.month >= fy_start_month else month.year - 1
    year_start = date(year, fy_start_month, 1)
    into_year = (month.month - fy_start_month) % 12
    return add_months(year_start, into_year - into_year % 3), year_start


def ensure_periods(session: Session, network: Network, months: Iterable[date]) -> None:
    """SpendPeriod rows exist for these months, placed by the network's financial year."""
    wanted = {first_of_month(m): period_starts(first_of_month(m), network.financial_year_start_month) for m in months}
    if not wanted:
        return
    existing = {
        p.month: p
        for p in session.scalars(
            select(SpendPeriod).where(SpendPeriod.network_id == network.id, SpendPeriod.month.in_(sorted(wanted)))
        )
    }
    missing = [
        {"network_id": network.id, "month": m, "quarter_start": q, "year_start": y}
        for m, (q, y) in sorted(wanted.items())
        if m not in existing
    ]
    # The network changed its financial year: the calendar follows (totals need recomputing).
    moved = [p for m, p in existing.items() if (p.quarter_start, p.year_start) != wanted[m]]
    if not (missing or moved):
        return
    _lock(session, _CALENDAR_LOCK, network.id)
    if missing:
        # Added meanwhile by a recompute that held the lock before us: let its rows stand.
        session.execute(_insert_ignoring_duplicates(session, SpendPeriod.__table__), missing)
    for period in moved:
        period.quarter_start, period.year_start = wanted[period.month]
    session.flush()


def _insert_ignoring_duplicates(session: Session, table):
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:  # pragma: no cover - the portal runs on these two
        raise RuntimeError(f"no upsert for {dialect}")
    return dialect_insert(table).on_conflict_do_nothing()


def _lock(session: Session, namespace: int, key: int) -> None:
    # SQLite serialises writers anyway; PostgreSQL needs telling.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:ns, :key)"), {"ns": namespace, "key": key})


def recompute_partner_totals(
    session: Session, network: Network, organisation_id: int, months: Iterable[date] | None = None
) -> list[Period] | None:
    """Rebuild the partner's SpendTotal rows for every period holding one of ``months`` (None: all).

    Returns the periods rebuilt (None when all were), for the network recompute.
    """
    organisation = session.get(Organisation, organisation_id)
    if organisation is None or organisation.network_id != network.id:
        raise ValueError(f"organisation {organisation_id} is not a partner of network {network.id}")
    with tenant_context(organisation_id):
        _lock(session, _PARTNER_LOCK, organisation_id)
        periods = None if months is None else _periods_of(session, network, {first_of_month(m) for m in months})
        if periods == []:
            return periods
        _ensure_periods_for_lines(session, network, organisation_id, periods)
        session.execute(
            delete(SpendTotal)
            .where(SpendTotal.organisation_id == organisation_id, _period_condition(SpendTotal, periods))
            .execution_options(synchronize_session="fetch")
        )
        computed_at = utcnow()
        statement = _partner_insert(network, organisation_id, periods, computed_at)
        if statement is not None:
            session.execute(statement)
        session.flush()
    return periods


def _periods_of(session: Session, network: Network, months: set[date]) -> list[Period]:
    """The month, quarter and year periods that contain these months."""
    ensure_periods(session, network, months)
    rows = session.execute(
        select(SpendPeriod.month, SpendPeriod.quarter_start, SpendPeriod.year_start).where(
            SpendPeriod.network_id == network.id, SpendPeriod.month.in_(sorted(months))
        )
    )
    periods = set()
    for month, quarter_start, year_start in rows:
        periods |= {("month", month), ("quarter", quarter_start), ("year", year_start)}
    return sorted(periods)


def _ensure_periods_for_lines(session: Session, network: Network, organisation_id: int, periods: list[Period] | None) -> None:
    # A year is rebuilt from all its months' lines, so each of those months needs its calendar row.
    query = select(SpendLine.month).distinct().where(SpendLine.organisation_id == organisation_id)
    if periods is not None:
        years = [start for kind, start in periods if kind == "year"]
        query = query.where(SpendLine.month >= min(years), SpendLine.month < add_months(max(years), 12))
    ensure_periods(session, network, session.scalars(query).all())


def _period_condition(table, periods: list[Period] | None):
    """SQL for "the row's period is one of these" (true when ``periods`` is None)."""
    if periods is None:
        return true()
    by_type: dict[str, list[date]] = {}
    for period_type, start in periods:
        by_type.setdefault(period_type, []).append(start)
    if not by_type:
        return false()
    return or_(*(and_(table.period_type == t, table.period_start.in_(starts)) for t, starts in by_type.items()))


def _partner_insert(network, organisation_id, periods, computed_at):
    """INSERT INTO spend_totals: every period type and breakdown, from one read of the lines.

    The lines are added up once, to the finest grain the figures need (month x supplier x
    category: a supplier fixes the district and every flag, so each measure of a group is
    its sum or nothing). That small set, joined to the calendar and the suppliers, is then
    rolled up fifteen ways (month / quarter / year by all / district / category / ward / IMD
    decile) with UNION ALL:
    plain SQL both dialects run, sums of integers all the way, so the figures are exactly
    those of a GROUP BY over the lines.
    """
    fine_where = [SpendLine.organisation_id == organisation_id]
    if periods is not None:
        # Only the lines of the rebuilt periods: every one lies in [earliest start, latest end).
        span = {"month": 1, "quarter": 3, "year": 12}
        fine_where += [
            SpendLine.month >= min(start for _, start in periods),
            SpendLine.month < max(add_months(start, span[kind]) for kind, start in periods),
        ]
    # Row-level security is the wall; the organisation condition is for the query plan (and SQLite).
    fine = (
        select(
            SpendLine.month,
            SpendLine.supplier_id,
            SpendLine.category,
            func.sum(SpendLine.amount_pence).label("amount"),
            func.count().label("lines"),
        )
        .where(*fine_where)
        .group_by(SpendLine.month, SpendLine.supplier_id, SpendLine.category)
        .cte("fine_spend")
    )
    amount, lines = fine.c.amount, fine.c.lines
    procurable = procurable_condition(network.excluded_kinds)
    place = effective_locality()
    local = and_(procurable, place.in_(LOCAL_LOCALITIES))

    def pence_where(*conditions):
        return case((and_(procurable, *conditions), amount), else_=0)

    measures = {
        "total_pence": amount,
        "procurable_pence": case((procurable, amount), else_=0),
        "local_pence": case((local, amount), else_=0),
        **{f"{tier}_pence": pence_where(place == tier) for tier in ("based", "branched", "wider", "region")},
        # No place known: NULL locality (the outer join gives NULL for a line with no supplier too).
        "unplaced_pence": pence_where(place.is_(None)),
        "sme_pence": pence_where(Supplier.is_sme.is_(True)),
        "vcse_pence": pence_where(Supplier.kind == "vcse"),
        "employee_owned_pence": pence_where(Supplier.employee_owned.is_(True)),
        "living_wage_pence": pence_where(Supplier.living_wage_accredited.is_(True)),
        "line_count": lines,
        "local_line_count": case((local, lines), else_=0),
    }
    detail = (
        select(
            fine.c.month,
            SpendPeriod.quarter_start.label("quarter"),
            SpendPeriod.year_start.label("year"),
            func.coalesce(Supplier.district_code, "").label("district"),
            func.coalesce(Supplier.ward_code, "").label("ward"),
            func.coalesce(cast(Supplier.imd_decile, String), "").label("imd"),
            func.coalesce(fine.c.category, "").label("category"),
            *(value.label(name) for name, value in measures.items()),
        )
        .select_from(fine)
        .join(SpendPeriod, and_(SpendPeriod.network_id == network.id, SpendPeriod.month == fine.c.month))
        .outerjoin(Supplier, Supplier.id == fine.c.supplier_id)
        .cte("detail_spend")
    )

    columns = ["organisation_id", "period_type", "period_start", "breakdown", "key", *measures, "computed_at"]
    rollups = []
    for period_type in PERIOD_TYPES:
        period_start = detail.c[period_type]
        in_periods = true()
        if periods is not None:
            starts = [start for kind, start in periods if kind == period_type]
            if not starts:
                continue
            in_periods = period_start.in_(starts)
        for breakdown in BREAKDOWNS:
            key = None if breakdown == "all" else detail.c[breakdown]
            rollups.append(
                select(
                    literal(organisation_id),
                    literal(period_type),
                    period_start,
                    literal(breakdown),
                    literal("") if key is None else key,
                    *(func.sum(detail.c[name]) for name in measures),
                    literal(computed_at, SpendTotal.computed_at.type),
                )
                .where(in_periods)
                .group_by(period_start, *([] if key is None else [key]))
            )
    if not rollups:
        return None
    return insert(SpendTotal.__table__).from_select(columns, union_all(*rollups))


def recompute_network_totals(session: Session, network: Network, periods: Iterable[Period] | None = None) -> None:
    """Rebuild NetworkSpendTotal rows for these periods (None: all) as sums of the partners' rows."""
    periods = None if periods is None else sorted(set(periods))
    partner_ids = session.scalars(select(Organisation.id).where(Organisation.network_id == network.id)).all()
    with network_wide(partner_ids, reason="network totals"):
        _lock(session, _NETWORK_LOCK, network.id)
        session.execute(
            delete(NetworkSpendTotal)
            .where(NetworkSpendTotal.network_id == network.id, _period_condition(NetworkSpendTotal, periods))
            .execution_options(synchronize_session="fetch")
        )
        if partner_ids:
            session.execute(_network_insert(network, partner_ids, periods))
        session.flush()


def _network_insert(network, partner_ids, periods):
    """INSERT INTO network_spend_totals SELECT sums FROM spend_totals GROUP BY period and key."""
    group = (SpendTotal.period_type, SpendTotal.period_start, SpendTotal.breakdown, SpendTotal.key)
    columns = {
        "network_id": literal(network.id),
        **{column.key: column for column in group},
        **{name: func.sum(getattr(SpendTotal, name)) for name in MEASURES},
        # Partners with lines behind this row: a partner has a row only where it has lines.
        "partner_count": func.count(SpendTotal.organisation_id.distinct()),
        "sole_partner_id": case((func.count(SpendTotal.organisation_id.distinct()) == 1, func.min(SpendTotal.organisation_id))),
        **{f"{measure}_partner_count": _partners_with(getattr(SpendTotal, f"{measure}_pence"))
           for measure in PARTNER_COUNTED},
        "computed_at": literal(utcnow(), NetworkSpendTotal.computed_at.type),
    }
    query = (
        select(*(value.label(name) for name, value in columns.items()))
        .where(SpendTotal.organisation_id.in_(partner_ids), _period_condition(SpendTotal, periods))
        .group_by(*group)
    )
    return insert(NetworkSpendTotal.__table__).from_select(list(columns), query)


def _partners_with(pence):
    """How many partners have some of this measure in a row (count ignores the NULLs of the others)."""
    return func.count(case((pence != 0, SpendTotal.organisation_id)).distinct())


def recompute_all(session: Session, network: Network) -> None:
    """Rebuild every partner's totals and the network's from scratch (the nightly job)."""
    partner_ids = session.scalars(
        select(Organisation.id).where(Organisation.network_id == network.id).order_by(Organisation.id)
    ).all()
    # Every partner's lock first, in id order, before any calendar or network lock.
    for organisation_id in partner_ids:
        _lock(session, _PARTNER_LOCK, organisation_id)
    for organisation_id in partner_ids:
        recompute_partner_totals(session, network, organisation_id)
    recompute_network_totals(session, network)
