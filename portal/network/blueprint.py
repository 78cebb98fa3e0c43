"""The network lead's blueprint, and the check every one of its pages makes first.

Apart from the pages' modules (``views`` and its siblings), so that they and the
other features' lead pages (gaps, benchmarks, registers, social value) import it
without importing each other.
"""
from flask import Blueprint, abort
from flask_login import current_user

from portal.extensions import db
from tenants.models import Network
from tenants.web import is_lead_of

bp = Blueprint("network", __name__, url_prefix="/network")


def led_network_or_404(network_id: int) -> Network:
    """:raise 404: unless the user leads this network (never say it exists)."""
    network = db.session.get(Network, network_id)
    if network is None or not is_lead_of(current_user, network.id):
        abort(404)
    return network
