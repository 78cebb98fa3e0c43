"""The lead's page for the network's lead team: remove a lead, disable or re-enable a lead's account.

Routes on the network blueprint. A lead in the URL is looked up in the led network only:
another network's lead answers 404, as the network itself does to anyone who does not lead it.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.accounts import lead_team as team
from portal.accounts.forms import ConfirmForm
from portal.accounts.people_views import checked_change
from portal.accounts.views import start_session
from portal.extensions import db
from tenants.models import Network, NetworkLead

from .blueprint import bp, led_network_or_404


def _lead_or_404(network: Network, lead_id: int) -> NetworkLead:
    """:raise 404: unless the lead is on this network's team."""
    lead = team.lead(db.session, network, lead_id)
    if lead is None:
        abort(404)
    return lead


@bp.route("/<int:network_id>/lead-team")
@login_required
def lead_team(network_id: int):
    network = led_network_or_404(network_id)
    return render_template("network/lead_team.html", network=network, leads=team.lead_team(db.session, network))


def _confirm(network: Network, lead: NetworkLead, check, act, page: dict, done: str):
    """The confirmation page (GET) and the change (POST); a refusal is shown in place of the button."""
    form = ConfirmForm()
    back = url_for("network.lead_team", network_id=network.id)
    user = lead.user
    made, problem = checked_change(form, check, act)
    if made:
        db.session.commit()
        if user.id == current_user.id:
            # Off the team: this browser stays signed in (as after a password change), the others end.
            start_session(user)  # clears the session: the message comes after
            flash(done, "success")
            return redirect(url_for("home.index"))
        flash(done, "success")
        return redirect(back)
    status = 400 if problem and form.is_submitted() else 200
    return render_template("accounts/people/confirm.html", form=form, problem=problem, back=back,
                           caption=f"{network.name}: lead team", **page), status


@bp.route("/<int:network_id>/lead-team/<int:lead_id>/remove", methods=["GET", "POST"])
@login_required
def remove_lead(network_id: int, lead_id: int):
    network = led_network_or_404(network_id)
    lead = _lead_or_404(network, lead_id)
    user = lead.user
    return _confirm(
        network, lead,
        lambda: team.check_removal(db.session, lead),
        lambda: team.remove_lead(db.session, lead, current_user._get_current_object()),
        {"title": f"Remove {user.name} from the lead team?", "button": "Remove from the lead team",
         "warning": f"{user.name} will be signed out now and will no longer see {network.name}'s network pages. "
                    "Their account stays, with any partner they belong to."},
        f"{user.name} is no longer a lead of {network.name} and has been signed out.",
    )


@bp.route("/<int:network_id>/lead-team/<int:lead_id>/disable", methods=["GET", "POST"])
@login_required
def disable_lead(network_id: int, lead_id: int):
    network = led_network_or_404(network_id)
    lead = _lead_or_404(network, lead_id)
    user = lead.user
    return _confirm(
        network, lead,
        lambda: team.check_disable(db.session, lead, current_user._get_current_object()),
        lambda: team.disable_lead(db.session, lead, current_user._get_current_object()),
        {"title": f"Disable {user.name}'s account?", "button": "Disable account",
         "warning": f"{user.name} will be signed out now and will not be able to sign in until the account is re-enabled."},
        f"{user.name}'s account has been disabled and they have been signed out.",
    )


@bp.route("/<int:network_id>/lead-team/<int:lead_id>/enable", methods=["GET", "POST"])
@login_required
def enable_lead(network_id: int, lead_id: int):
    network = led_network_or_404(network_id)
    lead = _lead_or_404(network, lead_id)
    user = lead.user
    return _confirm(
        network, lead,
        lambda: team.check_enable(db.session, lead),
        lambda: team.enable_lead(db.session, lead, current_user._get_current_object()),
        {"title": f"Re-enable {user.name}'s account?", "button": "Re-enable account", "warning": None,
         "text": f"{user.name} will be able to sign in again and lead {network.name}."},
        f"{user.name}'s account has been re-enabled.",
    )
