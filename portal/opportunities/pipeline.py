"""An opportunity's procurement stage: planned, market engagement, tender, awarded, or cancelled.

The stage is where the purchase is; ``status`` (draft, published, closed, withdrawn) stays who may
see it. They meet at three points, and only there:

* A published opportunity at the planned or market engagement stage is on the public forward
  plan, not the list of open opportunities: nothing can be bid for yet. At the tender stage it is
  on the open list, as every published opportunity was before stages existed (which is why they
  were all given the tender stage).
* Awarding a published opportunity closes it (it leaves the open list, and matching drops it):
  the work is no longer to be had. A draft stays a draft: awards of unpublished work are recorded
  too, for the funnel and the contract, without ever making them public.
* Cancelling is withdrawing: a draft or published opportunity is withdrawn, and withdrawing one
  (``services.withdraw_opportunity``) cancels it.

Moving to "awarded" needs the winner and the value, so it happens only through
``awards.record_award``, which calls ``move_to_stage`` with the award in hand.
"""
from __future__ import annotations

from datetime import date
from itertools import pairwise

from sqlalchemy.orm import Session

from .labels import STAGE_LABELS
from .models import Opportunity
from .services import OpportunityProblem, on_opportunity_changed

# The moves allowed from each stage. Market engagement is optional (many buys go straight to
# tender); nothing moves backwards, and awarded and cancelled are final.
MOVES: dict[str, tuple[str, ...]] = {
    "planned": ("market_engagement", "tender", "cancelled"),
    "market_engagement": ("tender", "cancelled"),
    "tender": ("awarded", "cancelled"),
    "awarded": (),
    "cancelled": (),
}
# The date column each stage's move sets (planned has none: it is where an opportunity starts).
ACTUAL_DATE = {
    "market_engagement": "market_engagement_on",
    "tender": "tender_on",
    "awarded": "awarded_on",
    "cancelled": "cancelled_on",
}
FORWARD_PLAN_STAGES = ("planned", "market_engagement")


def can_move(opportunity: Opportunity, stage: str) -> bool:
    return stage in MOVES.get(opportunity.stage, ())


def next_stages(opportunity: Opportunity) -> tuple[str, ...]:
    """The stages an officer may move this opportunity to by hand (awarding has its own form)."""
    return tuple(s for s in MOVES[opportunity.stage] if s != "awarded")


def move_to_stage(
    session: Session, opportunity: Opportunity, stage: str, on: date | None = None, *, award_recorded: bool = False
) -> Opportunity:
    """Move the opportunity to ``stage`` on ``on`` (today), or raise OpportunityProblem saying why not."""
    if stage not in MOVES:
        raise OpportunityProblem(f"“{stage}” is not a stage", "stage")
    current = opportunity.stage
    if stage == current:
        raise OpportunityProblem(f"This opportunity is already at the {STAGE_LABELS[stage].lower()} stage", "stage")
    if not can_move(opportunity, stage):
        if MOVES[current]:
            allowed = " or ".join(STAGE_LABELS[s].lower() for s in MOVES[current])
            raise OpportunityProblem(
                f"An opportunity at the {STAGE_LABELS[current].lower()} stage can move to {allowed}, "
                f"not to {STAGE_LABELS[stage].lower()}", "stage")
        raise OpportunityProblem(f"This opportunity is {STAGE_LABELS[current].lower()}: its stage can no longer change", "stage")
    if stage == "awarded" and not award_recorded:
        raise OpportunityProblem("Record the award (the winner and the value) to move it to awarded", "stage")
    on = on or date.today()
    started = _last_actual_date(opportunity)
    if started and on < started:
        raise OpportunityProblem(
            f"The date cannot be before the last stage began ({started:%-d %B %Y})", "on")
    was_public = opportunity.status == "published"
    opportunity.stage = stage
    setattr(opportunity, ACTUAL_DATE[stage], on)
    if stage == "awarded" and opportunity.status == "published":
        opportunity.status = "closed"
    if stage == "cancelled" and opportunity.status in ("draft", "published"):
        opportunity.status = "withdrawn"
    session.flush()
    if was_public:
        on_opportunity_changed(session, opportunity.id)
    return opportunity


def _last_actual_date(opportunity: Opportunity) -> date | None:
    dates = [getattr(opportunity, column) for column in ACTUAL_DATE.values() if getattr(opportunity, column)]
    return max(dates) if dates else None


def set_expected_dates(
    session: Session, opportunity: Opportunity, *, market_engagement: date | None, tender: date | None,
    award: date | None,
) -> Opportunity:
    """The officer's plan: when each stage is expected to start. They must run in order."""
    planned = [(n, d) for n, d in (("market engagement", market_engagement), ("tender", tender), ("award", award)) if d]
    for (first, a), (then, b) in pairwise(planned):
        if b < a:
            raise OpportunityProblem(f"The expected {then} date cannot be before the expected {first} date", "expected_tender_on")
    opportunity.expected_market_engagement_on = market_engagement
    opportunity.expected_tender_on = tender
    opportunity.expected_award_on = award
    session.flush()
    return opportunity
