"""The network's social value policy start date: the lead sets it, and "to date" figures count from it."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required

from portal.extensions import db
from portal.network.blueprint import led_network_or_404

from .. import progress
from ..forms.policy import PolicyStartForm
from . import bp
from .common import lead_audit


@bp.route("/network/<int:network_id>/social-value-policy", methods=["GET", "POST"])
@login_required
def policy_start(network_id: int):
    """Show and change the policy start date. :raise 404: unless the user leads this network."""
    network = led_network_or_404(network_id)
    form = PolicyStartForm()
    if request.method == "GET":
        form.policy_start_date.data = network.policy_start_date
    elif form.validate_on_submit():
        before = network.policy_start_date
        if progress.set_policy_start(db.session, network, form.policy_start_date.data):
            after = network.policy_start_date
            lead_audit(network, "social_value.policy_start_set", before=str(before) if before else None,
                       after=str(after) if after else None)
            db.session.commit()
            flash("Policy start date saved. Figures to date are being recounted from it.", "success")
        return redirect(url_for("social_value.policy_start", network_id=network.id))
    return render_template("social_value/policy_start.html", network=network, form=form), (400 if form.errors else 200)
