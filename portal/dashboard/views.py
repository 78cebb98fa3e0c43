"""The partner's spend dashboard, its downloads, and the public summary of a network."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request
from sqlalchemy import select

from portal.downloads import csv_response, xlsx_response
from portal.extensions import db
from portal.funnel import queries as funnel_queries
from portal.spend import dashboard as spend_dashboard
from portal.spend.lines_filter import LineFilter
from tenants.models import Network
from tenants.web import current_partner, partner_required

from . import charts, figures, public, public_social_value, tables

bp = Blueprint("dashboard", __name__)

WRITERS = {"csv": csv_response, "xlsx": xlsx_response}


def _dashboard():
    """The current partner's dashboard for ``?year=`` (default: the latest); None when it has no totals."""
    years = figures.financial_years(db.session)
    year_start = figures.chosen_year(years, request.args.get("year"))
    if year_start is None:
        return None
    return figures.partner_dashboard(db.session, current_partner().organisation, year_start, years)


@bp.route("/spend")
@partner_required("viewer")
def partner():
    dashboard = _dashboard()
    if dashboard is None:
        # No totals yet: either nothing imported, or the workers have not caught up.
        return render_template("dashboard/empty.html", has_lines=spend_dashboard.has_lines(db.session))
    return render_template("dashboard/partner.html", dashboard=dashboard, charts=_partner_charts(dashboard))


def _partner_charts(dashboard: figures.PartnerDashboard) -> dict:
    year = dashboard.label
    return {
        "months": charts.bar_chart(f"Spend by month, {year}", [(m.short_label, m.total_pence) for m in dashboard.months]),
        "local_share": charts.line_chart(
            "Local share of procurable spend by quarter", [(q.short_label, q.local_share) for q in dashboard.quarters]
        ),
        "categories": charts.horizontal_bar_chart(
            f"Top {len(dashboard.categories)} categories by spend, {year}, with the local part",
            [(c.label, c.total_pence, c.local_pence) for c in dashboard.categories],
        ),
        **charts.place_charts(dashboard.places, f"Procurable spend, {year},"),
    }


@bp.route("/spend/download.<any(csv, xlsx):fmt>")
@partner_required("viewer")
def download(fmt: str):
    dashboard = _dashboard()
    if dashboard is None:
        abort(404, description="There are no spend figures to download yet.")
    name = f"spend-dashboard-{dashboard.year_start.year}"
    return WRITERS[fmt](name, tables.DASHBOARD_HEADER, tables.dashboard_rows(dashboard))


@bp.route("/spend/lines.<any(csv, xlsx):fmt>")
@partner_required("viewer")
def lines_download(fmt: str):
    line_filter = LineFilter.from_args(request.args, current_partner().organisation.network.excluded_kinds)
    return WRITERS[fmt]("spend-lines", tables.LINES_HEADER, tables.line_rows(db.session, line_filter))


@bp.route("/networks/<slug>")
def network_summary(slug: str):
    """The public page of a network: combined totals only; no sign-in.

    :raise 404: when no network has this slug.
    """
    network = db.session.scalar(select(Network).where(Network.slug == slug))
    if network is None:
        abort(404)
    summary = public.network_summary(db.session, network)
    chart, place_charts = None, None
    if summary is not None:
        chart = charts.bar_chart(f"Combined spend by month, {summary.label}", [(m.short_label, m.total_pence) for m in summary.months])
        if summary.places is not None:
            place_charts = charts.place_charts(summary.places, f"Combined procurable spend, {summary.label},")
    return render_template("dashboard/network_summary.html", network=network, summary=summary, chart=chart,
                           place_charts=place_charts,
                           social_value=public_social_value.social_value_summary(db.session, network),
                           work_won=funnel_queries.public_summary(db.session, network, date.today()))
