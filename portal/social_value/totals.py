"""Social value totals, added up in the database when asked for.

Every figure is one ``SELECT ... GROUP BY`` over commitments or delivery
reports; nothing loops over them in Python. There are no snapshot tables: at
the scale the portal is built for (50,000 commitments, 200,000 delivery
reports) a whole network report takes about half a second on PostgreSQL, within
1.15x of hand-written SQL for the same figures (``bench/social_value_totals.py``),
so the figures are always current and there is nothing for a worker to keep up
to date after an edit, a verification or a re-base.

Definitions, in the words the report uses:

- **Committed** in a financial year: commitments made (``committed_on``) in it.
- **Delivered** in a financial year: *verified* delivery reports whose period
  ends in it. Reported and rejected reports never count, and a report is one
  row for ever, so it is counted at most once.
- **£ as committed** is the value at the proxy in force when the commitment was
  made; **£ current** is the re-based value where the network re-based and
  the value as committed otherwise (as ``Commitment.current_value_pence``).
- A **quantity** is only added up within one measure (units differ).
- **Apprenticeship weeks**: measures counted in weeks (the unit says "week")
  whose description says "apprentice". **Local jobs (FTE)**: measures counted
  in FTE whose description says "local". The rule reads the network's own
  catalogue, so it holds for the National TOMs (e.g. "No. of weeks of
  apprenticeships", "No. of local direct employees (FTE)") as for the demo table.

Functions take the partners whose figures are wanted and also filter on them
(for the query plan); the caller opens the scope that lets them be read: the
partner's ``tenant_context``, or ``network_wide`` for the lead.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Integer, String, case, extract, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from portal.suppliers.models import Supplier
from tenants.models import Network

from .models import Commitment, Contract, DeliveryBeneficiaryCount, DeliveryReport, Measure

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


def apprenticeship_measures(network: Network):
    """SELECT of the ids of the network's apprenticeship-weeks measures (see the module's definition)."""
    return select(Measure.id).where(
        Measure.network_id == network.id,
        func.lower(Measure.unit).contains("week"),
        func.lower(Measure.description).contains("apprentic"),
    )


def local_fte_measures(network: Network):
    """SELECT of the ids of the network's local jobs (FTE) measures (see the module's definition)."""
    return select(Measure.id).where(
        Measure.network_id == network.id,
        func.lower(Measure.unit).contains("fte"),
        func.lower(Measure.description).contains("local"),
    )


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


@dataclass(frozen=True)
class LivingWageContract:
    contract_id: int
    organisation_id: int
    reference: str
    title: str
    supplier: str
    end_date: date | None
    supplier_pays_rlw: str  # yes / no / unknown


def living_wage_contracts(session: Session, organisation_ids: Sequence[int], *, start: date, end: date) -> list[LivingWageContract]:
    """Contracts in scope for the Real Living Wage that ran at some time in [start, end), by reference."""
    query = (
        select(Contract.id, Contract.organisation_id, Contract.reference, Contract.title,
               func.coalesce(Supplier.name, Contract.supplier_name_as_given, literal("")),
               Contract.end_date, Contract.supplier_pays_rlw)
        .select_from(Contract)
        .outerjoin(Supplier, Supplier.id == Contract.supplier_id)
        .where(Contract.organisation_id.in_(list(organisation_ids)), Contract.rlw_in_scope.is_(True),
               Contract.start_date < end, or_(Contract.end_date.is_(None), Contract.end_date >= start))
        .order_by(Contract.organisation_id, Contract.reference)
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

