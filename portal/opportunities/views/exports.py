"""A network's published opportunities for machines: the Atom feed and Open Contracting release packages (every stage)."""
from __future__ import annotations

from flask import Response, abort, current_app

from portal.extensions import db
from portal.public_url import absolute_url

from .. import feeds, ocds, ocds_packages, queries
from . import bp
from .public import network_or_404


@bp.route("/networks/<slug>/opportunities.atom")
def feed(slug: str):
    """:raise 404: for an unknown network."""
    network = network_or_404(slug)
    opportunities = queries.all_published(db.session, network)
    body = feeds.atom_feed(
        network, opportunities,
        feed_url=absolute_url("opportunities.feed", slug=slug),
        page_url=absolute_url("opportunities.network_list", slug=slug),
        entry_url=lambda o: absolute_url("opportunities.public_opportunity", slug=slug, opportunity_id=o.id),
    )
    return Response(body, mimetype="application/atom+xml")


def _package_response(package: dict, filename: str) -> Response:
    return Response(
        ocds.dumps(package), mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/networks/<slug>/opportunities.ocds.json")
def ocds_package(slug: str):
    """Every release of every opportunity the network made public, planning to contract. :raise 404: for an unknown network."""
    network = network_or_404(slug)
    package = ocds_packages.network_package(
        db.session, network, prefix=current_app.config["OCDS_PREFIX"],
        uri=absolute_url("opportunities.ocds_package", slug=slug),
    )
    return _package_response(package, f"{slug}-opportunities.ocds.json")


@bp.route("/networks/<slug>/opportunities/<int:opportunity_id>.ocds.json")
def ocds_opportunity(slug: str, opportunity_id: int):
    """One opportunity's releases, planning to contract. :raise 404: unless this network made it public."""
    network = network_or_404(slug)
    package = ocds_packages.network_package(
        db.session, network, prefix=current_app.config["OCDS_PREFIX"], opportunity_id=opportunity_id,
        uri=absolute_url("opportunities.ocds_opportunity", slug=slug, opportunity_id=opportunity_id),
    )
    if package is None:
        abort(404)
    return _package_response(package, f"{slug}-opportunity-{opportunity_id}.ocds.json")
