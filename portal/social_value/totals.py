"""Social value totals: added up in the database on demand, and kept as snapshots by workers.

Every figure is one ``SELECT ... GROUP BY`` over commitments or delivery
reports, or an ``INSERT ... SELECT ... GROUP BY`` into the snapshot tables
(``models/totals.py``); nothing loops over rows in Python. Each change queues a
recompute of the partner's years it touched (``tasks.queue_totals_refresh``)
and leaves a "waiting" mark in its own transaction; the worker rebuilds those
years and the network's, and clears the marks; a nightly job rebuilds all. The
annual report reads the snapshots, and adds up on demand (the functions
below) only while a mark is waiting, so it never shows figures older than the
last commit. ``bench/social_value_totals.py`` times both against hand-written SQL.

Definitions, in the words the report uses:

- **Committed** in a financial year: commitments made (``committed_on``) in it.
- **Delivered** in a financial year: *verified* delivery reports whose period
  ends in it. Reported and rejected reports never count, and a report is one
  row for ever, so it is counted at most once.
- **£ as committed** is the value at the proxy in force when the commitment was
  made; **£ current** is the re-based value where the network re-based and
  the value as committed otherwise (as ``Commitment.current_value_pence``).
- A **quantity** is only added up within one measure (units differ).
- **Apprenticeship weeks**, **local jobs (FTE)** and **spend with local SMEs**:
  the measures the catalogue tags with that headline (``Measure.headline``, a
  column of the measures import), never guessed from a description's words.

Functions take the partners whose figures are wanted and also filter on them
(for the query plan); the caller opens the scope that lets them be read: the
partner's ``tenant_context``, or ``network_wide`` for the lead.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    Integer,
    String,
    case,
    cast,
    delete,
    extract,
    func,
    insert,
    literal,
    literal_column,
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

from . import progress_snapshot
from .models import (
    Commitment,
    Contract,
    DeliveryBeneficiaryCount,
    DeliveryReport,
    Measure,
    NetworkSocialValueBeneficiaryTotal,
    NetworkSocialValueTotal,
    SocialValueBeneficiaryTotal,
    SocialValueContractTotal,
    SocialValueTotal,
    SocialValueTotalsPending,
)

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


def year_start(network: Network, year: int) -> date:
    """The first day of the network's financial year that starts in calendar ``year``."""
    return date(year, network.financial_year_start_month, 1)


def year_range(network: Network, year: int) -> tuple[date, date]:
    """[start, end) of that financial year."""
    return year_start(network, year), year_start(network, year + 1)


def year_of(network: Network, day: date) -> int:
    """The calendar year in which the financial year holding ``day`` starts."""
    return day.year if day.month >= network.financial_year_start_month else day.year - 1


def _year_expression(network: Network, column):
    """SQL for ``year_of(network, column)``: portable between PostgreSQL and SQLite."""
    month = network.financial_year_start_month
    return (extract("year", column) - case((extract("month", column) < month, 1), else_=0)).label("year")


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


@dataclass(frozen=True)
class ContractTotal:
    """A contract with what was committed and delivered on it in the period."""

    contract_id: int
    organisation_id: int
    reference: str
    title: str
    supplier: str
    route: str
    committed_pence: int
    committed_current_pence: int
    delivered_pence: int
    delivered_current_pence: int


def top_contracts(
    session: Session, organisation_ids: Sequence[int], *, start: date, end: date, order: str = "committed", limit: int = 10,
) -> list[ContractTotal]:
    """The contracts with most committed (or delivered) £ (current valuation) in [start, end), largest first."""
    ids = list(organisation_ids)
    made = (
        select(
            Commitment.contract_id.label("contract_id"),
            func.sum(Commitment.committed_value_pence).label("value"),
            func.sum(func.coalesce(Commitment.rebased_value_pence, Commitment.committed_value_pence)).label("current"),
        )
        .where(Commitment.organisation_id.in_(ids), Commitment.committed_on >= start, Commitment.committed_on < end)
        .group_by(Commitment.contract_id)
        .subquery("made")
    )
    done = (
        select(
            Commitment.contract_id.label("contract_id"),
            func.sum(DeliveryReport.value_pence).label("value"),
            func.sum(func.coalesce(DeliveryReport.rebased_value_pence, DeliveryReport.value_pence)).label("current"),
        )
        .select_from(DeliveryReport)
        .join(Commitment, Commitment.id == DeliveryReport.commitment_id)
        .where(DeliveryReport.organisation_id.in_(ids), DeliveryReport.status == "verified",
               DeliveryReport.period_end >= start, DeliveryReport.period_end < end)
        .group_by(Commitment.contract_id)
        .subquery("done")
    )
    ranked = (made if order == "committed" else done).c.current
    query = (
        select(
            Contract.id, Contract.organisation_id, Contract.reference, Contract.title,
            func.coalesce(Supplier.name, Contract.supplier_name_as_given, literal("")), Contract.route,
            func.coalesce(made.c.value, 0), func.coalesce(made.c.current, 0),
            func.coalesce(done.c.value, 0), func.coalesce(done.c.current, 0),
        )
        .select_from(Contract)
        .outerjoin(made, made.c.contract_id == Contract.id)
        .outerjoin(done, done.c.contract_id == Contract.id)
        .outerjoin(Supplier, Supplier.id == Contract.supplier_id)
        .where(Contract.organisation_id.in_(ids), ranked > 0)
        .order_by(ranked.desc(), Contract.reference, Contract.id)
        .limit(limit)
    )
    return [ContractTotal(*row[:6], *(int(v) for v in row[6:])) for row in session.execute(query)]


def top_contracts_from_snapshot(
    session: Session, organisation_ids: Sequence[int], *, year: int, order: str = "committed", limit: int = 10,
) -> list[ContractTotal]:
    """``top_contracts`` for one financial year, read from the workers' per-contract rows (the same order)."""
    t = SocialValueContractTotal
    ranked = t.committed_current_pence if order == "committed" else t.delivered_current_pence
    mine = (t.organisation_id.in_(list(organisation_ids)), t.year == year, ranked > 0)
    # The ``limit``-th largest figure, from the snapshot alone: only rows reaching it are joined to their
    # contracts (ties at it included, so the order by reference stays exact), not the year's every contract.
    least = select(ranked).where(*mine).order_by(ranked.desc()).offset(limit - 1).limit(1).scalar_subquery()
    query = (
        select(Contract.id, Contract.organisation_id, Contract.reference, Contract.title,
               func.coalesce(Supplier.name, Contract.supplier_name_as_given, literal("")), Contract.route,
               t.committed_value_pence, t.committed_current_pence, t.delivered_value_pence, t.delivered_current_pence)
        .select_from(t)
        .join(Contract, Contract.id == t.contract_id)
        .outerjoin(Supplier, Supplier.id == Contract.supplier_id)
        .where(*mine, ranked >= func.coalesce(least, 1))
        .order_by(ranked.desc(), Contract.reference, Contract.id)
        .limit(limit)
    )
    return [ContractTotal(*row[:6], *(int(v) for v in row[6:])) for row in session.execute(query)]


@dataclass(frozen=True)
class LivingWageContract:
    contract_id: int
    organisation_id: int
    reference: str
    title: str
    supplier: str
    end_date: date | None
    supplier_pays_rlw: str  # yes / no / unknown


def living_wage_contracts(session: Session, organisation_ids: Sequence[int], *, start: date, end: date,
                          limit: int | None = None) -> list[LivingWageContract]:
    """Contracts in scope for the Real Living Wage that ran at some time in [start, end), by reference (the first
    ``limit`` of them when given: the page shows those, the downloads every one)."""
    query = (
        select(Contract.id, Contract.organisation_id, Contract.reference, Contract.title,
               func.coalesce(Supplier.name, Contract.supplier_name_as_given, literal("")),
               Contract.end_date, Contract.supplier_pays_rlw)
        .select_from(Contract)
        .outerjoin(Supplier, Supplier.id == Contract.supplier_id)
        .where(Contract.organisation_id.in_(list(organisation_ids)), Contract.rlw_in_scope.is_(True),
               Contract.start_date < end, or_(Contract.end_date.is_(None), Contract.end_date >= start))
        .order_by(Contract.organisation_id, Contract.reference)
        .limit(limit)
    )
    return [LivingWageContract(*row) for row in session.execute(query)]


def living_wage_status_counts(session: Session, organisation_ids: Sequence[int], *, start: date, end: date) -> dict[str, int]:
    """How many in-scope contracts running in [start, end) pay the Real Living Wage: yes / no / unknown."""
    query = (
        select(Contract.supplier_pays_rlw, func.count())
        .where(Contract.organisation_id.in_(list(organisation_ids)), Contract.rlw_in_scope.is_(True),
               Contract.start_date < end, or_(Contract.end_date.is_(None), Contract.end_date >= start))
        .group_by(Contract.supplier_pays_rlw)
    )
    counts = {"yes": 0, "no": 0, "unknown": 0}
    counts.update({status: int(n) for status, n in session.execute(query)})
    return counts


def beneficiary_counts(
    session: Session, organisation_ids: Sequence[int], *, start: date, end: date,
) -> dict[str, list[tuple[str, int]]]:
    """Beneficiary counts of verified reports whose period ends in [start, end), by "ward" and by "protected_group".

    Counts only. '' is "not recorded". A person counted in two protected groups
    is in both groups' counts (the counting rule), so by-group counts can add up
    to more than the people. One statement: counts added up by ward and group
    once, then rolled up each way; largest first.
    """
    ids = list(organisation_ids)
    fine = (
        select(DeliveryBeneficiaryCount.ward.label("ward"), DeliveryBeneficiaryCount.protected_group.label("grp"),
               func.sum(DeliveryBeneficiaryCount.count).label("n"))
        .select_from(DeliveryBeneficiaryCount)
        .join(DeliveryReport, DeliveryReport.id == DeliveryBeneficiaryCount.delivery_report_id)
        .where(DeliveryBeneficiaryCount.organisation_id.in_(ids), DeliveryReport.organisation_id.in_(ids),
               DeliveryReport.status == "verified", DeliveryReport.period_end >= start, DeliveryReport.period_end < end)
        .group_by(DeliveryBeneficiaryCount.ward, DeliveryBeneficiaryCount.protected_group)
        .cte("fine")
    )
    query = union_all(
        select(literal("ward"), fine.c.ward, func.sum(fine.c.n)).group_by(fine.c.ward),
        select(literal("protected_group"), fine.c.grp, func.sum(fine.c.n)).group_by(fine.c.grp),
    )
    found: dict[str, list[tuple[str, int]]] = {"ward": [], "protected_group": []}
    for by, key, n in session.execute(query):
        found[by].append((key, int(n)))
    for rows in found.values():
        rows.sort(key=lambda row: (-row[1], row[0]))
    return found


def beneficiaries(
    session: Session, organisation_ids: Sequence[int], *, by: str, start: date, end: date,
) -> list[tuple[str, int]]:
    """One side of ``beneficiary_counts``: by "ward" or by "protected_group"."""
    if by not in ("ward", "protected_group"):
        raise ValueError(f"beneficiaries are counted by ward or protected_group, not {by!r}")
    return beneficiary_counts(session, organisation_ids, start=start, end=end)[by]


def years_with_figures(session: Session, network: Network, organisation_ids: Sequence[int]) -> list[int]:
    """The financial years (by starting calendar year) with a commitment or verified delivery, latest first."""
    years = {t.key[0] for t in committed(session, network, organisation_ids, by=("year",))}
    years |= {t.key[0] for t in delivered(session, network, organisation_ids, by=("year",))}
    return sorted((int(y) for y in years), reverse=True)



# -- Snapshots kept by workers --------------------------------------------------------------------
#
# Each partner's figures by financial year, kept in ``sv_totals`` (by measure, route and
# overall) and ``sv_beneficiary_totals``; the network's in ``sv_network_*`` as sums of
# its partners' rows. Plain functions on a session; the caller (a task) commits. A
# recompute deletes and rebuilds whole years, so running it twice gives the same rows.

SNAPSHOT_FIGURES = (
    "committed_quantity", "committed_value_pence", "committed_current_value_pence", "committed_count",
    "delivered_quantity", "delivered_value_pence", "delivered_current_value_pence", "delivered_count",
)
# pg_advisory_xact_lock(namespace, id): one recompute of a partner, one writer of a network's
# rows at a time; partners first, by ascending id, then the network: no deadlocks.
_PARTNER_LOCK, _NETWORK_LOCK = 73_201, 73_202


def _lock(session: Session, namespace: int, key: int) -> None:
    # SQLite serialises writers anyway; PostgreSQL needs telling.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:ns, :key)"), {"ns": namespace, "key": key})


def _in_years(column, years):
    return true() if years is None else column.in_(list(years))


def recompute_partner_totals(session: Session, network: Network, organisation_id: int, years: Iterable[int] | None = None) -> list[int] | None:
    """Rebuild the partner's snapshot rows for these financial years (None: all), and clear what was waiting for them.

    Returns the years rebuilt (None when all were), for the network recompute.
    """
    organisation = session.get(Organisation, organisation_id)
    if organisation is None or organisation.network_id != network.id:
        raise ValueError(f"organisation {organisation_id} is not a partner of network {network.id}")
    years = None if years is None else sorted({int(y) for y in years})
    with tenant_context(organisation_id):
        _lock(session, _PARTNER_LOCK, organisation_id)
        # The marks go first, before anything is read: a change committed after this
        # statement keeps its mark (and its own task); one committed before it is read below.
        pending = delete(SocialValueTotalsPending).where(SocialValueTotalsPending.organisation_id == organisation_id)
        if years is not None:
            pending = pending.where(SocialValueTotalsPending.year.in_(years))
        session.execute(pending.execution_options(synchronize_session=False))
        if years == []:
            return years
        for table in (SocialValueTotal, SocialValueBeneficiaryTotal, SocialValueContractTotal):
            session.execute(delete(table).where(table.organisation_id == organisation_id, _in_years(table.year, years))
                            .execution_options(synchronize_session=False))
        computed_at = utcnow()
        session.execute(_partner_figures_insert(network, organisation_id, years, computed_at))
        session.execute(_partner_beneficiaries_insert(network, organisation_id, years, computed_at))
        session.execute(_partner_contracts_insert(network, organisation_id, years, computed_at))
        # The like-with-like figures span years (a commitment spread over its contract, to date
        # since the policy start): rebuilt whole for the partner on any change.
        progress_snapshot.recompute_partner(session, network, organisation_id)
        session.flush()
    return years


def _partner_figures_insert(network: Network, organisation_id: int, years, computed_at):
    """INSERT INTO sv_totals: every year by measure, route and overall, from one read of each source.

    Commitments and verified reports are added up once by year, measure and route (a
    few hundred groups), side by side in one row set (UNION ALL, zeros for the other
    source), and that set is rolled up three ways: sums of sums, so the figures are
    those of a GROUP BY over the rows.
    """
    zero = literal_column("0")
    made_year = _year_expression(network, Commitment.committed_on)
    made = (
        select(made_year, Commitment.measure_id.label("measure"), Contract.route.label("route"),
               func.sum(Commitment.quantity).label("cq"), func.sum(Commitment.committed_value_pence).label("cv"),
               func.sum(func.coalesce(Commitment.rebased_value_pence, Commitment.committed_value_pence)).label("ccv"),
               func.count().label("cn"), zero.label("dq"), zero.label("dv"), zero.label("dcv"), zero.label("dn"))
        .select_from(Commitment).join(Contract, Contract.id == Commitment.contract_id)
        .where(Commitment.organisation_id == organisation_id, _in_years(made_year, years))
        .group_by(made_year, Commitment.measure_id, Contract.route)
    )
    done_year = _year_expression(network, DeliveryReport.period_end)
    done = (
        select(done_year, Commitment.measure_id, Contract.route, zero, zero, zero, zero,
               func.sum(DeliveryReport.quantity), func.sum(DeliveryReport.value_pence),
               func.sum(func.coalesce(DeliveryReport.rebased_value_pence, DeliveryReport.value_pence)), func.count())
        .select_from(DeliveryReport)
        .join(Commitment, Commitment.id == DeliveryReport.commitment_id)
        .join(Contract, Contract.id == Commitment.contract_id)
        .where(DeliveryReport.organisation_id == organisation_id, DeliveryReport.status == "verified",
               _in_years(done_year, years))
        .group_by(done_year, Commitment.measure_id, Contract.route)
    )
    fine = union_all(made, done).cte("sv_fine")
    sums = [func.sum(fine.c[name]) for name in ("cq", "cv", "ccv", "cn", "dq", "dv", "dcv", "dn")]
    stamp = literal(computed_at, SocialValueTotal.computed_at.type)
    parts = [
        select(literal(organisation_id), fine.c.year, literal("all"), literal(""), *sums, stamp).group_by(fine.c.year),
        select(literal(organisation_id), fine.c.year, literal("measure"), cast(fine.c.measure, String), *sums, stamp)
        .group_by(fine.c.year, fine.c.measure),
        select(literal(organisation_id), fine.c.year, literal("route"), fine.c.route, *sums, stamp)
        .group_by(fine.c.year, fine.c.route),
    ]
    columns = ["organisation_id", "year", "breakdown", "key", *SNAPSHOT_FIGURES, "computed_at"]
    return insert(SocialValueTotal.__table__).from_select(columns, union_all(*parts))


def _partner_contracts_insert(network: Network, organisation_id: int, years, computed_at):
    """INSERT INTO sv_contract_totals: each contract's commitments made and verified delivery, by year."""
    zero = literal_column("0")
    made_year = _year_expression(network, Commitment.committed_on)
    made = (
        select(made_year, Commitment.contract_id.label("contract"), func.sum(Commitment.committed_value_pence).label("cv"),
               func.sum(func.coalesce(Commitment.rebased_value_pence, Commitment.committed_value_pence)).label("ccv"),
               zero.label("dv"), zero.label("dcv"))
        .where(Commitment.organisation_id == organisation_id, _in_years(made_year, years))
        .group_by(made_year, Commitment.contract_id)
    )
    done_year = _year_expression(network, DeliveryReport.period_end)
    done = (
        select(done_year, Commitment.contract_id, zero, zero, func.sum(DeliveryReport.value_pence),
               func.sum(func.coalesce(DeliveryReport.rebased_value_pence, DeliveryReport.value_pence)))
        .select_from(DeliveryReport).join(Commitment, Commitment.id == DeliveryReport.commitment_id)
        .where(DeliveryReport.organisation_id == organisation_id, DeliveryReport.status == "verified",
               _in_years(done_year, years))
        .group_by(done_year, Commitment.contract_id)
    )
    both = union_all(made, done).subquery("sv_by_contract")
    query = select(literal(organisation_id), both.c.year, both.c.contract, func.sum(both.c.cv), func.sum(both.c.ccv),
                   func.sum(both.c.dv), func.sum(both.c.dcv),
                   literal(computed_at, SocialValueContractTotal.computed_at.type)).group_by(both.c.year, both.c.contract)
    columns = ["organisation_id", "year", "contract_id", "committed_value_pence", "committed_current_pence",
               "delivered_value_pence", "delivered_current_pence", "computed_at"]
    return insert(SocialValueContractTotal.__table__).from_select(columns, query)


def _partner_beneficiaries_insert(network: Network, organisation_id: int, years, computed_at):
    """INSERT INTO sv_beneficiary_totals: counts on verified reports by year, ward and group, rolled up each way."""
    year = _year_expression(network, DeliveryReport.period_end)
    fine = (
        select(year, DeliveryBeneficiaryCount.ward.label("ward"), DeliveryBeneficiaryCount.protected_group.label("grp"),
               func.sum(DeliveryBeneficiaryCount.count).label("n"))
        .select_from(DeliveryBeneficiaryCount)
        .join(DeliveryReport, DeliveryReport.id == DeliveryBeneficiaryCount.delivery_report_id)
        .where(DeliveryBeneficiaryCount.organisation_id == organisation_id, DeliveryReport.organisation_id == organisation_id,
               DeliveryReport.status == "verified", _in_years(year, years))
        .group_by(year, DeliveryBeneficiaryCount.ward, DeliveryBeneficiaryCount.protected_group)
        .cte("sv_fine_beneficiaries")
    )
    stamp = literal(computed_at, SocialValueBeneficiaryTotal.computed_at.type)
    parts = [
        select(literal(organisation_id), fine.c.year, literal(by), key, func.sum(fine.c.n), stamp).group_by(fine.c.year, key)
        for by, key in (("ward", fine.c.ward), ("protected_group", fine.c.grp))
    ]
    columns = ["organisation_id", "year", "breakdown", "key", "count", "computed_at"]
    return insert(SocialValueBeneficiaryTotal.__table__).from_select(columns, union_all(*parts))


def recompute_network_totals(session: Session, network: Network, years: Iterable[int] | None = None) -> None:
    """Rebuild the network's snapshot rows for these years (None: all) as sums of its partners' rows."""
    years = None if years is None else sorted({int(y) for y in years})
    partner_ids = session.scalars(select(Organisation.id).where(Organisation.network_id == network.id)).all()
    with network_wide(partner_ids, reason="social value network totals"):
        _lock(session, _NETWORK_LOCK, network.id)
        for table in (NetworkSocialValueTotal, NetworkSocialValueBeneficiaryTotal):
            session.execute(delete(table).where(table.network_id == network.id, _in_years(table.year, years))
                            .execution_options(synchronize_session=False))
        if partner_ids and years != []:
            now = utcnow()
            session.execute(_network_figures_insert(network, partner_ids, years, now))
            session.execute(_network_beneficiaries_insert(network, partner_ids, years, now))
        session.flush()


def _network_figures_insert(network: Network, partner_ids, years, computed_at):
    """INSERT INTO sv_network_totals: the partners' rows summed by key, and each partner's overall row as "partner"."""
    row = SocialValueTotal
    stamp = literal(computed_at, NetworkSocialValueTotal.computed_at.type)
    where = (row.organisation_id.in_(list(partner_ids)), _in_years(row.year, years))
    summed = (
        select(literal(network.id), row.year, row.breakdown, row.key,
               *(func.sum(getattr(row, name)) for name in SNAPSHOT_FIGURES), *_partners_counted(row), stamp)
        .where(*where).group_by(row.year, row.breakdown, row.key)
    )
    by_partner = (
        select(literal(network.id), row.year, literal("partner"), cast(row.organisation_id, String),
               *(getattr(row, name) for name in SNAPSHOT_FIGURES), literal_column("1"), row.organisation_id, stamp)
        .where(*where, row.breakdown == "all")
    )
    columns = ["network_id", "year", "breakdown", "key", *SNAPSHOT_FIGURES, "partner_count", "sole_partner_id", "computed_at"]
    return insert(NetworkSocialValueTotal.__table__).from_select(columns, union_all(summed, by_partner))


def _partners_counted(row) -> tuple:
    """partner_count and sole_partner_id of a sum over partners' rows grouped by key."""
    partners = func.count(row.organisation_id.distinct())
    return partners, case((partners == 1, func.min(row.organisation_id)))


def _network_beneficiaries_insert(network: Network, partner_ids, years, computed_at):
    row = SocialValueBeneficiaryTotal
    query = (
        select(literal(network.id), row.year, row.breakdown, row.key, func.sum(row.count), *_partners_counted(row),
               literal(computed_at, NetworkSocialValueBeneficiaryTotal.computed_at.type))
        .where(row.organisation_id.in_(list(partner_ids)), _in_years(row.year, years))
        .group_by(row.year, row.breakdown, row.key)
    )
    columns = ["network_id", "year", "breakdown", "key", "count", "partner_count", "sole_partner_id", "computed_at"]
    return insert(NetworkSocialValueBeneficiaryTotal.__table__).from_select(columns, query)


def recompute_all(session: Session, network: Network) -> None:
    """Rebuild every partner's snapshot and the network's from scratch (the nightly job)."""
    partner_ids = session.scalars(
        select(Organisation.id).where(Organisation.network_id == network.id).order_by(Organisation.id)
    ).all()
    for organisation_id in partner_ids:  # every partner's lock first, in id order, before the network's
        _lock(session, _PARTNER_LOCK, organisation_id)
    for organisation_id in partner_ids:
        recompute_partner_totals(session, network, organisation_id)
    recompute_network_totals(session, network)


def snapshot_is_current(session: Session, organisation_ids: Sequence[int]) -> bool:
    """True unless a change of one of these partners is still waiting for its recompute (read in the caller's scope)."""
    waiting = select(SocialValueTotalsPending.id).where(SocialValueTotalsPending.organisation_id.in_(list(organisation_ids)))
    return session.scalars(waiting.limit(1)).first() is None
