"""The lead's list of businesses claiming a place in the supplier register: confirm or reject each."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from portal.extensions import db
from portal.smes import claims

from .blueprint import bp, led_network_or_404
from .supplier_forms import SplitForm
from .supplier_views import _action

DECISIONS = {"confirm": True, "reject": False}


@bp.route("/<int:network_id>/business-claims")
@login_required
def business_claims(network_id: int):
    network = led_network_or_404(network_id)
    return render_template("network/business_claims.html", network=network,
                           claims=claims.pending_claims(db.session, network))


@bp.route("/<int:network_id>/business-claims/<int:business_id>", methods=["POST"])
@login_required
def decide_claim(network_id: int, business_id: int):
    """:raise 404: for a business not of this network or with no claim waiting; 400 for a bad form."""
    network = led_network_or_404(network_id)
    decision = request.form.get("decision", "")
    if not SplitForm().validate_on_submit() or decision not in DECISIONS:
        abort(400, description="The form had expired or did not say confirm or reject. Go back and try again.")
    try:
        supplier = claims.decide_claim(_action(network), business_id, DECISIONS[decision])
    except claims.ClaimProblem:
        abort(404)
    db.session.commit()
    flash(f"Claim to be {supplier.name} {'confirmed: the business is told it is in the register' if DECISIONS[decision] else 'rejected'}.",
          "success")
    return redirect(url_for("network.business_claims", network_id=network.id))
