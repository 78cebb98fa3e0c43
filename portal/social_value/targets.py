"""Targets per reporting period, for the network and for each partner, and performance against them.

A target is about one measure (a quantity, or £), one theme (£) or all social
value (£), over a period. Achievement is counted on the target's ``basis``:
"delivered" sums verified delivery reports whose period ends within the
target's period; "committed" sums commitments made (``committed_on``) within
it. £ figures use the current valuation (re-based where the network re-based,
else as committed).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tenants import network_wide, tenant_context
from tenants.models import Network, Organisation

from .models import (
    TARGET_BASES,
    TARGET_SUBJECTS,
    Commitment,
    DeliveryReport,
    Measure,
    NetworkTarget,
    PartnerTarget,
    Theme,
)
from .problems import SocialValueProblem
from .tenancy import current_partner_id


def _fields(session, network_id, subject, period_start, period_end, measure, theme, target_quantity, target_value_pence, basis, note):
    if subject not in TARGET_SUBJECTS:
        raise SocialValueProblem(f"A target is about one of: {', '.join(TARGET_SUBJECTS)}")
    if basis not in TARGET_BASES:
        raise SocialValueProblem(f"A target counts one of: {', '.join(TARGET_BASES)}")
    if period_end < period_start:
        raise SocialValueProblem("The period cannot end before it starts")
    if (subject == "measure") != (measure is not None) or (subject == "theme") != (theme is not None):
        raise SocialValueProblem("Choose the measure (or theme) the target is about")
    for thing in (measure, theme):
        if thing is not None and thing.network_id != network_id:
            raise SocialValueProblem("That is not in your network's catalogue")
    if subject != "measure" and target_quantity is not None:
        raise SocialValueProblem("Only a measure's target can be a quantity; give a £ value")
    if target_quantity is None and target_value_pence is None:
        raise SocialValueProblem("Give the target quantity or £ value")
    if target_value_pence is not None and (not isinstance(target_value_pence, int) or target_value_pence < 0):
        raise SocialValueProblem("The target value must be a whole number of pence, not negative")
    quantity = None if target_quantity is None else Decimal(str(target_quantity))
    if quantity is not None and quantity < 0:
        raise SocialValueProblem("The target quantity cannot be negative")
    return {
        "subject": subject, "period_start": period_start, "period_end": period_end,
        "measure_id": measure.id if measure else None, "theme_id": theme.id if theme else None,
        "target_quantity": quantity, "target_value_pence": target_value_pence, "basis": basis, "note": note,
    }


def set_network_target(
    session: Session, network: Network, *, subject: str, period_start: date, period_end: date,
    measure: Measure | None = None, theme: Theme | None = None, target_quantity=None,
    target_value_pence: int | None = None, basis: str = "delivered", note: str = "",
) -> NetworkTarget:
    """Add a target the whole network works to (the lead's)."""
    target = NetworkTarget(network_id=network.id, **_fields(
        session, network.id, subject, period_start, period_end, measure, theme, target_quantity, target_value_pence, basis, note))
    session.add(target)
    session.flush()
    return target


def set_partner_target(
    session: Session, *, subject: str, period_start: date, period_end: date,
    measure: Measure | None = None, theme: Theme | None = None, target_quantity=None,
    target_value_pence: int | None = None, basis: str = "delivered", note: str = "",
) -> PartnerTarget:
    """Add a target for the current partner."""
    organisation = session.get(Organisation, current_partner_id())
    target = PartnerTarget(organisation_id=organisation.id, **_fields(
        session, organisation.network_id, subject, period_start, period_end, measure, theme, target_quantity,
        target_value_pence, basis, note))
    session.add(target)
    session.flush()
    return target


@dataclass(frozen=True)
class TargetPerformance:
    target: NetworkTarget | PartnerTarget
    achieved_quantity: Decimal | None  # for a measure's target only
    achieved_value_pence: int

    @property
    def met(self) -> bool:
        if self.target.target_quantity is not None:
            return self.achieved_quantity >= self.target.target_quantity
        return self.achieved_value_pence >= self.target.target_value_pence

    @property
    def percent(self) -> Decimal | None:
        """Achieved as a percentage of the target (None for a zero target), to one place."""
        goal, got = (
            (Decimal(self.target.target_quantity), self.achieved_quantity)
            if self.target.target_quantity is not None
            else (Decimal(self.target.target_value_pence), Decimal(self.achieved_value_pence))
        )
        return None if goal == 0 else (Decimal(got) * 100 / goal).quantize(Decimal("0.1"))


def _achieved(session: Session, target) -> TargetPerformance:
    if target.basis == "delivered":
        quantity = DeliveryReport.quantity
        value = func.coalesce(DeliveryReport.rebased_value_pence, DeliveryReport.value_pence)
        query = (
            select(func.sum(quantity), func.sum(value))
            .select_from(DeliveryReport)
            .join(Commitment, Commitment.id == DeliveryReport.commitment_id)
            .where(DeliveryReport.status == "verified",
                   DeliveryReport.period_end >= target.period_start, DeliveryReport.period_end <= target.period_end)
        )
    else:
        value = func.coalesce(Commitment.rebased_value_pence, Commitment.committed_value_pence)
        query = select(func.sum(Commitment.quantity), func.sum(value)).where(
            Commitment.committed_on >= target.period_start, Commitment.committed_on <= target.period_end
        )
    if target.subject == "measure":
        query = query.where(Commitment.measure_id == target.measure_id)
    elif target.subject == "theme":
        query = query.join(Measure, Measure.id == Commitment.measure_id).where(Measure.theme_id == target.theme_id)
    got_quantity, got_value = session.execute(query).one()
    return TargetPerformance(
        target,
        Decimal(str(got_quantity or 0)).quantize(Decimal("0.001")) if target.subject == "measure" else None,
        int(got_value or 0),
    )


def performance_against_targets(
    session: Session, network: Network, *, organisation_id: int | None = None,
    period_start: date | None = None, period_end: date | None = None,
) -> list[TargetPerformance]:
    """Each target's achievement: the network's targets over all partners, or one partner's own.

    With ``organisation_id`` it reads that partner's totals (not lines): callers
    check that the user may see them (the partner itself or the network's lead).
    ``period_start``/``period_end`` keep the targets whose period overlaps them.
    """
    model = NetworkTarget if organisation_id is None else PartnerTarget
    if organisation_id is None:
        ids = session.scalars(select(Organisation.id).where(Organisation.network_id == network.id)).all()
        scope = network_wide(ids, f"social value targets of network {network.id}")
    else:
        organisation = session.get(Organisation, organisation_id)
        if organisation is None or organisation.network_id != network.id:
            raise SocialValueProblem("That organisation is not a partner of the network")
        scope = tenant_context(organisation_id)
    with scope:
        query = select(model).order_by(model.period_start, model.subject, model.id)
        if organisation_id is None:
            query = query.where(NetworkTarget.network_id == network.id)
        if period_start is not None:
            query = query.where(model.period_end >= period_start)
        if period_end is not None:
            query = query.where(model.period_start <= period_end)
        return [_achieved(session, target) for target in session.scalars(query).all()]
