"""Confirming (or dropping) the commitments an award proposed from its opportunity's asks."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from portal.extensions import db
from tenants.web import current_partner, partner_required

from .. import awards, partner_measures
from ..forms.commitments import commitment_form
from ..models import Measure
from ..problems import SocialValueProblem
from . import bp
from .common import audit


def proposal_or_404(proposal_id: int):
    """:raise 404: unless the proposal is the current partner's (the tenant filter hides others)."""
    found = awards.get_proposal(db.session, proposal_id)
    if found is None:
        abort(404)
    return found


@bp.route("/social-value/proposed-commitments/<int:proposal_id>", methods=["GET", "POST"])
@partner_required("officer")
def confirm_proposal(proposal_id: int):
    """Confirm a proposal as a commitment to a measure and quantity, or drop it."""
    proposal = proposal_or_404(proposal_id)
    contract = proposal.contract
    if proposal.status != "proposed":
        flash(f"This proposal is already {proposal.status}.", "important")
        return redirect(url_for("social_value.contract", contract_id=contract.id))
    network = current_partner().organisation.network
    in_use = partner_measures.offered_measures(db.session, network)
    form = commitment_form(in_use, [], request.form if request.method == "POST" else None)
    if request.method == "POST" and request.form.get("drop"):
        awards.drop_proposal(db.session, proposal)
        audit("social_value.proposal_dropped", contract_id=contract.id, proposal_id=proposal.id)
        db.session.commit()
        flash(f"“{proposal.title}” dropped: it counts nowhere.", "success")
        return redirect(url_for("social_value.contract", contract_id=contract.id))
    if request.method == "POST" and form.validate_on_submit():
        measure = db.session.scalars(
            select(Measure).where(Measure.id == int(form.measure_id.data), Measure.network_id == network.id)).first()
        if form.total is None:
            form.quantity.errors = [*form.quantity.errors, "Enter the quantity committed"]
        else:
            try:
                commitment = awards.confirm_proposal(db.session, proposal, measure, quantity=form.total,
                                                     committed_on=form.committed_on.data)
            except SocialValueProblem as problem:
                db.session.rollback()
                form.measure_id.errors = [*form.measure_id.errors, str(problem)]
            else:
                audit("social_value.proposal_confirmed", contract_id=contract.id, proposal_id=proposal.id,
                      commitment_id=commitment.id, measure=measure.code, quantity=str(commitment.quantity))
                db.session.commit()
                flash(f"“{proposal.title}” confirmed as a commitment to {measure.code}.", "success")
                return redirect(url_for("social_value.contract", contract_id=contract.id))
    if request.method == "GET":
        form.committed_on.data = contract.start_date
    return render_template("social_value/proposal.html", form=form, proposal=proposal, contract=contract), (
        400 if form.errors else 200)
