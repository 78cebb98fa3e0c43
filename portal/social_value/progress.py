"""Figures that compare like with like: to date since the policy began, and delivery against the same commitments.

- **To date** (Rotherham: "£27.8m committed, £8m delivered since the policy
  began"): commitments made from the network's policy start date up to the day
  asked for, and verified delivery of periods ending in that span, whatever
  commitment it was against. No policy start date: since records began.
- **Delivery against commitments**: for the commitments made in that span,
  what was delivered on *those* commitments (verified, periods ending by the day
  asked for), with the share delivered. Live and completed contracts are kept
  apart: a contract is completed once its end date has passed, and live
  otherwise (no end date, or not ended yet). So a figure never sets in-year
  delivery against in-year commitments of other contracts.

Each is one ``SELECT ... GROUP BY`` in the database. The caller opens the scope
(``tenant_context`` or ``network_wide``), as for ``totals``.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from tenants import network_wide
from tenants.models import Network, Organisation

from .models import Commitment, Contract, DeliveryReport

CONTRACT_STATUSES = ("live", "completed")
_THOUSANDTH = Decimal("0.001")


@dataclass(frozen=True)
class ToDate:
    """Committed and delivered £ since the policy began: current valuation, and as first valued."""

    since: date | None
    as_of: date
    committed_pence: int
    committed_original_pence: int
    commitments: int
    delivered_pence: int
    delivered_original_pence: int
    reports: int


@dataclass(frozen=True)
class AgainstCommitments:
    """Commitments of one kind of contract (live or completed, or "all"), and what was delivered on them."""

    status: str
    measure_id: int | None  # None: every measure (£ only)
    committed_quantity: Decimal
    committed_pence: int
    delivered_quantity: Decimal
    delivered_pence: int
    commitments: int

    @property
    def percent_delivered(self) -> Decimal | None:
        """Delivered £ as a share of committed £ (of the quantity, for one measure), to one place; None if nothing committed."""
        if self.measure_id is not None:
            got, goal = self.delivered_quantity, self.committed_quantity
        else:
            got, goal = Decimal(self.delivered_pence), Decimal(self.committed_pence)
        return None if goal == 0 else (got * 100 / goal).quantize(Decimal("0.1"))


def made_in(network: Network, as_of: date):
    conditions = [Commitment.committed_on <= as_of]
    if network.policy_start_date is not None:
        conditions.append(Commitment.committed_on >= network.policy_start_date)
    return and_(*conditions)


def to_date(session: Session, network: Network, organisation_ids: Sequence[int], as_of: date) -> ToDate:
    """Committed and delivered since the network's policy start date, up to and including ``as_of``."""
    ids = list(organisation_ids)
    made = session.execute(
        select(func.sum(func.coalesce(Commitment.rebased_value_pence, Commitment.committed_value_pence)),
               func.sum(Commitment.committed_value_pence), func.count())
        .where(Commitment.organisation_id.in_(ids), made_in(network, as_of))
    ).one()
    done_where = [DeliveryReport.organisation_id.in_(ids), DeliveryReport.status == "verified",
                  DeliveryReport.period_end <= as_of]
    if network.policy_start_date is not None:
        done_where.append(DeliveryReport.period_end >= network.policy_start_date)
    done = session.execute(
        select(func.sum(func.coalesce(DeliveryReport.rebased_value_pence, DeliveryReport.value_pence)),
               func.sum(DeliveryReport.value_pence), func.count())
        .where(*done_where)
    ).one()
    return ToDate(network.policy_start_date, as_of, int(made[0] or 0), int(made[1] or 0), int(made[2]),
                  int(done[0] or 0), int(done[1] or 0), int(done[2]))


def contract_status(as_of: date):
    """SQL for a contract's status on ``as_of``: completed once its end date has passed, else live."""
    return case((and_(Contract.end_date.is_not(None), Contract.end_date < as_of), literal("completed")),
                else_=literal("live"))


def against_commitments(session: Session, network: Network, organisation_ids: Sequence[int], as_of: date,
                        ) -> list[AgainstCommitments]:
    """For commitments made since the policy began: committed and delivered on them, by contract status and measure.

    Rows per (status, measure), then one £ row per status (``measure_id`` None), then the
    £ row of all contracts (status "all"). Statuses with nothing committed are left out.
    """
    ids = list(organisation_ids)
    delivered = (
        select(DeliveryReport.commitment_id.label("commitment_id"), func.sum(DeliveryReport.quantity).label("q"),
               func.sum(func.coalesce(DeliveryReport.rebased_value_pence, DeliveryReport.value_pence)).label("v"))
        .where(DeliveryReport.organisation_id.in_(ids), DeliveryReport.status == "verified",
               DeliveryReport.period_end <= as_of)
        .group_by(DeliveryReport.commitment_id)
        .subquery("delivered_on")
    )
    status = contract_status(as_of).label("status")
    query = (
        select(status, Commitment.measure_id, func.sum(Commitment.quantity),
               func.sum(func.coalesce(Commitment.rebased_value_pence, Commitment.committed_value_pence)),
               func.sum(func.coalesce(delivered.c.q, 0)), func.sum(func.coalesce(delivered.c.v, 0)), func.count())
        .select_from(Commitment)
        .join(Contract, Contract.id == Commitment.contract_id)
        .outerjoin(delivered, delivered.c.commitment_id == Commitment.id)
        .where(Commitment.organisation_id.in_(ids), made_in(network, as_of))
        .group_by(status, Commitment.measure_id)
    )
    by_measure = [
        AgainstCommitments(s, m, Decimal(str(cq or 0)).quantize(_THOUSANDTH), int(cv or 0),
                           Decimal(str(dq or 0)).quantize(_THOUSANDTH), int(dv or 0), int(n))
        for s, m, cq, cv, dq, dv, n in session.execute(query)
    ]
    by_measure.sort(key=lambda row: (CONTRACT_STATUSES.index(row.status), row.measure_id))
    return by_measure + roll_up(by_measure)


def roll_up(by_measure: list[AgainstCommitments]) -> list[AgainstCommitments]:
    """The £ rows of each status and of all contracts, from the by-measure rows."""
    rows = []
    for status in (*CONTRACT_STATUSES, "all"):
        mine = [r for r in by_measure if status in ("all", r.status)]
        if mine:
            rows.append(AgainstCommitments(status, None, Decimal(0), sum(r.committed_pence for r in mine), Decimal(0),
                                           sum(r.delivered_pence for r in mine), sum(r.commitments for r in mine)))
    return rows


def set_policy_start(session: Session, network: Network, start: date | None) -> bool:
    """Set the day the network's social value policy began ("to date" counts from it); True if it changed.

    Every partner's to-date snapshot counts from the old date, so a change queues the
    whole network's recompute (after the commit); until it has run the report adds up on demand.
    """
    if network.policy_start_date == start:
        return False
    network.policy_start_date = start
    session.flush()
    from .tasks import queue_network_totals_refresh  # tasks -> totals -> progress_snapshot -> here

    partner_ids = session.scalars(select(Organisation.id).where(Organisation.network_id == network.id)).all()
    with network_wide(partner_ids, f"policy start date of network {network.id}: recompute its totals"):
        queue_network_totals_refresh(session, network)
    return True
