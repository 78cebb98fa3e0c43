"""The lead's list of groups the network counts beneficiaries in, beside the Equality Act's protected characteristics."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import login_required

from portal.extensions import db
from portal.network.blueprint import led_network_or_404

from .. import beneficiaries
from ..forms.delivery import AdoptGroupForm, DropGroupForm
from ..models import AdoptedBeneficiaryGroup
from ..problems import SocialValueProblem
from . import bp
from .common import lead_audit


@bp.route("/network/<int:network_id>/beneficiary-groups", methods=["GET", "POST"])
@login_required
def beneficiary_groups(network_id: int):
    network = led_network_or_404(network_id)
    form = AdoptGroupForm()
    if form.validate_on_submit():
        try:
            group = beneficiaries.adopt_group(db.session, network, form.name.data)
        except SocialValueProblem as problem:
            db.session.rollback()
            form.name.errors = [*form.name.errors, str(problem)]
        else:
            lead_audit(network, "social_value.beneficiary_group_adopted", group=group.name)
            db.session.commit()
            flash(f"Beneficiaries can now be counted in {group.name}.", "success")
            return redirect(url_for("social_value.beneficiary_groups", network_id=network.id))
    adopted = db.session.scalars(db.select(AdoptedBeneficiaryGroup).where(AdoptedBeneficiaryGroup.network_id == network.id)
                                 .order_by(AdoptedBeneficiaryGroup.name)).all()
    return render_template(
        "social_value/beneficiary_groups.html", network=network, form=form, drop_form=DropGroupForm(), adopted=adopted,
        protected=beneficiaries.PROTECTED_CHARACTERISTICS, wards=beneficiaries.ward_names(db.session, network),
    ), (400 if form.errors else 200)


@bp.route("/network/<int:network_id>/beneficiary-groups/<int:group_id>/remove", methods=["POST"])
@login_required
def drop_beneficiary_group(network_id: int, group_id: int):
    """:raise 404: when the group is not this network's."""
    network = led_network_or_404(network_id)
    if not DropGroupForm().validate_on_submit():
        abort(400)
    name = beneficiaries.drop_group(db.session, network, group_id)
    if name is None:
        abort(404)
    lead_audit(network, "social_value.beneficiary_group_dropped", group=name)
    db.session.commit()
    flash(f"{name} is no longer offered. Counts already recorded in it are kept.", "success")
    return redirect(url_for("social_value.beneficiary_groups", network_id=network.id))
