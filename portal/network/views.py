"""The network lead's pages: the partners side by side, and adding a partner."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.extensions import db
from tenants.models import Network
from tenants.web import is_lead_of, networks_led_by

from . import services
from .forms import PartnerForm

bp = Blueprint("network", __name__, url_prefix="/network")


def _led_network_or_404(network_id: int) -> Network:
    """:raise 404: unless the user leads this network (never say it exists)."""
    network = db.session.get(Network, network_id)
    if network is None or not is_lead_of(current_user, network.id):
        abort(404)
    return network


@bp.route("/")
@login_required
def index():
    led = networks_led_by(current_user)
    if len(led) == 1:
        return redirect(url_for("network.show", network_id=led[0].id))
    if not led:
        abort(403, description="Only a network lead can see the network pages.")
    return render_template("network/choose.html", networks=led)


@bp.route("/<int:network_id>")
@login_required
def show(network_id: int):
    network = _led_network_or_404(network_id)
    return render_template("network/show.html", network=network, partners=services.partner_rows(db.session, network))


@bp.route("/<int:network_id>/partners/new", methods=["GET", "POST"])
@login_required
def add_partner(network_id: int):
    network = _led_network_or_404(network_id)
    form = PartnerForm()
    if form.validate_on_submit():
        try:
            services.add_partner(
                db.session, network, current_user, form.name.data, form.kind.data, form.admin_name.data, form.admin_email.data
            )
        except services.SetupProblem as problem:
            db.session.rollback()
            form.name.errors.append(str(problem))
        else:
            db.session.commit()
            flash(f"{form.name.data} added. We have emailed {form.admin_email.data} a link to set up their account.", "success")
            return redirect(url_for("network.show", network_id=network.id))
    return render_template("network/add_partner.html", form=form, network=network)
