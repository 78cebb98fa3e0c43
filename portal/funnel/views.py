"""The funnel pages: a partner's own with the network beside it, and the lead's with every partner."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from portal.extensions import db
from portal.network.comparison import year_label
from portal.query_args import whole_number
from portal.social_value.report import suppress_small_counts
from portal.social_value.totals import year_of, year_start
from portal.support.records import supported_business_ids
from tenants.models import Network, Organisation
from tenants.web import current_partner, is_lead_of, partner_required

from .queries import STAGES, funnel

bp = Blueprint("funnel", __name__)

STAGE_LABELS = {
    "registered": "Registered with the network", "matched": "Matched to an opportunity",
    "interested": "Said they were interested", "bid": "Bid", "won": "Won a contract",
}
YEARS_SHOWN = 5


def shown(stages) -> list[tuple[str, int | None]]:
    """The counts with those under 5 suppressed, as the public social value summary suppresses them."""
    return suppress_small_counts(stages.counts())


def _year(network: Network) -> tuple[int, list[int]]:
    current = year_of(network, date.today())
    years = list(range(current, current - YEARS_SHOWN, -1))
    asked = whole_number(request.args.get("year", ""))
    return (asked if asked in years else current), years


@bp.route("/partner/funnel")
@partner_required("viewer")
def partner_funnel():
    """The partner's own funnel and the network's, for one financial year."""
    partner = current_partner().organisation
    network = partner.network
    year, years = _year(network)
    result = funnel(db.session, network, year)
    rows = [(partner.name, result.partners[partner.id]), (f"The whole network ({network.name})", result.network),
            _supported(network, year)]
    return _render(network, year, years, rows)


@bp.route("/network/<int:network_id>/funnel")
@login_required
def network_funnel(network_id: int):
    """The network's funnel and each partner's. :raise 404: unless the user leads the network."""
    network = db.session.get(Network, network_id)
    if network is None or not is_lead_of(current_user, network.id):
        abort(404)
    year, years = _year(network)
    result = funnel(db.session, network, year)
    names = dict(db.session.execute(
        db.select(Organisation.id, Organisation.name).where(Organisation.network_id == network.id)).all())
    rows = [(f"The whole network ({network.name})", result.network), _supported(network, year)] + sorted(
        ((names[p], s) for p, s in result.partners.items()), key=lambda r: r[0])
    return _render(network, year, years, rows)


def _supported(network: Network, year: int):
    """The same funnel for the businesses any partner supported that year (support given, or an event attended):
    whether the help the network gives leads to work won."""
    supported = supported_business_ids(db.session, network.id, year_start(network, year))
    return (f"Businesses the network's partners supported ({network.name})",
            funnel(db.session, network, year, business_ids=supported).network)


def _render(network, year, years, rows):
    return render_template(
        "funnel/funnel.html", network=network, year=year, year_text=year_label(year_start(network, year)),
        years=[(y, year_label(year_start(network, y))) for y in years], stages=STAGES, stage_labels=STAGE_LABELS,
        rows=[(name, dict(shown(s)), s) for name, s in rows],
    )
