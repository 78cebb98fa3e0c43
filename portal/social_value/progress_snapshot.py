"""The like-with-like snapshots: spread commitments by year and half-year, and to-date figures by contract status.

Rebuilt for a whole partner with its yearly totals (``totals.recompute_partner_totals``
calls ``recompute_partner``), so the same marks, locks and nightly rebuild keep them
current. To-date rows depend on the day (a contract completes when its end date
passes) and on the network's policy start date, so each row records both; a reader
uses the snapshot only when they match today's and the network's, and otherwise
adds up on demand (``progress``) until the nightly rebuild.

The spread is done in Python (``spreading``: pro rata by days, largest remainder)
over the commitments summed by contract period and measure (see ``period_rows``);
the sums go in with one executemany.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    and_,
    case,
    delete,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from tenants.models import Network, utcnow

from . import progress, spreading
from .models import (
    Commitment,
    CommitmentProfileYear,
    Contract,
    DeliveryReport,
    SocialValuePeriodTotal,
    SocialValueProgressTotal,
)

_THOUSANDTH = Decimal("0.001")
_CURRENT_COMMITTED = func.coalesce(Commitment.rebased_value_pence, Commitment.committed_value_pence)
_CURRENT_DELIVERED = func.coalesce(DeliveryReport.rebased_value_pence, DeliveryReport.value_pence)


# A contract with no period to spread a promise over (no end date, or a register line whose start
# date could not be read): the promise counts where it was made.
_NO_PERIOD = or_(Contract.end_date.is_(None), Contract.start_date.is_(None))


def recompute_partner(session: Session, network: Network, organisation_id: int, as_of: date | None = None) -> None:
    """Rebuild the partner's period and to-date rows (the caller is in its tenant context and holds its lock)."""
    as_of = as_of or date.today()
    for table in (SocialValuePeriodTotal, SocialValueProgressTotal):
        session.execute(delete(table).where(table.organisation_id == organisation_id)
                        .execution_options(synchronize_session=False))
    session.execute(_progress_insert(network, organisation_id, as_of))
    rows = period_rows(session, network, organisation_id)
    if rows:
        now = utcnow()
        session.execute(insert(SocialValuePeriodTotal.__table__),
                        [{"organisation_id": organisation_id, "computed_at": now, **row} for row in rows])
    session.flush()


def _progress_insert(network: Network, organisation_id: int, as_of: date):
    """INSERT INTO sv_progress_totals: made and delivered-against by status and measure, beside all delivery since the start."""
    zero = literal_column("0")
    status = progress.contract_status(as_of).label("status")
    on_these = (
        select(DeliveryReport.commitment_id.label("commitment_id"), func.sum(DeliveryReport.quantity).label("q"),
               func.sum(_CURRENT_DELIVERED).label("v"))
        .where(DeliveryReport.organisation_id == organisation_id, DeliveryReport.status == "verified",
               DeliveryReport.period_end <= as_of)
        .group_by(DeliveryReport.commitment_id)
        .subquery("delivered_on")
    )
    made = (
        select(status, Commitment.measure_id.label("measure"), func.sum(Commitment.quantity).label("mq"),
               func.sum(_CURRENT_COMMITTED).label("mv"), func.sum(Commitment.committed_value_pence).label("mov"),
               func.count().label("mn"), func.sum(func.coalesce(on_these.c.q, 0)).label("aq"),
               func.sum(func.coalesce(on_these.c.v, 0)).label("av"), zero.label("dv"), zero.label("dov"),
               zero.label("dn"))
        .select_from(Commitment)
        .join(Contract, Contract.id == Commitment.contract_id)
        .outerjoin(on_these, on_these.c.commitment_id == Commitment.id)
        .where(Commitment.organisation_id == organisation_id, progress.made_in(network, as_of))
        .group_by(status, Commitment.measure_id)
    )
    done_where = [DeliveryReport.organisation_id == organisation_id, DeliveryReport.status == "verified",
                  DeliveryReport.period_end <= as_of]
    if network.policy_start_date is not None:
        done_where.append(DeliveryReport.period_end >= network.policy_start_date)
    done = (
        select(status, Commitment.measure_id, zero, zero, zero, zero, zero, zero, func.sum(_CURRENT_DELIVERED),
               func.sum(DeliveryReport.value_pence), func.count())
        .select_from(DeliveryReport)
        .join(Commitment, Commitment.id == DeliveryReport.commitment_id)
        .join(Contract, Contract.id == Commitment.contract_id)
        .where(*done_where)
        .group_by(status, Commitment.measure_id)
    )
    both = union_all(made, done).cte("sv_progress_fine")
    names = ("mq", "mv", "mov", "mn", "aq", "av", "dv", "dov", "dn")
    query = select(
        literal(organisation_id), literal(as_of, SocialValueProgressTotal.as_of.type),
        literal(network.policy_start_date, SocialValueProgressTotal.since.type), both.c.status, both.c.measure,
        *(func.sum(both.c[name]) for name in names), literal(utcnow(), SocialValueProgressTotal.computed_at.type),
    ).group_by(both.c.status, both.c.measure)
    columns = ["organisation_id", "as_of", "since", "contract_status", "measure_id", "made_quantity", "made_value_pence",
               "made_original_value_pence", "made_count", "against_quantity", "against_value_pence",
               "delivered_value_pence", "delivered_original_value_pence", "delivered_count", "computed_at"]
    return insert(SocialValueProgressTotal.__table__).from_select(columns, query)


def period_rows(session: Session, network: Network, organisation_ids: int | Sequence[int],
                window: tuple[date, date] | None = None) -> list[dict]:
    """Every year's and half-year's spread commitments and delivery by measure, added up over these partners.

    With ``window`` [start, end), only the periods starting in it, reading only the commitments
    that can reach it (the report's on-demand path, while a change waits for the workers).
    """
    ids = [organisation_ids] if isinstance(organisation_ids, int) else list(organisation_ids)
    fy = network.financial_year_start_month
    sums: dict[tuple, list] = defaultdict(lambda: [Decimal(0), 0, Decimal(0), 0])
    profiles: dict[int, list] = defaultdict(list)
    for commitment_id, year_start, quantity in session.execute(
        select(CommitmentProfileYear.commitment_id, CommitmentProfileYear.year_start, CommitmentProfileYear.quantity)
        .where(CommitmentProfileYear.organisation_id.in_(ids))
    ):
        profiles[commitment_id].append((year_start, Decimal(quantity)))
    reaching = [Commitment.organisation_id.in_(ids)]
    if window is not None:
        # A commitment reaches the window if its contract runs in it, or (no end date, no
        # period to spread over) it was made in it. Profile years lie within the contract.
        reaching.append(or_(
            and_(Contract.start_date < window[1], or_(Contract.end_date.is_(None), Contract.end_date >= window[0])),
            and_(_NO_PERIOD, Commitment.committed_on >= window[0], Commitment.committed_on < window[1]),
        ))
    has_profile = select(CommitmentProfileYear.id).where(CommitmentProfileYear.commitment_id == Commitment.id).exists()
    # Commitments over the same contract period and of the same measure are spread together: the
    # spread is linear (but for the rounding, which the largest remainder keeps exact either
    # way), and contracts share their dates often (April to March), so a recompute spreads a few
    # hundred sums rather than every commitment. With no end date, the day it was made decides.
    made = case((_NO_PERIOD, Commitment.committed_on), else_=None)
    grouped = session.execute(
        select(Contract.start_date, Contract.end_date, made, Commitment.measure_id, func.sum(Commitment.quantity),
               func.sum(_CURRENT_COMMITTED))
        .join(Contract, Contract.id == Commitment.contract_id)
        .where(*reaching, ~has_profile)
        .group_by(Contract.start_date, Contract.end_date, made, Commitment.measure_id)
    )
    profiled = session.execute(
        select(Commitment.id, Contract.start_date, Contract.end_date, Commitment.committed_on, Commitment.measure_id,
               Commitment.quantity, _CURRENT_COMMITTED)
        .join(Contract, Contract.id == Commitment.contract_id)
        .where(*reaching, has_profile)
    )
    promises = [(start, end, made_on or start, measure_id, quantity, value, ())
                for start, end, made_on, measure_id, quantity, value in grouped]
    promises += [(start, end, made_on, measure_id, quantity, value, profiles.get(cid, ()))
                 for cid, start, end, made_on, measure_id, quantity, value in profiled]
    for start, end, committed_on, measure_id, quantity, value, profile in promises:
        for kind in spreading.PERIOD_KINDS:
            spread = spreading.spread_commitment(
                fy, kind, quantity=Decimal(str(quantity)), value_pence=int(value), contract_start=start,
                contract_end=end, committed_on=committed_on, profile=profile)
            for at, (pence, part) in spread.items():
                row = sums[(kind, at, measure_id)]
                row[0] += part
                row[1] += pence
    done_where = [DeliveryReport.organisation_id.in_(ids), DeliveryReport.status == "verified"]
    if window is not None:
        done_where += [DeliveryReport.period_end >= window[0], DeliveryReport.period_end < window[1]]
    delivered = session.execute(
        select(DeliveryReport.period_end, Commitment.measure_id, func.sum(DeliveryReport.quantity),
               func.sum(_CURRENT_DELIVERED))
        .join(Commitment, Commitment.id == DeliveryReport.commitment_id)
        .where(*done_where)
        .group_by(DeliveryReport.period_end, Commitment.measure_id)
    )
    for period_end, measure_id, quantity, value in delivered:
        for kind in spreading.PERIOD_KINDS:
            row = sums[(kind, spreading.period_start(fy, kind, period_end), measure_id)]
            row[2] += Decimal(str(quantity))
            row[3] += int(value)
    return [
        {"period_type": kind, "period_start": at, "measure_id": measure_id,
         "committed_quantity": q.quantize(_THOUSANDTH), "committed_value_pence": v,
         "delivered_quantity": dq.quantize(_THOUSANDTH), "delivered_value_pence": dv}
        for (kind, at, measure_id), (q, v, dq, dv) in sorted(sums.items())
        if window is None or window[0] <= at < window[1]
    ]


# -- Reading them ---------------------------------------------------------------------------------

def stored_progress(session: Session, network: Network, organisation_ids: Sequence[int], as_of: date,
                    ) -> tuple[progress.ToDate, list[progress.AgainstCommitments]] | None:
    """To date and delivery against commitments from the snapshot rows, or None when they are not of ``as_of``.

    None too when there are no rows at all: nothing to add up on demand either, and a
    partner never rebuilt since the tables came looks the same.
    """
    rows = session.scalars(select(SocialValueProgressTotal).where(
        SocialValueProgressTotal.organisation_id.in_(list(organisation_ids)))).all()
    if not rows or any(r.as_of != as_of or r.since != network.policy_start_date for r in rows):
        return None
    to_date = progress.ToDate(
        network.policy_start_date, as_of, sum(r.made_value_pence for r in rows),
        sum(r.made_original_value_pence for r in rows), sum(r.made_count for r in rows),
        sum(r.delivered_value_pence for r in rows), sum(r.delivered_original_value_pence for r in rows),
        sum(r.delivered_count for r in rows))
    grouped: dict[tuple, list] = defaultdict(lambda: [Decimal(0), 0, Decimal(0), 0, 0])
    for r in rows:
        if r.made_count:
            g = grouped[(r.contract_status, r.measure_id)]
            g[0] += Decimal(r.made_quantity)
            g[1] += r.made_value_pence
            g[2] += Decimal(r.against_quantity)
            g[3] += r.against_value_pence
            g[4] += r.made_count
    by_measure = [progress.AgainstCommitments(status, measure_id, q.quantize(_THOUSANDTH), v, dq.quantize(_THOUSANDTH), dv, n)
                  for (status, measure_id), (q, v, dq, dv, n) in grouped.items()]
    by_measure.sort(key=lambda row: (progress.CONTRACT_STATUSES.index(row.status), row.measure_id))
    return to_date, by_measure + progress.roll_up(by_measure)


def stored_periods(session: Session, organisation_ids: Sequence[int]) -> list[dict]:
    """The period rows of these partners added up by period and measure, as ``period_rows`` gives them."""
    t = SocialValuePeriodTotal
    query = (
        select(t.period_type, t.period_start, t.measure_id, func.sum(t.committed_quantity), func.sum(t.committed_value_pence),
               func.sum(t.delivered_quantity), func.sum(t.delivered_value_pence))
        .where(t.organisation_id.in_(list(organisation_ids)))
        .group_by(t.period_type, t.period_start, t.measure_id)
        .order_by(t.period_type, t.period_start, t.measure_id)
    )
    return [
        {"period_type": kind, "period_start": at, "measure_id": measure_id,
         "committed_quantity": Decimal(str(q)).quantize(_THOUSANDTH), "committed_value_pence": int(v),
         "delivered_quantity": Decimal(str(dq)).quantize(_THOUSANDTH), "delivered_value_pence": int(dv)}
        for kind, at, measure_id, q, v, dq, dv in session.execute(query)
    ]



def added_up(partners_rows: list[list[dict]]) -> list[dict]:
    """Several partners' ``period_rows`` added up by period and measure, as ``stored_periods`` adds up theirs."""
    sums: dict[tuple, list] = defaultdict(lambda: [Decimal(0), 0, Decimal(0), 0])
    for rows in partners_rows:
        for row in rows:
            s = sums[(row["period_type"], row["period_start"], row["measure_id"])]
            s[0] += row["committed_quantity"]
            s[1] += row["committed_value_pence"]
            s[2] += row["delivered_quantity"]
            s[3] += row["delivered_value_pence"]
    return [{"period_type": kind, "period_start": at, "measure_id": measure_id,
             "committed_quantity": q.quantize(_THOUSANDTH), "committed_value_pence": v,
             "delivered_quantity": dq.quantize(_THOUSANDTH), "delivered_value_pence": dv}
            for (kind, at, measure_id), (q, v, dq, dv) in sorted(sums.items())]


def year_committed_by_partner(session: Session, organisation_ids: Sequence[int], start: date) -> dict[int, tuple[Decimal, int]]:
    """Each partner's commitments spread over the year from ``start``, from the snapshot rows: {partner: (quantity, pence)}."""
    t = SocialValuePeriodTotal
    query = (select(t.organisation_id, func.sum(t.committed_quantity), func.sum(t.committed_value_pence))
             .where(t.organisation_id.in_(list(organisation_ids)), t.period_type == "year", t.period_start == start)
             .group_by(t.organisation_id))
    return {organisation_id: (Decimal(str(q)).quantize(_THOUSANDTH), int(v))
            for organisation_id, q, v in session.execute(query) if v}
