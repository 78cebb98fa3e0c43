"""Delivery reports: what a supplier says it delivered against a commitment, checked by the partner.

Never counted twice, by design: a report is one row for ever. Editing it
updates that row, bumps ``revision`` and sends it back to "reported" (clearing
the verification); verifying it again is a no-op. Delivered totals are sums
over rows whose status is "verified", so each report counts at most once, at
its latest verified content. A report belongs to one commitment, and so to
one contract (nothing is counted for two contracts), and two live reports of
the same commitment may not cover overlapping periods.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.formatting import govuk_date
from tenants.models import Network, Organisation, utcnow

from .commitments import _quantity
from .measures import value_of
from .models import Commitment, DeliveryBeneficiaryCount, DeliveryReport
from .problems import SocialValueProblem
from .tasks import queue_totals_refresh

# (ward, protected group, count); '' or None for "not recorded". Counts only: never a person.
BeneficiaryInput = Iterable[tuple[str | None, str | None, int]]


def _beneficiaries(organisation_id: int, rows: BeneficiaryInput) -> list[DeliveryBeneficiaryCount]:
    seen, counts = set(), []
    for ward, group, count in rows:
        ward, group = (ward or "").strip(), (group or "").strip()
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise SocialValueProblem("Each number of beneficiaries must be a whole number, not negative")
        if (ward, group) in seen:
            raise SocialValueProblem(f"Ward {ward or '(not recorded)'} and group {group or '(not recorded)'} appear twice")
        if len(ward) > 120 or len(group) > 120:
            raise SocialValueProblem("A ward or group name is longer than 120 characters")
        seen.add((ward, group))
        counts.append(DeliveryBeneficiaryCount(organisation_id=organisation_id, ward=ward, protected_group=group, count=count))
    return counts


def _check_period(session: Session, commitment: Commitment, start: date, end: date, report_id: int | None) -> None:
    if end < start:
        raise SocialValueProblem("The period cannot end before it starts")
    overlapping = session.scalars(
        select(DeliveryReport).where(
            DeliveryReport.commitment_id == commitment.id,
            DeliveryReport.status != "rejected",
            DeliveryReport.period_start <= end,
            DeliveryReport.period_end >= start,
            DeliveryReport.id != (report_id or -1),
        )
    ).first()
    if overlapping is not None:
        raise SocialValueProblem(
            f"Delivery from {govuk_date(overlapping.period_start)} to {govuk_date(overlapping.period_end)} is already "
            "reported for this commitment: change that report rather than add another"
        )


def _value(report: DeliveryReport, commitment: Commitment) -> None:
    report.value_pence = value_of(report.quantity, commitment.proxy_value_pence)
    report.rebased_value_pence = (
        value_of(report.quantity, commitment.rebased_proxy_value_pence) if commitment.rebased_edition else None
    )


def record_delivery(
    session: Session, commitment: Commitment, *, period_start: date, period_end: date, quantity,
    narrative: str = "", beneficiaries: BeneficiaryInput = (), reported_by=None, via: str = "user",
) -> DeliveryReport:
    """Report delivery against one commitment for one period; it counts once verified.

    ``reported_by`` is the user (None when ``via="supplier_link"``).
    """
    _check_period(session, commitment, period_start, period_end, None)
    report = DeliveryReport(
        organisation_id=commitment.organisation_id, commitment_id=commitment.id,
        period_start=period_start, period_end=period_end, quantity=_quantity(quantity),
        narrative=(narrative or "").strip(), status="reported", reported_via=via,
        reported_by_id=reported_by.id if reported_by is not None else None,
        beneficiaries=_beneficiaries(commitment.organisation_id, beneficiaries),
    )
    _value(report, commitment)
    session.add(report)
    session.flush()
    return report


def edit_delivery(
    session: Session, report: DeliveryReport, *, period_start: date | None = None, period_end: date | None = None,
    quantity=None, narrative: str | None = None, beneficiaries: BeneficiaryInput | None = None,
) -> DeliveryReport:
    """Change a report in place; it goes back to "reported" and stops counting until verified again."""
    commitment = report.commitment
    start, end = period_start or report.period_start, period_end or report.period_end
    _check_period(session, commitment, start, end, report.id)
    queue_totals_refresh(session, report.organisation_id, [report.period_end, end])  # the year it leaves and the one it joins
    report.period_start, report.period_end = start, end
    if quantity is not None:
        report.quantity = _quantity(quantity)
    if narrative is not None:
        report.narrative = narrative.strip()
    if beneficiaries is not None:
        report.beneficiaries.clear()
        session.flush()  # the old counts go before the new ones meet the unique key
        report.beneficiaries.extend(_beneficiaries(report.organisation_id, beneficiaries))
    _value(report, commitment)
    report.status, report.rejection_reason = "reported", None
    report.verified_by_id = report.verified_at = None
    report.revision += 1
    session.flush()
    return report


class SamePersonRefused(SocialValueProblem):
    """Four eyes: the person who recorded a report may not verify it."""


def may_verify(session: Session, report: DeliveryReport, user) -> bool:
    """False when the network asks for four eyes and ``user`` recorded this report."""
    if report.reported_by_id is None or report.reported_by_id != user.id:
        return True
    network = session.get(Network, session.get(Organisation, report.organisation_id).network_id)
    return not network.four_eyes_verification


def verify_delivery(session: Session, report: DeliveryReport, verified_by) -> DeliveryReport:
    """Accept a report as delivered; verifying a verified report changes nothing.

    :raise SamePersonRefused: when the network asks for four eyes and ``verified_by`` recorded it.
    """
    if report.status == "verified":
        return report
    if not may_verify(session, report, verified_by):
        raise SamePersonRefused(
            "You recorded this report, so someone else must verify it: your network asks for a second person to check each report"
        )
    report.status, report.rejection_reason = "verified", None
    report.verified_by_id, report.verified_at = verified_by.id, utcnow()
    session.flush()
    queue_totals_refresh(session, report.organisation_id, [report.period_end])
    return report


def reject_delivery(session: Session, report: DeliveryReport, rejected_by, reason: str) -> DeliveryReport:
    """Refuse a report, saying why (the supplier sees the reason); it stops counting."""
    reason = (reason or "").strip()
    if not reason:
        raise SocialValueProblem("Say why the report is rejected")
    report.status, report.rejection_reason = "rejected", reason
    report.verified_by_id, report.verified_at = rejected_by.id, utcnow()
    session.flush()
    queue_totals_refresh(session, report.organisation_id, [report.period_end])
    return report


def get_report(session: Session, report_id: int) -> DeliveryReport | None:
    """A delivery report visible in the current tenant context, or None."""
    return session.scalars(select(DeliveryReport).where(DeliveryReport.id == report_id)).first()


@dataclass(frozen=True)
class Delivered:
    """Verified delivery of one commitment: quantity, value as committed and as re-based."""

    quantity: Decimal
    value_pence: int
    current_value_pence: int
    reports: int


def delivered_by_commitment(session: Session, commitment_ids: Iterable[int] | None = None, up_to: date | None = None) -> dict[int, Delivered]:
    """Verified delivery per visible commitment (those with none are absent), optionally of periods ending by ``up_to``."""
    query = (
        select(
            DeliveryReport.commitment_id,
            func.sum(DeliveryReport.quantity),
            func.sum(DeliveryReport.value_pence),
            func.sum(func.coalesce(DeliveryReport.rebased_value_pence, DeliveryReport.value_pence)),
            func.count(),
        )
        .where(DeliveryReport.status == "verified")
        .group_by(DeliveryReport.commitment_id)
    )
    if commitment_ids is not None:
        query = query.where(DeliveryReport.commitment_id.in_(list(commitment_ids)))
    if up_to is not None:
        query = query.where(DeliveryReport.period_end <= up_to)
    return {
        cid: Delivered(Decimal(str(q)).quantize(Decimal("0.001")), int(v), int(cv), int(n))
        for cid, q, v, cv, n in session.execute(query)
    }
