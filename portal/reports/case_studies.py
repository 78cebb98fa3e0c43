"""Case studies for the annual report: delivery reports' narratives an officer picks, and the partner's publishing threshold.

Plain functions on a session, inside the partner's tenant context (the ORM scoping and
row-level security keep every query to the partner's own reports). Services flush;
the request commits.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.social_value.models import Commitment, Contract, DeliveryReport
from tenants.models import Organisation

from .models import CaseStudy

# What partners' published spend files cover (the Transparency Code's £500; many NHS bodies' £25,000).
THRESHOLDS = {50_000: "over £500", 2_500_000: "over £25,000"}


@dataclass(frozen=True)
class Narrative:
    """A verified delivery report with something to say: the candidate (or chosen) case study."""

    delivery_report_id: int
    contract_reference: str
    contract_title: str
    supplier: str
    period_end: date
    narrative: str
    chosen: bool


def narratives(session: Session, year_start: date, year_end: date) -> list[Narrative]:
    """The partner's verified reports for periods ending in the year that carry a narrative, chosen ones first."""
    year = year_start.year
    chosen = set(session.scalars(select(CaseStudy.delivery_report_id).where(CaseStudy.year == year)))
    rows = session.execute(
        select(DeliveryReport.id, Contract.reference, Contract.title, Contract.supplier_name_as_given,
               DeliveryReport.period_end, DeliveryReport.narrative)
        .join(Commitment, Commitment.id == DeliveryReport.commitment_id)
        .join(Contract, Contract.id == Commitment.contract_id)
        .where(DeliveryReport.status == "verified", DeliveryReport.narrative != "",
               DeliveryReport.period_end >= year_start, DeliveryReport.period_end < year_end)
        .order_by(DeliveryReport.period_end, DeliveryReport.id)
    ).all()
    found = [Narrative(r.id, r.reference, r.title, r.supplier_name_as_given or "", r.period_end, r.narrative, r.id in chosen)
             for r in rows]
    return sorted(found, key=lambda n: not n.chosen)


def chosen_narratives(session: Session, year_start: date, year_end: date) -> list[Narrative]:
    return [n for n in narratives(session, year_start, year_end) if n.chosen]


def choose(session: Session, organisation: Organisation, year_start: date, year_end: date,
           delivery_report_ids: Iterable[int], user_id: int | None) -> list[int]:
    """Make these the year's case studies; ids that are not the partner's candidates are returned, and nothing is saved.

    A failed choice changes nothing: an id from another partner (or a report with no
    narrative) is refused whole, never half-saved.
    """
    wanted = set(delivery_report_ids)
    candidates = {n.delivery_report_id for n in narratives(session, year_start, year_end)}
    refused = sorted(wanted - candidates)
    if refused:
        return refused
    session.execute(delete(CaseStudy).where(CaseStudy.organisation_id == organisation.id,
                                            CaseStudy.year == year_start.year))
    session.add_all(CaseStudy(organisation_id=organisation.id, year=year_start.year, delivery_report_id=i,
                              chosen_by_id=user_id) for i in sorted(wanted))
    session.flush()
    return []


def set_publishing_threshold(session: Session, organisation: Organisation, pence: int | None) -> bool:
    """Record what the partner's published spend files cover; True when it changed."""
    if pence is not None and pence not in THRESHOLDS:
        raise ValueError(f"not a publishing threshold: {pence}")
    if organisation.publishes_spend_over_pence == pence:
        return False
    organisation.publishes_spend_over_pence = pence
    session.flush()
    return True
