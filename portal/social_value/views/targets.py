"""Targets and performance against them: the network's (set by the lead) and each partner's (set by its admins)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select

from portal.extensions import db
from portal.network.blueprint import led_network_or_404
from tenants.web import current_partner, partner_required

from .. import measures, partner_measures
from .. import targets as target_service
from ..forms.targets import PERCENT_SUBJECTS, TargetForm
from ..models import Measure, Theme
from ..problems import SocialValueProblem
from . import bp
from .common import audit, lead_audit


def _form(network, for_partner: bool = False) -> TargetForm:
    """A partner sets targets on the measures it uses; the lead on every measure the network has in use."""
    form = TargetForm()
    chosen = (partner_measures.offered_measures(db.session, network) if for_partner
              else measures.measures(db.session, network, in_use_only=True))
    form.set_choices(chosen, measures.themes(db.session, network))
    return form


def _target_fields(form, network) -> dict:
    def one(model, value):
        if not value:
            return None
        return db.session.scalars(select(model).where(model.id == int(value), model.network_id == network.id)).first()

    subject = form.subject.data
    return {
        "subject": subject, "period_start": form.period_start.data, "period_end": form.period_end.data,
        "measure": one(Measure, form.measure_id.data) if subject == "measure" else None,
        "theme": one(Theme, form.theme_id.data) if subject == "theme" else None,
        "target_quantity": form.quantity_value if subject == "measure" else None,
        "target_value_pence": None if subject in PERCENT_SUBJECTS else form.value_pence,
        "target_percent": form.percent_value if subject in PERCENT_SUBJECTS else None,
        "basis": form.basis.data, "note": (form.note.data or "").strip(),
    }


def _add(form, network, save) -> bool:
    """Validate and save one target; False (errors on the form) if it cannot be."""
    if not form.validate_on_submit():
        return False
    try:
        target = save(**_target_fields(form, network))
    except SocialValueProblem as problem:
        db.session.rollback()
        form.subject.errors = [*form.subject.errors, str(problem)]
        return False
    return target


@bp.route("/social-value/targets", methods=["GET", "POST"])
@partner_required("viewer")
def targets():
    partner = current_partner()
    network = partner.organisation.network
    form = _form(network, for_partner=True)
    if request.method == "POST":
        if not partner.can("admin"):
            abort(403, description="Only your partner's admins can set its targets.")
        target = _add(form, network, lambda **fields: target_service.set_partner_target(db.session, **fields))
        if target:
            audit("social_value.target_set", target_id=target.id, subject=target.subject)
            db.session.commit()
            flash("Target added.", "success")
            return redirect(url_for("social_value.targets"))
    performance = target_service.performance_against_targets(db.session, network, organisation_id=partner.organisation.id)
    return render_template("social_value/targets.html", form=form, performance=performance, network=None,
                           can_set=partner.can("admin")), (400 if form.errors else 200)


@bp.route("/network/<int:network_id>/targets", methods=["GET", "POST"])
@login_required
def network_targets(network_id: int):
    network = led_network_or_404(network_id)
    form = _form(network)
    if request.method == "POST":
        target = _add(form, network, lambda **fields: target_service.set_network_target(db.session, network, **fields))
        if target:
            lead_audit(network, "social_value.network_target_set", target_id=target.id, subject=target.subject)
            db.session.commit()
            flash("Network target added.", "success")
            return redirect(url_for("social_value.network_targets", network_id=network.id))
    performance = target_service.performance_against_targets(db.session, network)
    return render_template("social_value/targets.html", form=form, performance=performance, network=network,
                           can_set=True), (400 if form.errors else 200)
