"""The lead's page for the network's area."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required

from portal.extensions import db
from portal.registers.area import named

from . import area
from .area_forms import AreaForm
from .blueprint import bp, led_network_or_404
from .supplier_views import RECOMPUTING, _action


@bp.route("/<int:network_id>/area", methods=["GET", "POST"])
@login_required
def area_settings(network_id: int):
    network = led_network_or_404(network_id)
    form = AreaForm()
    if request.method == "GET":
        form.fill_from(network)
    elif form.validate_on_submit():
        # The form has checked every field; reading them again cannot fail.
        settings = area.read_settings(form.area_codes.data or "", form.wider_area_name.data, form.wider_area_codes.data or "",
                                      form.region_code.data, form.excluded_kinds.data)
        if area.update_area(_action(network), settings):
            db.session.commit()
            flash(f"The area is saved and every supplier placed again. {RECOMPUTING}", "success")
        else:
            flash("Nothing changed.", "info")
        return redirect(url_for("network.area_settings", network_id=network.id))
    return render_template(
        "network/area.html", network=network, form=form, area=named(db.session, network.area_codes),
        wider=named(db.session, network.wider_area_codes), region=named(db.session, [network.region_code] if network.region_code else []),
    ), (400 if form.errors else 200)

