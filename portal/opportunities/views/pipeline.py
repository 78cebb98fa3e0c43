"""A partner moves its opportunity through the pipeline: stage, plan, bidders and the award."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectChoice

from portal.extensions import db
from tenants.web import current_partner, partner_required

from .. import awards, pipeline
from ..labels import STAGE_LABELS
from ..pipeline_forms import AwardForm, BidForm, PlanForm, StageForm, bidder_value
from ..services import OpportunityProblem
from . import bp
from .partner import opportunity_or_404


def _back(opportunity):
    return redirect(url_for("opportunities.manage", opportunity_id=opportunity.id))


@bp.route("/partner/opportunities/<int:opportunity_id>/stage", methods=["GET", "POST"])
@partner_required("officer")
def stage(opportunity_id: int):
    opportunity = opportunity_or_404(opportunity_id)
    form = StageForm()
    form.stage.choices = [SelectChoice(s, STAGE_LABELS[s]) for s in pipeline.next_stages(opportunity)]
    if not form.stage.choices:
        flash(f"This opportunity is {STAGE_LABELS[opportunity.stage].lower()}: its stage can no longer change.", "important")
        return _back(opportunity)
    if form.is_submitted() and not form.on.raw_data:
        form.on.data = date.today()
    if form.validate_on_submit():
        try:
            pipeline.move_to_stage(db.session, opportunity, form.stage.data, form.on.data)
        except OpportunityProblem as problem:
            db.session.rollback()
            form.stage.errors.append(str(problem))
        else:
            db.session.commit()
            flash(f"“{opportunity.title}” moved to {STAGE_LABELS[opportunity.stage].lower()}.", "success")
            return _back(opportunity)
    if not form.is_submitted():
        form.on.data = date.today()
    return render_template("opportunities/stage.html", form=form, opportunity=opportunity), (400 if form.errors else 200)


@bp.route("/partner/opportunities/<int:opportunity_id>/plan", methods=["GET", "POST"])
@partner_required("officer")
def plan(opportunity_id: int):
    opportunity = opportunity_or_404(opportunity_id)
    form = PlanForm()
    if form.validate_on_submit():
        try:
            pipeline.set_expected_dates(
                db.session, opportunity, market_engagement=form.expected_market_engagement_on.data,
                tender=form.expected_tender_on.data, award=form.expected_award_on.data)
        except OpportunityProblem as problem:
            db.session.rollback()
            form.expected_tender_on.errors.append(str(problem))
        else:
            opportunity.find_a_tender_notice, opportunity.contracts_finder_notice = form.fts, form.cf
            db.session.commit()
            flash(f"The plan for “{opportunity.title}” saved.", "success")
            return _back(opportunity)
    if not form.is_submitted():
        form.expected_market_engagement_on.data = opportunity.expected_market_engagement_on
        form.expected_tender_on.data = opportunity.expected_tender_on
        form.expected_award_on.data = opportunity.expected_award_on
        form.find_a_tender_notice.data = opportunity.find_a_tender_notice or ""
        form.contracts_finder_notice.data = opportunity.contracts_finder_notice or ""
    return render_template("opportunities/plan.html", form=form, opportunity=opportunity), (400 if form.errors else 200)


def _choices(opportunity) -> list[SelectChoice]:
    return [SelectChoice("", "Choose")] + [SelectChoice(bidder_value(b), label) for b, label in awards.bidder_choices(db.session, opportunity)]


@bp.route("/partner/opportunities/<int:opportunity_id>/bids", methods=["GET", "POST"])
@partner_required("viewer")
def bids(opportunity_id: int):
    opportunity = opportunity_or_404(opportunity_id)
    form = BidForm()
    form.bidder.choices = _choices(opportunity)
    if form.is_submitted():
        if not current_partner().can("officer"):
            abort(403)
        if form.validate():
            try:
                bid = awards.record_bid(db.session, opportunity, form.chosen)
            except OpportunityProblem as problem:
                db.session.rollback()
                form.bidder.errors.append(str(problem))
            else:
                db.session.commit()
                flash(f"{bid.name}'s bid recorded.", "success")
                return redirect(url_for("opportunities.bids", opportunity_id=opportunity.id))
    return render_template(
        "opportunities/bids.html", form=form, opportunity=opportunity, bids=awards.bids(db.session, opportunity),
        award=awards.award_of(db.session, opportunity),
    ), (400 if form.errors else 200)


@bp.route("/partner/opportunities/<int:opportunity_id>/award", methods=["GET", "POST"])
@partner_required("officer")
def award(opportunity_id: int):
    opportunity = opportunity_or_404(opportunity_id)
    if opportunity.stage != "tender":
        flash("Only an opportunity out to tender can be awarded.", "important")
        return _back(opportunity)
    form = AwardForm()
    form.bidder.choices = _choices(opportunity)
    if form.validate_on_submit():
        try:
            awarded = awards.record_award(db.session, opportunity, form.chosen, form.value_pence, form.on.data,
                                          recorded_by_id=current_user.id)
        except OpportunityProblem as problem:
            db.session.rollback()
            form.bidder.errors.append(str(problem))
        else:
            db.session.commit()
            flash(f"“{opportunity.title}” awarded: its contract is recorded, with its asks proposed as commitments "
                  "for you to confirm.", "success")
            return redirect(url_for("social_value.contract", contract_id=awarded.contract_id))
    if not form.is_submitted():
        form.on.data = date.today()
    return render_template("opportunities/award.html", form=form, opportunity=opportunity), (400 if form.errors else 200)
