"""The public pages: published opportunities (search and filters), one opportunity, open social value asks.

No sign-in. Only published rows are read (queries.py opens the network's
partners for one query and hands back plain copies).
"""
from __future__ import annotations

from datetime import date

from flask import abort, render_template, request, url_for
from sqlalchemy import select

from portal.extensions import db
from tenants.models import Network, Organisation

from .. import queries
from ..filters import divisions, filter_from_args, page_number
from . import bp


def network_or_404(slug: str) -> Network:
    """:raise 404: when no network has this slug."""
    network = db.session.scalar(select(Network).where(Network.slug == slug))
    if network is None:
        abort(404)
    return network


def _page_url(page: int) -> str:
    """This list with the same search and filters, at another page."""
    args = request.args.to_dict(flat=False)
    args["page"] = [str(page)]
    return url_for(request.endpoint, **request.view_args, **args)


def _list_page(networks: list[Network], network: Network | None):
    partners = db.session.scalars(
        select(Organisation).where(Organisation.network_id.in_([n.id for n in networks])).order_by(Organisation.name)
    ).all()
    chosen, problems = filter_from_args(request.args, [p.id for p in partners])
    page = queries.published_opportunities(db.session, networks, chosen, page_number(request.args))
    return render_template(
        "opportunities/public_list.html", page=page, chosen=chosen, problems=problems, network=network,
        networks=networks, partners=partners, divisions=divisions(), today=date.today(), page_url=_page_url,
    ), (400 if problems else 200)


@bp.route("/opportunities")
def public_list():
    """Every network's published opportunities still open."""
    networks = db.session.scalars(select(Network).order_by(Network.name)).all()
    return _list_page(list(networks), None)


@bp.route("/networks/<slug>/opportunities")
def network_list(slug: str):
    """One network's published opportunities still open. :raise 404: for an unknown network."""
    network = network_or_404(slug)
    return _list_page([network], network)


@bp.route("/networks/<slug>/opportunities/<int:opportunity_id>")
def public_opportunity(slug: str, opportunity_id: int):
    """:raise 404: unless the opportunity is published by a partner of this network."""
    network = network_or_404(slug)
    found = queries.public_opportunity(db.session, network, opportunity_id)
    if found is None:
        abort(404)
    return render_template("opportunities/public_opportunity.html", opportunity=found, network=network, today=date.today())


def _asks_page(networks: list[Network], network: Network | None):
    page = queries.open_asks(db.session, networks, page_number(request.args))
    return render_template("opportunities/public_asks.html", page=page, network=network, page_url=_page_url)


@bp.route("/social-value-asks")
def public_asks():
    """Every network's open social value asks."""
    return _asks_page(list(db.session.scalars(select(Network).order_by(Network.name))), None)


@bp.route("/networks/<slug>/social-value-asks")
def network_asks(slug: str):
    """One network's open social value asks. :raise 404: for an unknown network."""
    network = network_or_404(slug)
    return _asks_page([network], network)
