"""The lead's social value settings for the network: who may verify a delivery report."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import login_required

from portal.extensions import db
from portal.network.blueprint import led_network_or_404

from ..forms.bulk import FourEyesForm
from . import bp
from .common import lead_audit


@bp.route("/network/<int:network_id>/social-value/settings", methods=["GET", "POST"])
@login_required
def network_settings(network_id: int):
    network = led_network_or_404(network_id)
    form = FourEyesForm()
    if form.validate_on_submit():
        wanted = form.four_eyes.data == "on"
        if wanted != network.four_eyes_verification:
            network.four_eyes_verification = wanted
            lead_audit(network, "social_value.four_eyes_changed", four_eyes=wanted)
        db.session.commit()
        flash("Saved. " + ("A delivery report must now be verified by someone other than the person who recorded it."
                           if wanted else "The person who recorded a delivery report may now verify it."), "success")
        return redirect(url_for("social_value.network_settings", network_id=network.id))
    if not form.is_submitted():
        form.four_eyes.data = "on" if network.four_eyes_verification else "off"
    return render_template("social_value/network_settings.html", network=network, form=form), (400 if form.errors else 200)
