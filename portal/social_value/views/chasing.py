"""Chasing delivery and the Real Living Wage list: notes on a contract, a supplier's history, the in-scope download."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.downloads import csv_response, xlsx_response
from portal.extensions import db
from portal.network.blueprint import led_network_or_404
from portal.suppliers.models import Supplier
from tenants.web import current_partner, partner_required

from .. import chasing, contracts, living_wage, notes, supplier_history
from ..forms.chasing import ChasingSettingsForm
from ..forms.notes import ContractNoteForm
from ..problems import SocialValueProblem
from . import bp
from .common import audit, contract_or_404, lead_audit
from .contracts import contract_page


@bp.route("/social-value/contracts/<int:contract_id>/notes", methods=["POST"])
@partner_required("officer")
def add_contract_note(contract_id: int):
    """:raise 404: unless the contract is the current partner's."""
    contract = contract_or_404(contract_id)
    form = ContractNoteForm()
    if form.validate_on_submit():
        try:
            note = notes.add_note(db.session, contract, form.text.data, current_user.id)
        except SocialValueProblem as problem:
            db.session.rollback()
            form.text.errors = [*form.text.errors, str(problem)]
        else:
            audit("social_value.contract_note_added", contract_id=contract.id, note_id=note.id)
            db.session.commit()
            flash("Note added.", "success")
            return redirect(url_for("social_value.contract", contract_id=contract.id) + "#notes")
    return contract_page(contract, note_form=form, status=400)


@bp.route("/social-value/suppliers/<int:supplier_id>/delivery")
@partner_required("viewer")
def supplier_delivery(supplier_id: int):
    """:raise 404: unless the partner pays or contracts with the supplier (others' suppliers are not its to see)."""
    partner = current_partner().organisation
    own = contracts.own_suppliers(partner.id).where(Supplier.id == supplier_id)
    supplier = db.session.scalars(own).first()
    if supplier is None or supplier.network_id != partner.network_id:
        abort(404)
    histories = supplier_history.delivery_history(db.session, supplier.id)
    return render_template("social_value/supplier_delivery.html", supplier=supplier, histories=histories)


@bp.route("/social-value/contracts/living-wage.<fmt>")
@partner_required("viewer")
def living_wage_download(fmt: str):
    """Every in-scope contract, whatever the year; ``fmt`` is csv or xlsx (:raise 404: otherwise)."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    name = f"real-living-wage-contracts-{current_partner().organisation.slug}"
    rows = living_wage.in_scope_register(db.session)
    if fmt == "csv":
        return csv_response(name, living_wage.REGISTER_HEADER, rows)
    return xlsx_response(name, living_wage.REGISTER_HEADER, list(rows))



@bp.route("/network/<int:network_id>/social-value/chasing", methods=["GET", "POST"])
@login_required
def chasing_settings(network_id: int):
    """The lead sets how long a return may be missing before managers are told. :raise 404: unless the user leads it."""
    network = led_network_or_404(network_id)
    form = ChasingSettingsForm()
    if request.method == "GET":
        form.days.data = network.chase_manager_after_days
    elif form.validate_on_submit():
        chasing.set_chase_manager_after_days(db.session, network, form.days.data)
        lead_audit(network, "social_value.chasing_days_set", days=form.days.data)
        db.session.commit()
        flash("Chasing setting saved.", "success")
        return redirect(url_for("social_value.chasing_settings", network_id=network.id))
    return render_template("social_value/chasing_settings.html", form=form, network=network), (400 if form.errors else 200)
