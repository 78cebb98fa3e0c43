"""The lead's local market gap analysis and the CPV codes of the network's spend categories.

Each route is for the lead of that network only (anyone else: 404, never
saying the network exists). Views are thin: the figures come from
``analysis`` and the codes from ``services``.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from wtforms import SelectChoice

from portal.cpv import InvalidCpvCode, label, significant
from portal.dashboard import charts, method
from portal.downloads import csv_response, xlsx_response
from portal.extensions import db
from portal.network.blueprint import led_network_or_404

from . import analysis, services, suggest
from .forms import ANOTHER, CategoryCodeForm

bp = Blueprint("gaps", __name__, url_prefix="/network/<int:network_id>/local-market-gaps")

WRITERS = {"csv": csv_response, "xlsx": xlsx_response}
CHART_ROWS = 10


def _analysis(network):
    """The analysis for ``?year=`` and ``?division=``; 404 for a division the catalogue does not know."""
    division = request.args.get("division") or None
    if division is not None and not analysis.is_division(division):
        abort(404)
    years = analysis.financial_years(db.session, network)
    year = analysis.chosen_year(years, request.args.get("year"))
    return analysis.gap_analysis(db.session, network, year, division)


@bp.route("")
@login_required
def show(network_id: int):
    network = led_network_or_404(network_id)
    gaps = _analysis(network)
    chart = None
    if gaps is not None and gaps.rows:
        top = gaps.rows[:CHART_ROWS]
        chart = charts.horizontal_bar_chart(
            f"Procurable spend and its local part, {gaps.year_label}: the {len(top)} first places to grow local supply",
            [(r.label, r.procurable_pence, r.local_pence) for r in top],
        )
    return render_template("gaps/show.html", network=network, gaps=gaps, chart=chart,
                           rule=method.counting_rule(db.session, network),
                           year_options=[(y.isoformat(), analysis.year_label(y)) for y in (gaps.years if gaps else [])])


@bp.route("/download.<any(csv, xlsx):fmt>")
@login_required
def download(network_id: int, fmt: str):
    network = led_network_or_404(network_id)
    gaps = _analysis(network)
    if gaps is None:
        abort(404, description="There are no yearly spend totals to download yet.")
    name = f"local-market-gaps-{gaps.year_start.year}" + (f"-cpv-{gaps.division}" if gaps.division else "")
    return WRITERS[fmt](name, analysis.DOWNLOAD_HEADER, analysis.download_rows(gaps))


@bp.route("/categories")
@login_required
def categories(network_id: int):
    network = led_network_or_404(network_id)
    return render_template("gaps/categories.html", network=network, rows=services.category_codes(db.session, network))


@bp.route("/categories/suggest", methods=["POST"])
@login_required
def suggest_codes(network_id: int):
    network = led_network_or_404(network_id)
    changed = services.suggest_codes(db.session, network)
    db.session.commit()
    flash(f"{changed} {'category has' if changed == 1 else 'categories have'} a new suggested CPV code. "
          "Codes you chose stay as they are.", "success")
    return redirect(url_for("gaps.categories", network_id=network.id))


@bp.route("/categories/change", methods=["GET", "POST"])
@login_required
def change(network_id: int):
    """:raise 404: for a category the network's totals do not name."""
    network = led_network_or_404(network_id)
    try:
        current = services.category_code(db.session, network, request.args.get("category", ""))
    except services.NotACategory:
        abort(404)
    form = CategoryCodeForm()
    listed = [SelectChoice(c.cpv_code, f"{significant(c.cpv_code)} {c.label}") for c in suggest.candidates(current.category)]
    if current.cpv_code and current.cpv_code not in {choice.value for choice in listed}:
        listed.insert(0, SelectChoice(current.cpv_code, f"{significant(current.cpv_code)} {label(current.cpv_code)}"))
    form.code.choices = [*listed, SelectChoice(ANOTHER, "Another CPV code")]
    if request.method == "GET":
        form.code.data, form.note.data = current.cpv_code, current.note
    if form.validate_on_submit():
        if form.code.data == ANOTHER and not (form.other_code.data or "").strip():
            form.other_code.errors.append("Enter the CPV code, 8 digits like 45000000")
        else:
            try:
                services.choose_code(db.session, network, current.category, form.chosen_code(), form.note.data or "")
            except InvalidCpvCode as problem:
                db.session.rollback()
                (form.other_code if form.code.data == ANOTHER else form.code).errors.append(str(problem))
            else:
                db.session.commit()
                flash(f"{current.category} now counts as CPV {form.chosen_code()} in the gap analysis.", "success")
                return redirect(url_for("gaps.categories", network_id=network.id))
    return render_template("gaps/change.html", network=network, current=current, form=form)
