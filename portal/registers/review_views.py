"""The lead's review of register matches: one supplier a page, its spend, its candidates, one choice."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.extensions import db
from portal.network import supplier_register
from portal.network.blueprint import led_network_or_404
from tenants.web import current_partner

from . import review
from .review_forms import NONE_OF_THESE, REGISTER_NAMES, choice_form

bp = Blueprint("register_matches", __name__, url_prefix="/network")


def _action(network):
    """:raise 403: when the lead has no partner in the network to record the decision against."""
    partner = current_partner()
    try:
        return supplier_register.lead_action(db.session, network, current_user, partner.organisation.id if partner else None)
    except supplier_register.NotRecordable as problem:
        abort(403, description=str(problem))


def _page(network, supplier, form=None, status=200):
    candidates = review.pending_candidates(db.session, supplier) if supplier else []
    return render_template(
        "registers/register_matches.html", network=network, supplier=supplier, candidates=candidates,
        form=form or (choice_form(supplier.id, candidates) if supplier else None), register_names=REGISTER_NAMES,
        spend=review.spend_behind(db.session, network, supplier.id) if supplier else None,
        remaining=review.remaining(db.session, network),
    ), status


@bp.route("/<int:network_id>/suppliers/register-matches", methods=["GET", "POST"])
@login_required
def review_matches(network_id: int):
    """:raise 404: unless the user leads this network."""
    network = led_network_or_404(network_id)
    if request.method == "GET":
        return _page(network, review.next_supplier(db.session, network))
    supplier_id = request.form.get("supplier_id", type=int) or 0
    supplier = supplier_register.supplier_of(db.session, network, supplier_id)
    if supplier is None:
        abort(404)
    candidates = review.pending_candidates(db.session, supplier)
    if not candidates or supplier.place_by_lead:
        flash(f"{supplier.name} has already been decided.", "info")
        return redirect(url_for("register_matches.review_matches", network_id=network.id))
    form = choice_form(supplier.id, candidates, request.form)
    if not form.validate_on_submit():
        return _page(network, supplier, form, 400)
    action = _action(network)
    if form.choice.data == NONE_OF_THESE:
        review.refuse_all(action, supplier)
        message = f"None of the register entries is {supplier.name}: they will not be offered again."
    else:
        chosen = review.accept(action, supplier, int(form.choice.data))
        message = (f"{supplier.name} is {chosen.name} ({REGISTER_NAMES[chosen.register]} {chosen.number}). "
                   "The network's totals are being worked out again; the figures will change in a few minutes.")
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("register_matches.review_matches", network_id=network.id))
