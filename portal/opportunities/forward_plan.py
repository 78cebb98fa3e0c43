"""The public forward plan: what a network's partners expect to buy, by CPV division and value band.

It lists published opportunities at the planned or market engagement stage whose expected tender
date falls from today to ``months`` ahead (6, 12 or 18: the Rotherham priority is "a forward view
of what the partners will buy" so local firms can get ready). Each opportunity is placed under the
division of its first (lowest) CPV code, so it is counted once, however many codes it has.
"""
from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal import cpv
from tenants import network_wide
from tenants.models import Network, Organisation

from .models import VALUE_BANDS, Opportunity
from .pipeline import FORWARD_PLAN_STAGES

HORIZONS = (6, 12, 18)
DEFAULT_HORIZON = 18


@dataclass(frozen=True)
class PlannedPurchase:
    id: int
    title: str
    partner_name: str
    network_slug: str
    stage: str
    expected_tender_on: date
    value_band: str
    division: str


@dataclass(frozen=True)
class DivisionPlan:
    division: str  # the two-digit division padded to a code, like "45000000"
    label: str
    by_band: tuple[tuple[str, tuple[PlannedPurchase, ...]], ...]  # value bands in order, only those with purchases

    @property
    def count(self) -> int:
        return sum(len(items) for _, items in self.by_band)


def forward_plan(session: Session, networks: list[Network], months: int = DEFAULT_HORIZON,
                 today: date | None = None) -> list[DivisionPlan]:
    """The networks' expected purchases in the next ``months``, by division (in code order) and value band."""
    today = today or date.today()
    until = months_after(today, months)
    partners = {o.id: o for o in session.scalars(
        select(Organisation).where(Organisation.network_id.in_([n.id for n in networks])))}
    slugs = {n.id: n.slug for n in networks}
    with network_wide(list(partners), "public forward plan of published opportunities"):
        rows = session.scalars(
            select(Opportunity)
            .where(Opportunity.status == "published", Opportunity.stage.in_(FORWARD_PLAN_STAGES),
                   Opportunity.expected_tender_on >= today, Opportunity.expected_tender_on <= until)
            .order_by(Opportunity.expected_tender_on, Opportunity.id)
            .options(selectinload(Opportunity.categories))
        ).all()
        purchases = [
            PlannedPurchase(
                o.id, o.title, partners[o.organisation_id].name, slugs[partners[o.organisation_id].network_id], o.stage,
                o.expected_tender_on, o.value_band, _division(o.cpv_codes))
            for o in rows
        ]
    grouped: dict[str, dict[str, list[PlannedPurchase]]] = defaultdict(lambda: defaultdict(list))
    for purchase in purchases:
        grouped[purchase.division][purchase.value_band].append(purchase)
    return [
        DivisionPlan(division, cpv.label(division) or division, tuple(
            (band, tuple(grouped[division][band])) for band in VALUE_BANDS if grouped[division].get(band)))
        for division in sorted(grouped)
    ]


def months_after(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has no such day: 31 August -> 28 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _division(codes: list[str]) -> str:
    return (min(codes)[:2] + "000000") if codes else "00000000"
