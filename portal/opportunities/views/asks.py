"""A partner's social value asks: the list, a new ask (on an opportunity or on its own), open, met or closed."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from portal.choices import offered
from portal.extensions import db
from portal.support.offers import offers_for_ask
from tenants.web import partner_required

from .. import services
from ..forms import AskForm, AskStatusForm
from ..models import Opportunity
from ..services import OpportunityProblem
from . import bp


def ask_or_404(ask_id: int):
    """:raise 404: unless the ask is the current partner's."""
    found = services.get_ask(db.session, ask_id)
    if found is None:
        abort(404)
    return found


@bp.route("/partner/asks")
@partner_required("viewer")
def my_asks():
    page = db.paginate(services.partner_asks(db.session), per_page=50, error_out=False)
    return render_template("opportunities/my_asks.html", page=page)


@bp.route("/partner/asks/new", methods=["GET", "POST"])
@partner_required("officer")
def new_ask():
    form = AskForm()
    choices = db.session.scalars(
        select(Opportunity).where(Opportunity.status.in_(("draft", "published"))).order_by(Opportunity.title)
    ).all()
    form.set_opportunity_choices(choices)
    wanted = request.args.get("opportunity", "")
    if request.method == "GET" and wanted in offered(form.opportunity_id):
        form.opportunity_id.data = wanted
    if form.validate_on_submit():
        try:
            ask = services.create_ask(db.session, form.details())
        except OpportunityProblem as problem:
            db.session.rollback()
            form[problem.field or "title"].errors.append(str(problem))
        else:
            db.session.commit()
            flash(f"Ask “{ask.title}” saved. It is open.", "success")
            return redirect(url_for("opportunities.ask", ask_id=ask.id))
    return render_template("opportunities/ask_form.html", form=form), (400 if form.errors else 200)


@bp.route("/partner/asks/<int:ask_id>")
@partner_required("viewer")
def ask(ask_id: int):
    found = ask_or_404(ask_id)
    form = AskStatusForm(status=found.status)
    return render_template("opportunities/ask.html", ask=found, form=form, offers=offers_for_ask(db.session, found.id))


@bp.route("/partner/asks/<int:ask_id>/status", methods=["POST"])
@partner_required("officer")
def ask_status(ask_id: int):
    found = ask_or_404(ask_id)
    form = AskStatusForm()
    if form.validate_on_submit():
        services.set_ask_status(db.session, found, form.status.data)
        db.session.commit()
        flash(f"Ask “{found.title}” is {found.status} now.", "success")
        return redirect(url_for("opportunities.ask", ask_id=found.id))
    return render_template("opportunities/ask.html", ask=found, form=form, offers=offers_for_ask(db.session, found.id)), 400
