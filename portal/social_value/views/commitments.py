"""Recording what a supplier commits to on a contract, and changing it."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from portal.extensions import db
from tenants.web import current_partner, partner_required

from .. import commitments, partner_measures
from ..forms.commitments import (
    check_profile,
    commitment_change_form,
    commitment_form,
    contract_years,
)
from ..models import Measure
from ..problems import SocialValueProblem
from . import bp
from .common import audit, commitment_or_404, contract_or_404


@bp.route("/social-value/contracts/<int:contract_id>/commitments/new", methods=["GET", "POST"])
@partner_required("officer")
def new_commitment(contract_id: int):
    contract = contract_or_404(contract_id)
    network = current_partner().organisation.network
    in_use = partner_measures.offered_measures(db.session, network)
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


def _as_recorded(commitment) -> dict:
    """What the audit log keeps of a commitment, before and after a change (text, so it reads back exactly)."""
    return {
        "quantity": str(commitment.quantity),
        "profile": {f"{p.year_start:%Y-%m-%d}": str(p.quantity) for p in commitment.profile},
        "committed_value_pence": commitment.committed_value_pence,
        "rebased_value_pence": commitment.rebased_value_pence,
    }


def _fill(form, commitment) -> None:
    """The commitment as it stands: its profile in the year boxes, or else its quantity."""
    by_year = {p.year_start: p.quantity for p in commitment.profile}
    for start, field in zip(form.years, form.year_fields):
        field.data = f"{by_year[start].normalize():f}" if start in by_year else ""
    form.quantity.data = "" if by_year else f"{commitment.quantity.normalize():f}"


@bp.route("/social-value/commitments/<int:commitment_id>/edit", methods=["GET", "POST"])
@partner_required("officer")
def edit_commitment(commitment_id: int):
    """Change the quantity or the profile. The valuation stays as committed: same edition, same proxy value per unit."""
    commitment = commitment_or_404(commitment_id)
    contract = commitment.contract
    # A profile year the contract's dates no longer cover still gets its box, so it can be seen and cleared.
    years = sorted(set(contract_years(contract.start_date, contract.end_date)) | {p.year_start for p in commitment.profile})
    form = commitment_change_form(years, request.form if request.method == "POST" else None)
    if request.method == "GET":
        _fill(form, commitment)
    if request.method == "POST" and form.validate_on_submit() and check_profile(form):
        before = _as_recorded(commitment)
        try:
            # No boxes filled means no profile: the quantity is spread evenly over the contract.
            commitments.update_commitment(db.session, commitment, quantity=form.total, profile=form.profile_rows)
        except SocialValueProblem as problem:
            db.session.rollback()
            form.quantity.errors = [*form.quantity.errors, str(problem)]
        else:
            audit("social_value.commitment_changed", contract_id=contract.id, commitment_id=commitment.id,
                  measure=commitment.measure.code, before=before, after=_as_recorded(commitment))
            db.session.commit()
            flash(f"Commitment to {commitment.measure.code} saved, still valued at {commitment.proxy_edition}.", "success")
            return redirect(url_for("social_value.contract", contract_id=contract.id))
    return render_template("social_value/commitment_change.html", form=form, commitment=commitment, contract=contract), (
        400 if form.errors else 200)
