"""The front door: what a signed-in partner sees first, and the page for everyone else."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from portal.extensions import db
from portal.home.tasks import partner_tasks
from tenants.models import Network
from tenants.web import current_business, current_partner, networks_led_by

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        networks = db.session.scalars(db.select(Network).order_by(Network.name)).all()
        return render_template("home/welcome.html", networks=networks)
    if current_business() is not None:
        # A registered SME's or VCSE's home is its own profile.
        return redirect(url_for("smes.profile"))
    partner = current_partner()
    led = networks_led_by(current_user)
    if partner is None:
        return render_template("home/no_partner.html", led=led)
    return render_template("home/partner.html", partner=partner, led=led, tasks=partner_tasks(db.session, partner, led))
