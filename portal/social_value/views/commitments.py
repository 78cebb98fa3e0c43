"""Recording what a supplier commits to on a contract."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from portal.extensions import db
from tenants.web import current_partner, partner_required

from .. import commitments, measures
from ..forms.commitments import check_profile, commitment_form, contract_years
from ..models import Measure
from ..problems import SocialValueProblem
from . import bp
from .common import audit, contract_or_404


@bp.route("/social-value/contracts/<int:contract_id>/commitments/new", methods=["GET", "POST"])
@partner_required("officer")
def new_commitment(contract_id: int):
    contract = contract_or_404(contract_id)
    network = current_partner().organisation.network
    in_use = measures.measures(db.session, network, in_use_only=True)
    form = commitment_form(in_use, contract_years(contract.start_date, contract.end_date),
                           request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate_on_submit() and check_profile(form):
        measure = db.session.scalars(
            select(Measure).where(Measure.id == int(form.measure_id.data), Measure.network_id == network.id)
        ).first()
        try:
            commitment = commitments.record_commitment(
                db.session, contract, measure, committed_on=form.committed_on.data,
                quantity=form.total, profile=form.profile_rows or None,
            )
        except SocialValueProblem as problem:
            db.session.rollback()
            form.measure_id.errors = [*form.measure_id.errors, str(problem)]
        else:
            audit("social_value.commitment_recorded", contract_id=contract.id, commitment_id=commitment.id,
                  measure=measure.code, quantity=str(commitment.quantity))
            db.session.commit()
            flash(f"Commitment to {measure.code} saved, valued at {commitment.proxy_edition}.", "success")
            return redirect(url_for("social_value.contract", contract_id=contract.id))
    return render_template("social_value/commitment_form.html", form=form, contract=contract, in_use=in_use), (
        400 if form.errors else 200)
