"""What a target beyond social value achieved: spend shares, Real Living Wage coverage, employee-owned spend.

Spend figures are read from the workers' monthly spend snapshots (``spend_totals``
for a partner, ``network_spend_totals`` for the network), the months whose first
day lies in the target's period; so a target counts the same procurable spend,
by the same rule (``portal/spend/procurable.py``), as the spend dashboard.

- **Local, SME and VCSE share**: that spend as a percentage of procurable spend.
  No procurable spend in the period: 0%.
- **Real Living Wage coverage**: of the contracts in scope for the Real Living
  Wage that ran at some time in the period, the percentage whose supplier pays
  it. No contract in scope: 100% (nothing is left to bring up to it).
- **Employee-owned spend**: procurable spend with employee-owned firms, in £.

The caller opens the scope (the partner's ``tenant_context``, or ``network_wide``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from portal.spend.models import NetworkSpendTotal, SpendTotal

from .models import Contract

SHARE_OF = {"local_share": "local_pence", "sme_share": "sme_pence", "vcse_share": "vcse_pence"}
_HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class SpendFigure:
    """A share (percent, with the part and the whole it is of) or an amount (pence, ``whole`` None)."""

    part: int
    whole: int | None

    @property
    def percent(self) -> Decimal | None:
        if not self.whole:  # an amount, or a share of nothing
            return None
        return (Decimal(self.part) * 100 / self.whole).quantize(_HUNDREDTH)


def _monthly(session: Session, network_id: int, organisation_id: int | None, start: date, end: date, *columns):
    table = NetworkSpendTotal if organisation_id is None else SpendTotal
    owner = (NetworkSpendTotal.network_id == network_id) if organisation_id is None else \
        (SpendTotal.organisation_id == organisation_id)
    query = select(*(func.coalesce(func.sum(getattr(table, c)), 0) for c in columns)).where(
        owner, table.period_type == "month", table.breakdown == "all",
        table.period_start >= start, table.period_start <= end,
    )
    return [int(v) for v in session.execute(query).one()]


def spend_share(session: Session, network_id: int, organisation_id: int | None, subject: str, start: date, end: date,
                ) -> SpendFigure:
    """Local, SME or VCSE procurable spend of the months starting in [start, end], and all procurable spend."""
    part, whole = _monthly(session, network_id, organisation_id, start, end, SHARE_OF[subject], "procurable_pence")
    return SpendFigure(part, whole)


def employee_owned_spend(session: Session, network_id: int, organisation_id: int | None, start: date, end: date,
                         ) -> SpendFigure:
    """Procurable spend with employee-owned firms in the months starting in [start, end]."""
    (part,) = _monthly(session, network_id, organisation_id, start, end, "employee_owned_pence")
    return SpendFigure(part, None)


def living_wage_coverage(session: Session, organisation_ids, start: date, end: date) -> SpendFigure:
    """In-scope contracts running at some time in [start, end] whose supplier pays the Real Living Wage, of all in scope."""
    query = select(func.count(), func.sum(case((Contract.supplier_pays_rlw == "yes", 1), else_=0))).where(
        Contract.organisation_id.in_(list(organisation_ids)), Contract.rlw_in_scope.is_(True),
        Contract.start_date <= end, or_(Contract.end_date.is_(None), Contract.end_date >= start),
    )
    in_scope, paying = session.execute(query).one()
    return SpendFigure(int(paying or 0), int(in_scope or 0))


def achieved_percent(subject: str, figure: SpendFigure) -> Decimal:
    """The share a target of this subject achieved (see the module's rules for an empty whole)."""
    if figure.whole == 0:
        return Decimal(100).quantize(_HUNDREDTH) if subject == "rlw_coverage" else Decimal(0).quantize(_HUNDREDTH)
    return figure.percent
