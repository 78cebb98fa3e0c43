"""The lead's measures catalogue: load what ships, upload a licensed table, choose the measures in use, re-base."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import login_required
from wtforms import SelectChoice

from portal.extensions import db
from portal.network.blueprint import led_network_or_404

from .. import commitments, measures
from ..forms.measures import InUseForm, LoadForm, MeasuresUploadForm, RebaseForm
from ..measures_import import import_measures_csv
from ..problems import SocialValueProblem
from . import bp
from .common import lead_audit


def _page(network, *, upload=None, in_use=None, rebase=None, import_problems=None, rebased=None, status=200):
    catalogue = measures.measures(db.session, network)
    in_use = in_use or InUseForm()
    in_use.in_use.choices = [SelectChoice(m.code, m.code) for m in catalogue]
    rebase = rebase or RebaseForm()
    rebase.edition.choices = [SelectChoice("", "Choose an edition")] + [SelectChoice(e, e) for e in measures.editions(db.session, network)]
    by_theme = {}
    for measure in catalogue:
        by_theme.setdefault(measure.theme, []).append(measure)
    form = next((f for f in (upload, in_use, rebase) if f is not None and f.errors), None)
    return render_template(
        "social_value/measures.html", network=network, themes=measures.themes(db.session, network), by_theme=by_theme,
        load_form=LoadForm(), upload_form=upload or MeasuresUploadForm(), in_use_form=in_use, rebase_form=rebase,
        import_problems=import_problems, rebased=rebased, form=form,
    ), status


@bp.route("/network/<int:network_id>/measures")
@login_required
def measures_catalogue(network_id: int):
    return _page(led_network_or_404(network_id))


@bp.route("/network/<int:network_id>/measures/social-value-model", methods=["POST"])
@login_required
def load_social_value_model(network_id: int):
    network = led_network_or_404(network_id)
    if LoadForm().validate_on_submit():
        themes = measures.load_social_value_model(db.session, network)
        lead_audit(network, "social_value.model_loaded", themes=len(themes))
        db.session.commit()
        flash(f"The Social Value Model's {len(themes)} themes and their outcomes are in the catalogue.", "success")
    return redirect(url_for("social_value.measures_catalogue", network_id=network.id))


@bp.route("/network/<int:network_id>/measures/demo", methods=["POST"])
@login_required
def load_demo_measures(network_id: int):
    network = led_network_or_404(network_id)
    if LoadForm().validate_on_submit():
        result = measures.load_demo_measures(db.session, network)
        lead_audit(network, "social_value.demo_measures_loaded", measures_created=result.measures_created)
        db.session.commit()
        flash("The illustrative demo measures are loaded and in use. Their values are invented: not for reporting.", "success")
    return redirect(url_for("social_value.measures_catalogue", network_id=network.id))


@bp.route("/network/<int:network_id>/measures/import", methods=["POST"])
@login_required
def import_measures(network_id: int):
    network = led_network_or_404(network_id)
    form = MeasuresUploadForm()
    if not form.validate_on_submit():
        return _page(network, upload=form, status=400)
    upload = form.measures_file.data
    result = import_measures_csv(db.session, network, upload.stream)
    if not result.ok:
        db.session.rollback()
        form.measures_file.errors.append(
            f"Nothing was imported: {len(result.problems)} problem{'' if len(result.problems) == 1 else 's'} in the file, listed below")
        return _page(network, upload=form, import_problems=result.problems, status=400)
    lead_audit(network, "social_value.measures_imported", filename=upload.filename[:200],
               measures_created=result.measures_created, measures_updated=result.measures_updated,
               proxy_values_created=result.proxy_values_created, proxy_values_updated=result.proxy_values_updated)
    db.session.commit()
    flash(f"Measures imported from {upload.filename}: {result.measures_created} new, {result.measures_updated} changed; "
          f"{result.proxy_values_created} new proxy values, {result.proxy_values_updated} changed; "
          f"{result.unchanged_rows} rows already as they were. New measures are not in use until you tick them.", "success")
    return redirect(url_for("social_value.measures_catalogue", network_id=network.id))


@bp.route("/network/<int:network_id>/measures/in-use", methods=["POST"])
@login_required
def set_measures_in_use(network_id: int):
    network = led_network_or_404(network_id)
    form = InUseForm()
    form.in_use.choices = [SelectChoice(m.code, m.code) for m in measures.measures(db.session, network)]
    if not form.validate_on_submit():
        return _page(network, in_use=form, status=400)
    try:
        chosen = measures.set_measures_in_use(db.session, network, form.in_use.data or [])
    except SocialValueProblem as problem:
        db.session.rollback()
        form.in_use.errors.append(str(problem))
        return _page(network, in_use=form, status=400)
    lead_audit(network, "social_value.measures_in_use", codes=[m.code for m in chosen])
    db.session.commit()
    flash(f"{len(chosen)} measure{'' if len(chosen) == 1 else 's'} in use. Partners can commit only to these.", "success")
    return redirect(url_for("social_value.measures_catalogue", network_id=network.id))


@bp.route("/network/<int:network_id>/measures/rebase", methods=["POST"])
@login_required
def rebase(network_id: int):
    network = led_network_or_404(network_id)
    form = RebaseForm()
    form.edition.choices = [SelectChoice("", "Choose an edition")] + [SelectChoice(e, e) for e in measures.editions(db.session, network)]
    if not form.validate_on_submit():
        return _page(network, rebase=form, status=400)
    try:
        result = commitments.rebase(db.session, network, form.edition.data)
    except SocialValueProblem as problem:
        db.session.rollback()
        form.edition.errors.append(str(problem))
        return _page(network, rebase=form, status=400)
    lead_audit(network, "social_value.rebased", edition=result.edition, commitments=result.commitments_rebased,
               reports=result.reports_revalued, measures_without_edition=result.measures_without_edition)
    db.session.commit()
    return _page(network, rebased=result)
