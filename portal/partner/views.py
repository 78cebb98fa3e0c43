"""A partner admin's settings: what the network lead may open."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.extensions import db
from tenants.web import current_partner, partner_required

from . import services
from .forms import SharingForm

bp = Blueprint("partner", __name__, url_prefix="/partner")


@bp.route("/sharing", methods=["GET", "POST"])
@partner_required("admin")
def sharing():
    """Only this partner's admin: the page acts on the partner they work as, never one from the URL."""
    organisation = current_partner().organisation
    form = SharingForm()
    if request.method == "GET":
        form.sharing.data = services.sharing_of(organisation)
    elif form.validate_on_submit():
        if services.set_sharing(db.session, organisation, current_user, form.sharing.data):
            db.session.commit()
            flash("Data sharing saved." if form.sharing.data == services.TOTALS else
                  "Data sharing saved. The network lead can now open your spend lines.", "success")
        else:
            flash("Nothing changed.", "info")
        return redirect(url_for("partner.sharing"))
    return render_template(
        "network/sharing.html", form=form, organisation=organisation,
        history=services.sharing_history(db.session),
    ), (400 if form.errors else 200)
