"""The public forward plan of a network (or of every network): what the partners expect to buy."""
from __future__ import annotations

from datetime import date

from flask import render_template, request
from sqlalchemy import select

from portal.extensions import db
from portal.query_args import whole_number
from tenants.models import Network

from ..forward_plan import DEFAULT_HORIZON, HORIZONS, forward_plan, months_after
from . import bp
from .public import network_or_404


def _horizon() -> tuple[int, str | None]:
    given = request.args.get("months", "")
    if not given:
        return DEFAULT_HORIZON, None
    if whole_number(given) in HORIZONS:
        return whole_number(given), None
    return DEFAULT_HORIZON, "Choose 6, 12 or 18 months"


def _plan_page(networks: list[Network], network: Network | None):
    months, problem = _horizon()
    today = date.today()
    plan = forward_plan(db.session, networks, months, today)
    return render_template(
        "opportunities/forward_plan.html", plan=plan, network=network, months=months, horizons=HORIZONS,
        problem=problem, today=today, until=months_after(today, months),
    ), (400 if problem else 200)


@bp.route("/forward-plan")
def forward_plan_all():
    """Every network's expected purchases."""
    return _plan_page(list(db.session.scalars(select(Network).order_by(Network.name))), None)


@bp.route("/networks/<slug>/forward-plan")
def network_forward_plan(slug: str):
    """One network's expected purchases. :raise 404: for an unknown network."""
    network = network_or_404(slug)
    return _plan_page([network], network)
