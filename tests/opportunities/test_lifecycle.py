"""When may an opportunity be published, closed, withdrawn or changed, and is matching queued when it changes?"""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.extensions import db
from portal.matching.tasks import rematch_opportunity
from portal.opportunities import services
from portal.opportunities.models import Opportunity
from portal.opportunities.services import AskDetails, OpportunityProblem
from tenants import tenant_context

from .conftest import details


def _queued(session):
    return [(task, args) for _transaction, task, args, _ in session.info.get("tasks_after_commit", [])]


def test_publishing_needs_a_closing_date_ahead(council, app_ctx):
    with tenant_context(council.id):
        today = date.today()
        opportunity = services.create_opportunity(db.session, details(closing_date=today))
        with pytest.raises(OpportunityProblem, match="closing date must be in the future"):
            services.publish_opportunity(db.session, opportunity)
        assert opportunity.status == "draft" and _queued(db.session) == []
        opportunity.closing_date = today + timedelta(days=1)
        services.publish_opportunity(db.session, opportunity)
        assert opportunity.status == "published" and opportunity.published_at is not None
        assert _queued(db.session) == [(rematch_opportunity, (opportunity.id,))]


@pytest.mark.parametrize("status, change, allowed", [
    ("draft", services.publish_opportunity, True),
    ("published", services.publish_opportunity, False),
    ("draft", services.close_opportunity, False),
    ("published", services.close_opportunity, True),
    ("closed", services.close_opportunity, False),
    ("draft", services.withdraw_opportunity, True),
    ("published", services.withdraw_opportunity, True),
    ("closed", services.withdraw_opportunity, False),
    ("withdrawn", services.publish_opportunity, False),
])
def test_which_changes_of_status_are_allowed(council, make_opportunity, status, change, allowed):
    opportunity_id = make_opportunity(council, status=status)
    with tenant_context(council.id):
        opportunity = db.session.get(Opportunity, opportunity_id)
        if allowed:
            change(db.session, opportunity)
        else:
            with pytest.raises(OpportunityProblem):
                change(db.session, opportunity)
            assert opportunity.status == status


def test_a_closed_opportunity_cannot_be_changed(council, make_opportunity):
    opportunity_id = make_opportunity(council, status="closed")
    with tenant_context(council.id), pytest.raises(OpportunityProblem, match="closed"):
        services.update_opportunity(db.session, db.session.get(Opportunity, opportunity_id), details(title="New"))


def test_changing_a_published_one_queues_matching_and_a_draft_does_not(council, make_opportunity):
    published, draft = make_opportunity(council), make_opportunity(council, status="draft")
    with tenant_context(council.id):
        services.update_opportunity(db.session, db.session.get(Opportunity, draft), details(title="Draft again"))
        assert _queued(db.session) == []
        services.update_opportunity(db.session, db.session.get(Opportunity, published), details(title="Changed"))
        assert _queued(db.session) == [(rematch_opportunity, (published,))]
        db.session.rollback()
        assert _queued(db.session) == []  # a rollback drops the task


def test_the_pages_publish_and_refuse_with_a_reason(council, make_user, sign_in, make_opportunity):
    officer = sign_in(make_user(council, "officer"))
    past = make_opportunity(council, status="draft", closing_date=date.today() - timedelta(days=1))
    response = officer.post(f"/partner/opportunities/{past}/publish")
    assert response.status_code == 400
    assert "The closing date must be in the future" in response.get_data(as_text=True)
    ready = make_opportunity(council, status="draft")
    assert officer.post(f"/partner/opportunities/{ready}/publish").status_code == 302
    assert officer.post(f"/partner/opportunities/{ready}/close").status_code == 302
    assert officer.post(f"/partner/opportunities/{ready}/publish").status_code == 400
    with tenant_context(council.id):
        assert db.session.get(Opportunity, ready).status == "closed"


def test_asks_on_an_opportunity_or_on_their_own(council, police, make_opportunity, make_user, sign_in):
    mine = make_opportunity(council)
    theirs = make_opportunity(police)
    officer = sign_in(make_user(council, "officer"))
    response = officer.post("/partner/asks/new", data={"kind": "careers_talks", "title": "Careers talks at Wath",
                                                       "postcode_district": "s63", "opportunity_id": str(mine)})
    assert response.status_code == 302
    assert officer.post("/partner/asks/new", data={"kind": "mentoring", "title": "Mentor a charity"}).status_code == 302
    bad = officer.post("/partner/asks/new", data={"kind": "knitting", "title": "", "postcode_district": "nowhere",
                                                  "opportunity_id": str(theirs)})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400
    for message in ("Not a valid choice", "Enter a title for the ask", "is not a postcode district",
                    "Choose one of your own opportunities, or none"):
        assert message in page, message
    with tenant_context(council.id):
        asks = {a.title: a for a in db.session.scalars(db.select(services.SocialValueAsk))}
        assert asks["Careers talks at Wath"].opportunity_id == mine and asks["Careers talks at Wath"].postcode_district == "S63"
        assert asks["Mentor a charity"].opportunity_id is None
        ask_id = asks["Mentor a charity"].id
        linked_id = asks["Careers talks at Wath"].id
    # The ask's page links its opportunity: a link, not its markup as text.
    linked = officer.get(f"/partner/asks/{linked_id}").get_data(as_text=True)
    assert f'<a class="govuk-link" href="/partner/opportunities/{mine}">Resurfacing school playgrounds</a>' in linked
    assert "&lt;a class" not in linked
    assert officer.post(f"/partner/asks/{ask_id}/status", data={"status": "met"}).status_code == 302
    assert officer.post(f"/partner/asks/{ask_id}/status", data={"status": "lost"}).status_code == 400
    with tenant_context(council.id):
        assert db.session.get(services.SocialValueAsk, ask_id).status == "met"


def test_an_ask_cannot_hang_on_a_withdrawn_opportunity(council, make_opportunity):
    withdrawn = make_opportunity(council, status="withdrawn")
    with tenant_context(council.id), pytest.raises(OpportunityProblem, match="withdrawn"):
        services.create_ask(db.session, AskDetails(kind="mentoring", title="x", opportunity_id=withdrawn))
