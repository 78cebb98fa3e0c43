"""Contract management: every flag on the partner's contracts, and the lead's list across the network."""
from __future__ import annotations

from flask import render_template
from flask_login import login_required
from sqlalchemy import select

from portal.extensions import db
from portal.network.blueprint import led_network_or_404
from tenants.models import Organisation
from tenants.web import partner_required

from .. import flags as flag_service
from . import bp


@bp.route("/social-value/flags")
@partner_required("viewer")
def flags():
    found = flag_service.contract_management_flags(db.session)
    return render_template("social_value/flags.html", flags=found, network=None, partners={})


@bp.route("/network/<int:network_id>/social-value/flags")
@login_required
def network_flags(network_id: int):
    """The lead sees each flag and its partner, but opens no partner's contract from here."""
    network = led_network_or_404(network_id)
    found = flag_service.network_contract_management_flags(db.session, network)
    partners = dict(db.session.execute(select(Organisation.id, Organisation.name).where(Organisation.network_id == network.id)).all())
    return render_template("social_value/flags.html", flags=found, network=network, partners=partners)
