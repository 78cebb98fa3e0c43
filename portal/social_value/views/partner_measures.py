"""The partner's own choice of measures, among those its network has in use."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from wtforms import SelectChoice

from portal.extensions import db
from tenants.web import current_partner, partner_required

from .. import measures, partner_measures
from ..forms.measures import PartnerMeasuresForm
from ..problems import SocialValueProblem
from . import bp
from .common import audit


@bp.route("/social-value/measures", methods=["GET", "POST"])
@partner_required("viewer")
def partner_measures_choice():
    """Viewers see the partner's measures; its admins choose them."""
    partner = current_partner()
    network = partner.organisation.network
    in_use = measures.measures(db.session, network, in_use_only=True)
    form = PartnerMeasuresForm()
    form.measures.choices = [SelectChoice(m.code, m.code) for m in in_use]
    if request.method == "POST":
        if not partner.can("admin"):
            abort(403, description="Only your partner's admins can choose its measures.")
        if form.validate_on_submit():
            try:
                chosen = partner_measures.choose_measures(db.session, network, partner.organisation, form.measures.data or [])
            except SocialValueProblem as problem:
                db.session.rollback()
                form.measures.errors = [*form.measures.errors, str(problem)]
            else:
                audit("social_value.partner_measures_chosen", codes=[m.code for m in chosen])
                db.session.commit()
                flash(f"Your partner uses {len(chosen)} measures." if chosen
                      else "Your partner uses every measure the network has in use.", "success")
                return redirect(url_for("social_value.partner_measures_choice"))
    chosen_ids = partner_measures.chosen_measure_ids(db.session)
    by_theme: dict = {}
    for measure in in_use:
        by_theme.setdefault(measure.theme, []).append(measure)
    return render_template(
        "social_value/partner_measures.html", form=form, by_theme=by_theme, chosen_ids=chosen_ids,
        offered=partner_measures.offered_measures(db.session, network), can_choose=partner.can("admin"),
    ), (400 if form.errors else 200)
