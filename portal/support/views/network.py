"""The lead's page of the network's support, events and asks, partner by partner (conduit partners included)."""
from __future__ import annotations

from datetime import date

from flask import abort, render_template, request
from flask_login import current_user, login_required

from portal.extensions import db
from tenants.models import Network
from tenants.web import is_lead_of

from ..figures import financial_year_start, network_support
from . import bp

YEARS_SHOWN = 3


@bp.route("/network/<int:network_id>/support")
@login_required
def network_figures(network_id: int):
    """:raise 404: unless the user leads this network."""
    network = db.session.get(Network, network_id)
    if network is None or not is_lead_of(current_user, network.id):
        abort(404)
    current = financial_year_start(network, date.today())
    years = [date(current.year - n, current.month, 1) for n in range(YEARS_SHOWN)]
    year = next((y for y in years if y.isoformat() == request.args.get("year")), current)
    return render_template("support/network.html", title=f"Support, events and asks: {network.name}", network=network,
                           figures=network_support(db.session, network, year), years=years, year=year)
