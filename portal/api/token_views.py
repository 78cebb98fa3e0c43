"""A partner admin's API tokens page: list them, create one (shown once), revoke one after confirming."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.accounts.forms import ConfirmForm
from portal.extensions import db
from tenants.web import current_partner, partner_required

from . import tokens
from .models import SCOPES, ApiToken
from .token_forms import NewTokenForm

bp = Blueprint("api_tokens", __name__, url_prefix="/people/api-tokens")


@bp.route("")
@partner_required("admin")
def index():
    return render_template("api/tokens.html", tokens=tokens.partners_tokens(db.session), scopes=SCOPES)


@bp.route("/new", methods=["GET", "POST"])
@partner_required("admin")
def new():
    """The token is in this one answer only (never stored, never shown again; answers are never cached)."""
    form = NewTokenForm()
    if form.validate_on_submit():
        made = tokens.create_token(db.session, current_partner().organisation, current_user, form.name.data, form.scopes.data)
        db.session.commit()
        return render_template("api/token_created.html", made=made, scopes=SCOPES), 201
    return render_template("api/new_token.html", form=form), (400 if form.errors else 200)


@bp.route("/<int:token_id>/revoke", methods=["GET", "POST"])
@partner_required("admin")
def revoke(token_id: int):
    """:raise 404: when the token is not this partner's (the tenant filter hides it)."""
    token = db.get_or_404(ApiToken, token_id)
    form = ConfirmForm()
    problem = None if token.active else "This token is already revoked."
    if problem is None and form.validate_on_submit():
        tokens.revoke_token(db.session, token, current_user)
        db.session.commit()
        flash(f"Token “{token.name}” revoked: it no longer works.", "success")
        return redirect(url_for("api_tokens.index"))
    if problem and form.is_submitted():
        abort(409, description=problem)
    return render_template(
        "accounts/people/confirm.html", form=form, problem=problem, back=url_for("api_tokens.index"),
        title=f"Revoke the token “{token.name}”?", button="Revoke token",
        warning="Anything still using this token will be refused at once. This cannot be undone.",
    )
