"""A partner's grants: the list, recording and changing one, importing a CSV file, and the 360Giving download."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.extensions import db
from tenants.web import current_partner, partner_required

from . import importing, services, threesixty
from .forms import GrantFileForm, GrantForm
from .problems import GrantProblem

bp = Blueprint("grants", __name__)


@bp.route("/partner/grants")
@partner_required("viewer")
def partner_grants():
    return render_template("grants/list.html", title="Grants", grants=services.partner_grants(db.session))


def _save(form: GrantForm, grant=None):
    """Record (or change) the grant from a valid form; on a problem, the message goes on its field."""
    try:
        if grant is None:
            grant = services.record_grant(db.session, form.details(), current_user.id)
        else:
            services.update_grant(db.session, grant, form.details())
    except GrantProblem as problem:
        db.session.rollback()
        form[problem.field or "title"].errors.append(str(problem))
        return None
    db.session.commit()
    return grant


@bp.route("/partner/grants/new", methods=["GET", "POST"])
@partner_required("officer")
def new_grant():
    form = GrantForm()
    if form.validate_on_submit() and (grant := _save(form)) is not None:
        flash(f"Grant “{grant.title}” to {grant.recipient_name} saved.", "success")
        return redirect(url_for(".partner_grants"))
    return render_template("grants/form.html", title="Record a grant", form=form), (400 if form.errors else 200)


@bp.route("/partner/grants/<int:grant_id>/edit", methods=["GET", "POST"])
@partner_required("officer")
def edit_grant(grant_id: int):
    """:raise 404: unless the grant is the current partner's."""
    grant = services.get_grant(db.session, grant_id)
    if grant is None:
        abort(404)
    form = GrantForm()
    if not form.is_submitted():
        form.fill_from(grant)
    elif form.validate() and _save(form, grant) is not None:
        flash(f"Grant “{grant.title}” saved.", "success")
        return redirect(url_for(".partner_grants"))
    return render_template("grants/form.html", title="Change a grant", form=form, grant=grant), (400 if form.errors else 200)


@bp.route("/partner/grants.360giving.json")
@partner_required("viewer")
def grants_360giving():
    """The partner's grants in the 360Giving standard, as a download."""
    partner = current_partner().organisation
    package = services.grants_package(db.session, partner, current_app.config["THREESIXTY_GIVING_PREFIX"])
    return Response(threesixty.dumps(package), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{partner.slug}-grants.360giving.json"'})


@bp.route("/partner/grants/import", methods=["GET", "POST"])
@partner_required("officer")
def import_grants():
    """Every grant in the file is recorded, or none: the page lists each line's problem."""
    form, problems = GrantFileForm(), []
    if form.validate_on_submit():
        try:
            recorded = importing.import_grants(db.session, form.grants_file.data.read(), current_user.id)
        except importing.GrantFileProblems as refused:
            db.session.rollback()
            problems = refused.problems
            form.grants_file.errors.append(
                f"The file was not imported: {len(problems)} line{'s' if len(problems) != 1 else ''} "
                "cannot be read. Correct them and upload the file again")
        else:
            db.session.commit()
            flash(f"{len(recorded)} grant{'s' if len(recorded) != 1 else ''} imported.", "success")
            return redirect(url_for(".partner_grants"))
    return render_template("grants/import.html", title="Import grants", form=form, problems=problems,
                           columns=importing.COLUMNS, required=importing.REQUIRED), (400 if form.errors else 200)
