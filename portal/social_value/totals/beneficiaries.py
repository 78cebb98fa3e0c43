"""Beneficiary counts on verified delivery reports, by ward and by protected group."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from ..models import DeliveryBeneficiaryCount, DeliveryReport


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
