"""Open data out with a partner token: the partner's own opportunities (OCDS, planning to contract,
every bidder named) and its grants (360Giving). The network's public OCDS package is in ``public.py``."""
from __future__ import annotations

from flask import Response, current_app
from flask_smorest import Blueprint

from portal.extensions import db
from portal.grants import services as grants
from portal.grants import threesixty
from portal.opportunities import ocds, ocds_packages
from portal.public_url import absolute_url

from ..auth import current_organisation, token_required
from ..models import READ
from .docs import secured

blp = Blueprint("api_open_data", __name__, url_prefix="/api/v1",
                description="The partner's own opportunities as an OCDS release package and its grants as 360Giving.")


@blp.route("/opportunities.ocds.json")
@blp.response(200, description="An OCDS 1.1 release package: a release for every stage each opportunity reached")
@secured(blp)
@token_required(READ)
def partner_opportunities():
    """The partner's published opportunities, planning to contract, with every bidder named (the public package counts them)."""
    package = ocds_packages.partner_package(db.session, current_organisation(), prefix=current_app.config["OCDS_PREFIX"],
                                            uri=absolute_url("api_open_data.partner_opportunities"))
    # The standard's own writer: amounts as exact JSON numbers (Flask's JSON would make Decimals strings).
    return Response(ocds.dumps(package), mimetype="application/json")


@blp.route("/grants.360giving.json")
@blp.response(200, description="A 360Giving package of the partner's grants")
@secured(blp)
@token_required(READ)
def partner_grants():
    """The grants the partner recorded, in the 360Giving standard (as its grants page's download)."""
    package = grants.grants_package(db.session, current_organisation(), current_app.config["THREESIXTY_GIVING_PREFIX"])
    return Response(threesixty.dumps(package), mimetype="application/json")
