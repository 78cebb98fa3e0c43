"""Which stage moves are allowed, which are refused and why, and how a stage meets the public status."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.extensions import db
from portal.matching.tasks import rematch_opportunity
from portal.opportunities import pipeline, services
from portal.opportunities.models import STAGES, Opportunity
from portal.opportunities.services import OpportunityProblem
from tenants import tenant_context

from .conftest import details

ALLOWED = {
    ("planned", "market_engagement"), ("planned", "tender"), ("planned", "cancelled"),
    ("market_engagement", "tender"), ("market_engagement", "cancelled"),
    ("tender", "awarded"), ("tender", "cancelled"),
}
EVERY_PAIR = [(a, b) for a in STAGES for b in STAGES]


def _at_stage(stage: str) -> Opportunity:
    """A draft opportunity brought to ``stage`` the way an officer would (an award for "awarded")."""
    start = stage if stage in services.STARTING_STAGES else "tender"
    opportunity = services.create_opportunity(db.session, details(), stage=start)
    if stage == "cancelled":
        pipeline.move_to_stage(db.session, opportunity, "cancelled")
    if stage == "awarded":
        pipeline.move_to_stage(db.session, opportunity, "awarded", award_recorded=True)
    return opportunity


def test_the_table_of_moves_is_the_one_agreed():
    assert {(a, b) for a, moves in pipeline.MOVES.items() for b in moves} == ALLOWED


@pytest.mark.parametrize("start, end", EVERY_PAIR)
def test_every_move_between_two_stages(council, start, end):
    """Is each move either made (with its date) or refused with a message naming the stages, leaving it as it was?"""
    with tenant_context(council.id):
        opportunity = _at_stage(start)
        assert opportunity.stage == start
        if (start, end) in ALLOWED:
            pipeline.move_to_stage(db.session, opportunity, end, award_recorded=True)
            assert opportunity.stage == end
            assert getattr(opportunity, pipeline.ACTUAL_DATE[end]) == date.today()
        else:
            with pytest.raises(OpportunityProblem) as refused:
                pipeline.move_to_stage(db.session, opportunity, end, award_recorded=True)
            assert opportunity.stage == start
            message = str(refused.value)
            if start == end:
                assert "already" in message
            elif pipeline.MOVES[start]:
                assert f"not to {end.replace('_', ' ')}" in message
            else:
                assert "can no longer change" in message


def test_awarded_needs_the_award_recorded(council):
    with tenant_context(council.id):
        opportunity = _at_stage("tender")
        with pytest.raises(OpportunityProblem, match="Record the award"):
            pipeline.move_to_stage(db.session, opportunity, "awarded")
        assert opportunity.stage == "tender"


def test_a_stage_cannot_start_before_the_last_one_did(council):
    with tenant_context(council.id):
        opportunity = _at_stage("planned")
        pipeline.move_to_stage(db.session, opportunity, "market_engagement", date(2026, 5, 1))
        with pytest.raises(OpportunityProblem, match="before the last stage began"):
            pipeline.move_to_stage(db.session, opportunity, "tender", date(2026, 4, 30))
        pipeline.move_to_stage(db.session, opportunity, "tender", date(2026, 5, 1))
        assert (opportunity.market_engagement_on, opportunity.tender_on) == (date(2026, 5, 1), date(2026, 5, 1))


def test_an_unknown_stage_or_start_is_refused(council):
    with tenant_context(council.id):
        with pytest.raises(OpportunityProblem, match="A new opportunity is planned"):
            services.create_opportunity(db.session, details(), stage="awarded")
        opportunity = _at_stage("planned")
        with pytest.raises(OpportunityProblem, match="not a stage"):
            pipeline.move_to_stage(db.session, opportunity, "shortlisted")


def test_expected_dates_must_run_in_order(council):
    with tenant_context(council.id):
        opportunity = _at_stage("planned")
        with pytest.raises(OpportunityProblem, match="expected award date cannot be before the expected tender"):
            pipeline.set_expected_dates(db.session, opportunity, market_engagement=None,
                                        tender=date(2027, 6, 1), award=date(2027, 5, 1))
        pipeline.set_expected_dates(db.session, opportunity, market_engagement=date(2027, 3, 1),
                                    tender=date(2027, 6, 1), award=date(2027, 9, 1))
        assert opportunity.expected_tender_on == date(2027, 6, 1)


def test_cancelling_withdraws_and_awarding_closes_a_published_opportunity(council, make_opportunity):
    cancelled_id, awarded_id = make_opportunity(council), make_opportunity(council)
    with tenant_context(council.id):
        cancelled, awarded = db.session.get(Opportunity, cancelled_id), db.session.get(Opportunity, awarded_id)
        db.session.info.pop("tasks_after_commit", None)
        pipeline.move_to_stage(db.session, cancelled, "cancelled")
        pipeline.move_to_stage(db.session, awarded, "awarded", award_recorded=True)
        assert (cancelled.status, awarded.status) == ("withdrawn", "closed")
        queued = [args for _t, task, args, _ in db.session.info.get("tasks_after_commit", []) if task is rematch_opportunity]
        assert queued == [(cancelled_id,), (awarded_id,)]  # matching drops both


def test_withdrawing_cancels_and_an_awarded_one_cannot_be_withdrawn(council, make_opportunity):
    with tenant_context(council.id):
        draft = _at_stage("planned")
        services.withdraw_opportunity(db.session, draft)
        assert (draft.status, draft.stage, draft.cancelled_on) == ("withdrawn", "cancelled", date.today())
        awarded = _at_stage("awarded")
        with pytest.raises(OpportunityProblem, match="awarded"):
            services.withdraw_opportunity(db.session, awarded)


def test_a_new_opportunity_at_tender_is_dated_and_others_are_not(council):
    with tenant_context(council.id):
        tender = services.create_opportunity(db.session, details())
        planned = services.create_opportunity(db.session, details(closing_date=date.today() + timedelta(days=300)),
                                              stage="planned")
        assert (tender.stage, tender.tender_on) == ("tender", date.today())
        assert (planned.stage, planned.tender_on, planned.market_engagement_on) == ("planned", None, None)
