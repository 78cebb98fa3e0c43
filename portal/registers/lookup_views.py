"""The lead's page for the live Companies House lookup: what it would ask about, what it found, and a button to start it."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from portal.extensions import db
from tenants.models import Network
from tenants.web import is_lead_of
from workers import enqueue_after_commit

from .lookup import suppliers_to_look_up
from .lookup_models import CompaniesHouseLookup
from .lookup_tasks import look_up_unmatched, lookup_is_on

bp = Blueprint("companies_house", __name__, url_prefix="/network")


def _led_network_or_404(network_id: int) -> Network:
    """:raise 404: unless the user leads this network (never say it exists)."""
    network = db.session.get(Network, network_id)
    if network is None or not is_lead_of(current_user, network.id):
        abort(404)
    return network


def lookup_summary(session, network: Network, again_days: int) -> dict:
    """How many suppliers the lookup would ask about now, and what it found for the others."""
    found = dict(session.execute(
        select(CompaniesHouseLookup.outcome, func.count()).where(CompaniesHouseLookup.network_id == network.id)
        .group_by(CompaniesHouseLookup.outcome)).all())
    last = session.scalar(select(func.max(CompaniesHouseLookup.looked_up_at))
                          .where(CompaniesHouseLookup.network_id == network.id))
    waiting = len(suppliers_to_look_up(session, network.id, again_after=timedelta(days=again_days)))
    return {"waiting": waiting, "matched": found.get("matched", 0), "candidates": found.get("candidates", 0),
            "no_match": found.get("no_match", 0), "last": last}


@bp.route("/<int:network_id>/suppliers/companies-house", methods=["GET", "POST"])
@login_required
def lookup(network_id: int):
    network = _led_network_or_404(network_id)
    is_on = lookup_is_on(current_app.config)
    again_days = current_app.config.get("COMPANIES_HOUSE_LOOKUP_AGAIN_DAYS", 30)
    form = FlaskForm()
    if form.validate_on_submit():
        if not is_on:
            flash("The live Companies House lookup is off, so nothing was started.", "info")
        else:
            enqueue_after_commit(db.session, look_up_unmatched, network.id)
            db.session.commit()
            flash("The lookup has started. Suppliers are looked up at up to 2 a second; "
                  "refresh this page to see how far it has got.", "success")
        return redirect(url_for("companies_house.lookup", network_id=network.id))
    summary = lookup_summary(db.session, network, again_days)
    return render_template("registers/companies_house_lookup.html", network=network, is_on=is_on, form=form,
                           summary=summary, again_days=again_days)
