"""The network's public figures: what its public summary page shows, with no token."""
from __future__ import annotations

from flask import Response, abort, current_app
from flask_smorest import Blueprint
from sqlalchemy import select

from portal.extensions import db
from portal.opportunities import ocds, ocds_packages
from portal.public_url import absolute_url
from tenants.models import Network

from .. import figures
from ..schemas import ApiErrorSchema, PublicSummarySchema

blp = Blueprint("api_public", __name__, url_prefix="/api/v1/networks",
                description="A network's public figures: no token needed.")


@blp.route("/<slug>/summary")
@blp.response(200, PublicSummarySchema)
@blp.alt_response(404, schema=ApiErrorSchema, description="No network has that name")
def network_summary(slug: str):
    """The network's combined figures for its latest year two partners spent in; one partner's figures withheld.

    :raise 404: when no network has this slug.
    """
    network = db.session.scalar(select(Network).where(Network.slug == slug))
    if network is None:
        abort(404, description="No network has that name.")
    return figures.public_summary(db.session, network)


@blp.route("/<slug>/opportunities.ocds.json")
@blp.response(200, description="An OCDS 1.1 release package: every stage of every opportunity the network made public")
@blp.alt_response(404, schema=ApiErrorSchema, description="No network has that name")
def network_opportunities(slug: str):
    """The network's public opportunities, planning to contract; bidders other than the winner counted, not named.

    :raise 404: when no network has this slug.
    """
    network = db.session.scalar(select(Network).where(Network.slug == slug))
    if network is None:
        abort(404, description="No network has that name.")
    package = ocds_packages.network_package(db.session, network, prefix=current_app.config["OCDS_PREFIX"],
                                            uri=absolute_url("api_public.network_opportunities", slug=slug))
    return Response(ocds.dumps(package), mimetype="application/json")  # amounts as exact JSON numbers
