"""Targets per reporting period, for the network and for each partner, and performance against them.

A target is about one measure (a quantity, or £), one theme (£) or all social
value (£), over a period. Achievement is counted on the target's ``basis``:
"delivered" sums verified delivery reports whose period ends within the
target's period; "committed" sums commitments made (``committed_on``) within
it. £ figures use the current valuation (re-based where the network re-based,
else as committed).

Beyond social value, a target is a share in per cent (local, SME or VCSE share
of procurable spend; Real Living Wage coverage of in-scope contracts) or an
amount (spend with employee-owned firms), counted as ``target_spend`` says.

A period is any span of days: a financial year, or a half (H1 is the first six
months of the network's year). A target whose period has ended reads "met" or
"missed"; a current one "met" (an amount reached early), "on track" or "not yet
met" (see ``TargetPerformance.status``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tenants import network_wide, tenant_context
from tenants.models import Network, Organisation

from . import target_spend
from .models import (
    SHARE_SUBJECTS,
    SPEND_SUBJECTS,
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


def _fields(session, network_id, subject, period_start, period_end, measure, theme, target_quantity, target_value_pence,
            basis, note, target_percent=None):
    if subject in SHARE_SUBJECTS:
        return _share_fields(subject, period_start, period_end, target_percent, target_quantity, target_value_pence, note)
    if target_percent is not None:
        raise SocialValueProblem("Only a share's target is a percentage")
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
    if subject in SPEND_SUBJECTS:
        basis = "delivered"  # not used: spend is counted from spend lines
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
        "target_percent": None,
    }


def _share_fields(subject, period_start, period_end, target_percent, target_quantity, target_value_pence, note):
    if period_end < period_start:
        raise SocialValueProblem("The period cannot end before it starts")
    if target_quantity is not None or target_value_pence is not None:
        raise SocialValueProblem("A share's target is a percentage, not a quantity or £ value")
    if target_percent is None:
        raise SocialValueProblem("Give the target percentage")
    percent = Decimal(str(target_percent))
    if not Decimal(0) <= percent <= Decimal(100):
        raise SocialValueProblem("The target percentage must be between 0 and 100")
    return {
        "subject": subject, "period_start": period_start, "period_end": period_end, "measure_id": None, "theme_id": None,
        "target_quantity": None, "target_value_pence": None, "target_percent": percent.quantize(Decimal("0.01")),
        "basis": "delivered", "note": note,
    }


def set_network_target(
    session: Session, network: Network, *, subject: str, period_start: date, period_end: date,
    measure: Measure | None = None, theme: Theme | None = None, target_quantity=None,
    target_value_pence: int | None = None, basis: str = "delivered", note: str = "", target_percent=None,
) -> NetworkTarget:
    """Add a target the whole network works to (the lead's)."""
    target = NetworkTarget(network_id=network.id, **_fields(
        session, network.id, subject, period_start, period_end, measure, theme, target_quantity, target_value_pence, basis,
        note, target_percent))
    session.add(target)
    session.flush()
    return target


def set_partner_target(
    session: Session, *, subject: str, period_start: date, period_end: date,
    measure: Measure | None = None, theme: Theme | None = None, target_quantity=None,
    target_value_pence: int | None = None, basis: str = "delivered", note: str = "", target_percent=None,
) -> PartnerTarget:
    """Add a target for the current partner."""
    organisation = session.get(Organisation, current_partner_id())
    target = PartnerTarget(organisation_id=organisation.id, **_fields(
        session, organisation.network_id, subject, period_start, period_end, measure, theme, target_quantity,
        target_value_pence, basis, note, target_percent))
    session.add(target)
    session.flush()
    return target


STATUS_LABELS = {"met": "Met", "missed": "Missed", "on_track": "On track", "not_yet_met": "Not yet met"}


@dataclass(frozen=True)
class TargetPerformance:
    target: NetworkTarget | PartnerTarget
    achieved_quantity: Decimal | None  # for a measure's target only
    achieved_value_pence: int | None  # None for a share's target
    as_of: date  # the day the status is judged on
    achieved_percent: Decimal | None = None  # for a share's target only

    @property
    def met(self) -> bool:
        if self.target.target_percent is not None:
            return self.achieved_percent >= self.target.target_percent
        if self.target.target_quantity is not None:
            return self.achieved_quantity >= self.target.target_quantity
        return self.achieved_value_pence >= self.target.target_value_pence

    @property
    def ended(self) -> bool:
        return self.target.period_end < self.as_of

    @property
    def status(self) -> str:
        """"met" or "missed" once the period has ended, never "not yet met"; during it, as the figures stand.

        An amount (a quantity or £) reached during the period is met for good. A share can
        still fall, so one at or above its target is "on track". Otherwise an amount at or
        above the part of its target due by now (pro rata by days) is "on track".
        """
        if self.ended:
            return "met" if self.met else "missed"
        if self.target.target_percent is not None:
            return "on_track" if self.met else "not_yet_met"
        if self.met:
            return "met"
        return "on_track" if self._due_so_far() else "not_yet_met"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def _due_so_far(self) -> bool:
        t = self.target
        days = (t.period_end - t.period_start).days + 1
        gone = max(0, (self.as_of - t.period_start).days)
        if t.target_quantity is not None:
            return self.achieved_quantity * days >= t.target_quantity * gone
        return self.achieved_value_pence * days >= t.target_value_pence * gone

    @property
    def percent(self) -> Decimal | None:
        """Achieved as a percentage of the target (None for a zero target), to one place."""
        if self.target.target_percent is not None:
            goal, got = Decimal(self.target.target_percent), self.achieved_percent
        elif self.target.target_quantity is not None:
            goal, got = Decimal(self.target.target_quantity), self.achieved_quantity
        else:
            goal, got = Decimal(self.target.target_value_pence), Decimal(self.achieved_value_pence)
        return None if goal == 0 else (Decimal(got) * 100 / goal).quantize(Decimal("0.1"))


def _achieved_beyond(session: Session, network: Network, target, organisation_ids, as_of: date) -> TargetPerformance:
    """A spend share, Real Living Wage coverage or employee-owned spend target (``target_spend``)."""
    organisation_id = getattr(target, "organisation_id", None)
    start, end = target.period_start, target.period_end
    if target.subject == "employee_owned_spend":
        figure = target_spend.employee_owned_spend(session, network.id, organisation_id, start, end)
        return TargetPerformance(target, None, figure.part, as_of)
    if target.subject == "rlw_coverage":
        ids = organisation_ids if organisation_id is None else [organisation_id]
        figure = target_spend.living_wage_coverage(session, ids, start, end)
    else:
        figure = target_spend.spend_share(session, network.id, organisation_id, target.subject, start, end)
    return TargetPerformance(target, None, None, as_of, target_spend.achieved_percent(target.subject, figure))


def _achieved(session: Session, target, as_of: date) -> TargetPerformance:
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
        as_of,
    )


def performance_against_targets(
    session: Session, network: Network, *, organisation_id: int | None = None,
    period_start: date | None = None, period_end: date | None = None, as_of: date | None = None,
) -> list[TargetPerformance]:
    """Each target's achievement: the network's targets over all partners, or one partner's own.

    With ``organisation_id`` it reads that partner's totals (not lines): callers
    check that the user may see them (the partner itself or the network's lead).
    ``period_start``/``period_end`` keep the targets whose period overlaps them; ``as_of``
    (default today) is the day a status is judged on.
    """
    as_of = as_of or date.today()
    model = NetworkTarget if organisation_id is None else PartnerTarget
    if organisation_id is None:
        ids = list(session.scalars(select(Organisation.id).where(Organisation.network_id == network.id)).all())
        scope = network_wide(ids, f"social value targets of network {network.id}")
    else:
        organisation = session.get(Organisation, organisation_id)
        if organisation is None or organisation.network_id != network.id:
            raise SocialValueProblem("That organisation is not a partner of the network")
        ids = [organisation_id]
        scope = tenant_context(organisation_id)
    with scope:
        query = select(model).order_by(model.period_start, model.subject, model.id)
        if organisation_id is None:
            query = query.where(NetworkTarget.network_id == network.id)
        if period_start is not None:
            query = query.where(model.period_end >= period_start)
        if period_end is not None:
            query = query.where(model.period_start <= period_end)
        beyond = set(SHARE_SUBJECTS) | set(SPEND_SUBJECTS)
        return [_achieved_beyond(session, network, target, ids, as_of) if target.subject in beyond
                else _achieved(session, target, as_of) for target in session.scalars(query).all()]
