"""A partner's own opportunities: the list, adding and changing one, publishing, closing, withdrawing."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.extensions import db
from tenants.web import current_partner, partner_required

from .. import services
from ..forms import OpportunityForm
from ..services import OpportunityProblem
from . import bp

ACTIONS = {
    "publish": (services.publish_opportunity, "published: it is on the public list now"),
    "close": (services.close_opportunity, "closed: it has left the public list"),
    "withdraw": (services.withdraw_opportunity, "withdrawn"),
}


def opportunity_or_404(opportunity_id: int):
    """:raise 404: unless the opportunity is the current partner's (the tenant filter hides others)."""
    found = services.get_opportunity(db.session, opportunity_id)
    if found is None:
        abort(404)
    return found


@bp.route("/partner/opportunities")
@partner_required("viewer")
def mine():
    page = db.paginate(services.partner_opportunities(db.session), per_page=50, error_out=False)
    return render_template("opportunities/mine.html", page=page)


def _form_page(form: OpportunityForm, opportunity=None):
    """Save the form, or re-show it (with another lot, or with its errors)."""
    if request.method == "POST" and form.add_lot.data:
        form.add_another_lot()
        return render_template("opportunities/form.html", form=form, opportunity=opportunity)
    if form.validate_on_submit():
        try:
            if opportunity is None:
                opportunity = services.create_opportunity(db.session, form.details(), created_by_id=current_user.id,
                                                          stage=form.stage.data or "tender")
            else:
                services.update_opportunity(db.session, opportunity, form.details())
        except OpportunityProblem as problem:
            db.session.rollback()
            form[problem.field or "title"].errors.append(str(problem))
        else:
            db.session.commit()
            flash(f"“{opportunity.title}” saved.", "success")
            return redirect(url_for("opportunities.manage", opportunity_id=opportunity.id))
    status = 400 if form.errors else 200
    return render_template("opportunities/form.html", form=form, opportunity=opportunity), status


@bp.route("/partner/opportunities/new", methods=["GET", "POST"])
@partner_required("officer")
def new():
    form = OpportunityForm()
    if request.method == "GET":
        form.contact_name.data = current_user.name
        form.contact_email.data = current_user.email
    return _form_page(form)


@bp.route("/partner/opportunities/<int:opportunity_id>/edit", methods=["GET", "POST"])
@partner_required("officer")
def edit(opportunity_id: int):
    opportunity = opportunity_or_404(opportunity_id)
    if opportunity.status in ("closed", "withdrawn"):
        flash(f"This opportunity is {opportunity.status}: it can no longer be changed.", "important")
        return redirect(url_for("opportunities.manage", opportunity_id=opportunity.id))
    form = OpportunityForm()
    if request.method == "GET":
        form.fill_from(opportunity)
    return _form_page(form, opportunity)


@bp.route("/partner/opportunities/<int:opportunity_id>")
@partner_required("viewer")
def manage(opportunity_id: int):
    opportunity = opportunity_or_404(opportunity_id)
    return render_template(
        "opportunities/manage.html", opportunity=opportunity, network=current_partner().organisation.network
    )


@bp.route("/partner/opportunities/<int:opportunity_id>/<any(publish, close, withdraw):action>", methods=["POST"])
@partner_required("officer")
def change_status(opportunity_id: int, action: str):
    opportunity = opportunity_or_404(opportunity_id)
    change, done = ACTIONS[action]
    try:
        change(db.session, opportunity)
    except OpportunityProblem as problem:
        db.session.rollback()
        return render_template(
            "opportunities/manage.html", opportunity=opportunity_or_404(opportunity_id),
            network=current_partner().organisation.network, problem=str(problem),
        ), 400
    db.session.commit()
    flash(f"“{opportunity.title}” {done}.", "success")
    return redirect(url_for("opportunities.manage", opportunity_id=opportunity.id))
