"""The network lead's pages: the partners side by side, and adding a partner.

The lead's other pages add their routes to ``bp`` (``blueprint.py``) from their
own modules, imported here so that registering ``bp`` registers them all.
"""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.dashboard import charts
from portal.extensions import db
from tenants.web import networks_led_by

# The lead's other pages: their routes are on ``bp`` once imported.
from . import area_views, claim_views, lead_team_views, partner_lines, services, supplier_views  # noqa: F401
from .blueprint import bp, led_network_or_404
from .chart import local_share_chart
from .comparison import compare_partners, financial_years, year_label
from .forms import PartnerForm


@bp.route("/")
@login_required
def index():
    led = networks_led_by(current_user)
    if len(led) == 1:
        return redirect(url_for("network.show", network_id=led[0].id))
    if not led:
        abort(403, description="Only a network lead can see the network pages.")
    return render_template("network/choose.html", networks=led)


@bp.route("/<int:network_id>")
@login_required
def show(network_id: int):
    network = led_network_or_404(network_id)
    years = financial_years(db.session, network)
    year = _chosen_year(years)
    comparison = compare_partners(db.session, network, year) if year else None
    chart = local_share_chart(comparison.partners, comparison.network.local_share) if comparison else None
    place_charts = charts.place_charts(comparison.places, f"Combined procurable spend, {year_label(year)},") if comparison else None
    return render_template(
        "network/show.html", network=network, partners=services.partner_rows(db.session, network),
        years=[(y, year_label(y)) for y in years], comparison=comparison, chart=chart, place_charts=place_charts,
        year_text=year_label(year) if year else None,
        pending_reviews=services.pending_review_count(db.session, network),
    )


def _chosen_year(years: list[date]) -> date | None:
    """The year asked for in ?year= if the network has it, else the latest."""
    asked = request.args.get("year")
    for year in years:
        if year.isoformat() == asked:
            return year
    return years[0] if years else None


@bp.route("/<int:network_id>/partners/new", methods=["GET", "POST"])
@login_required
def add_partner(network_id: int):
    network = led_network_or_404(network_id)
    form = PartnerForm()
    if form.validate_on_submit():
        try:
            services.add_partner(
                db.session, network, current_user, form.name.data, form.kind.data, form.admin_name.data, form.admin_email.data
            )
        except services.SetupProblem as problem:
            db.session.rollback()
            form.name.errors.append(str(problem))
        else:
            db.session.commit()
            flash(f"{form.name.data} added. We have emailed {form.admin_email.data} a link to set up their account.", "success")
            return redirect(url_for("network.show", network_id=network.id))
    return render_template("network/add_partner.html", form=form, network=network)
