"""A partner admin's pages for the partner's people: change a role, remove someone, disable or re-enable an account.

Each destructive change has a confirmation page whose button posts a CSRF-protected form,
so it all works without JavaScript. The membership in the URL is looked up in the admin's
own partner only: anyone else's answers 404.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.extensions import db
from tenants.models import Membership
from tenants.web import choose_partner, current_partner, partner_required

from . import people
from .forms import ConfirmForm
from .people_forms import RoleForm
from .views import start_session

bp = Blueprint("people", __name__, url_prefix="/people")


def _member_or_404(membership_id: int) -> Membership:
    """:raise 404: unless the membership is of the partner the admin works as."""
    membership = people.member(db.session, current_partner().organisation.id, membership_id)
    if membership is None:
        abort(404)
    return membership


def _acting():
    return current_user._get_current_object()


def after_change(user, organisation_id: int | None, message: str, back: str, own_message: str | None = None):
    """Commit, say what happened, and go back.

    An admin who changed their own access (stepped down, or left) keeps this browser signed
    in, as after a password change, and lands on the home page: the people pages are no
    longer theirs. Their other sessions have ended like anyone else's.
    """
    db.session.commit()
    if user.id != current_user.id:
        flash(message, "success")
        return redirect(back)
    start_session(user)
    if organisation_id is not None:
        choose_partner(organisation_id)
    flash(own_message or message, "success")
    return redirect(url_for("home.index"))


@bp.route("/<int:membership_id>/role", methods=["GET", "POST"])
@partner_required("admin")
def change_role(membership_id: int):
    membership = _member_or_404(membership_id)
    form = RoleForm(role=membership.role)
    if form.validate_on_submit():
        user, organisation_id, role = membership.user, membership.organisation_id, form.role.data
        try:
            changed = people.change_role(db.session, membership, role, _acting())
        except people.PeopleProblem as problem:
            db.session.rollback()
            form.role.errors.append(str(problem))
        else:
            if not changed:
                return redirect(url_for("accounts.people"))
            partner = current_partner().organisation.name
            return after_change(user, organisation_id, f"{user.name} is now {role}. They have been signed out.",
                                url_for("accounts.people"), own_message=f"You are now {role} of {partner}.")
    return render_template("accounts/people/change_role.html", form=form, membership=membership), (400 if form.errors else 200)


def checked_change(form: ConfirmForm, check, act) -> tuple[bool, str | None]:
    """Run ``check`` (a refusal is shown in place of the button), then ``act`` on a genuine POST.

    (made, problem): a change refused at the check, or by ``act`` because things changed
    since (then rolled back), gives its reason. Shared by the partner's and the lead team's pages.
    """
    try:
        check()
    except people.PeopleProblem as refused:
        return False, str(refused)
    if not form.validate_on_submit():
        return False, None
    try:
        act()
    except people.PeopleProblem as refused:
        db.session.rollback()
        return False, str(refused)
    return True, None


def _confirm(membership: Membership, check, act, page: dict, done: str, own_done: str | None = None):
    """The confirmation page (GET) and the change (POST); a refusal is shown in place of the button."""
    form = ConfirmForm()
    user, organisation_id = membership.user, membership.organisation_id
    made, problem = checked_change(form, check, act)
    if made:
        return after_change(user, organisation_id, done, url_for("accounts.people"), own_message=own_done)
    status = 400 if problem and form.is_submitted() else 200
    return render_template("accounts/people/confirm.html", form=form, problem=problem, membership=membership,
                           back=url_for("accounts.people"), **page), status


@bp.route("/<int:membership_id>/remove", methods=["GET", "POST"])
@partner_required("admin")
def remove(membership_id: int):
    membership = _member_or_404(membership_id)
    user, partner = membership.user, current_partner().organisation
    if user.id == current_user.id:
        page = {"title": f"Leave {partner.name}?", "button": "Leave",
                "warning": f"You will no longer see anything of {partner.name}, and you will be signed out on your other devices. "
                           "Only an admin of it can invite you back."}
    else:
        page = {"title": f"Remove {user.name} from {partner.name}?", "button": "Remove",
                "warning": f"{user.name} will be signed out now and will no longer see anything of {partner.name}. "
                           "Their account stays. To bring them back, invite them again."}
    return _confirm(
        membership,
        lambda: people.check_removal(db.session, membership),
        lambda: people.remove_member(db.session, membership, _acting()),
        page,
        f"{user.name} has been removed from {partner.name} and signed out.",
        own_done=f"You have left {partner.name}.",
    )


@bp.route("/<int:membership_id>/disable", methods=["GET", "POST"])
@partner_required("admin")
def disable(membership_id: int):
    membership = _member_or_404(membership_id)
    user = membership.user
    return _confirm(
        membership,
        lambda: people.check_disable(db.session, membership, _acting()),
        lambda: people.disable_member(db.session, membership, _acting()),
        {"title": f"Disable {user.name}'s account?", "button": "Disable account",
         "warning": f"{user.name} will be signed out now and will not be able to sign in until the account is re-enabled. "
                    "They stay on the list of people with the role they have."},
        f"{user.name}'s account has been disabled and they have been signed out.",
    )


@bp.route("/<int:membership_id>/enable", methods=["GET", "POST"])
@partner_required("admin")
def enable(membership_id: int):
    membership = _member_or_404(membership_id)
    user = membership.user
    return _confirm(
        membership,
        lambda: people.check_enable(db.session, membership),
        lambda: people.enable_member(db.session, membership, _acting()),
        {"title": f"Re-enable {user.name}'s account?", "button": "Re-enable account", "warning": None,
         "text": f"{user.name} will be able to sign in again, as {membership.role}."},
        f"{user.name}'s account has been re-enabled.",
    )
