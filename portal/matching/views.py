"""Matching pages: a business's matches and interest, a partner's matched and interested businesses, the digest link."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.accounts.tokens import LinkProblem
from portal.extensions import db
from portal.opportunities.queries import public_opportunity
from tenants.web import business_required, current_business, partner_required

from . import digest, interest, profiles, queries
from .forms import ConfirmForm, InterestForm, OfferForm
from .models import AskOffer, OpportunityInterest

bp = Blueprint("matching", __name__)


@bp.route("/matches")
@business_required()
def your_matches():
    """The business's matches to open opportunities, best first, with their reasons."""
    matches = queries.matches_for_business(db.session, current_business())
    return render_template("matching/your_matches.html", title="Your matches", matches=matches, form=ConfirmForm())


@bp.route("/opportunities/<int:opportunity_id>/interest", methods=["GET", "POST"])
@business_required()
def interest_in(opportunity_id: int):
    """Say the business is interested in a published opportunity of its network (404 for any other)."""
    business = current_business()
    found = public_opportunity(db.session, business.network, opportunity_id)
    if found is None:
        abort(404)
    existing = db.session.scalar(db.select(OpportunityInterest).where(OpportunityInterest.opportunity_id == opportunity_id))
    form = InterestForm(obj=existing)
    if not form.is_submitted() and existing is None:
        form.contact_email.data = current_user.email
    if form.validate_on_submit():
        interest.express_interest(db.session, business, opportunity_id, form.message.data or "",
                                  form.contact_name.data or "", form.contact_email.data or "")
        db.session.commit()
        flash(f"{found.partner_name} can now see that you are interested in “{found.title}”.", "success")
        return redirect(url_for(".your_matches"))
    return render_template("matching/interest.html", title="Say you are interested", opportunity=found, form=form,
                           existing=existing if existing and existing.withdrawn_at is None else None,
                           withdraw=ConfirmForm())


@bp.route("/opportunities/<int:opportunity_id>/interest/withdraw", methods=["POST"])
@business_required()
def withdraw_interest(opportunity_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not interest.withdraw_interest(db.session, opportunity_id):
        abort(404)
    db.session.commit()
    flash("You are no longer listed as interested.", "success")
    return redirect(url_for(".your_matches"))


@bp.route("/social-value-asks/<int:ask_id>/offer", methods=["GET", "POST"])
@business_required()
def offer(ask_id: int):
    """Offer to meet an open social value ask of the business's network (404 for any other)."""
    business = current_business()
    if interest.open_ask_partner_of(db.session, business, ask_id) is None:
        abort(404)
    existing = db.session.scalar(db.select(AskOffer).where(AskOffer.ask_id == ask_id))
    form = OfferForm(obj=existing)
    if form.validate_on_submit():
        interest.offer_to_meet(db.session, business, ask_id, form.message.data or "")
        db.session.commit()
        flash("Thank you: the partner that asked can now see your offer.", "success")
        return redirect(url_for(".your_matches"))
    return render_template("matching/offer.html", title="Offer to meet this ask", form=form, existing=existing,
                           ask_id=ask_id, withdraw=ConfirmForm())


@bp.route("/social-value-asks/<int:ask_id>/offer/withdraw", methods=["POST"])
@business_required()
def withdraw_offer(ask_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not interest.withdraw_offer(db.session, ask_id):
        abort(404)
    db.session.commit()
    flash("Your offer is withdrawn.", "success")
    return redirect(url_for(".your_matches"))


@bp.route("/partner/opportunities/<int:opportunity_id>/businesses")
@partner_required("viewer")
def businesses_for(opportunity_id: int):
    """The matched and the interested businesses of one of the partner's own opportunities (404 for another's)."""
    opportunity = queries.own_opportunity(db.session, opportunity_id)
    if opportunity is None:
        abort(404)
    return render_template(
        "matching/businesses.html", title=f"Businesses for “{opportunity.title}”", opportunity=opportunity,
        matched=queries.matched_businesses(db.session, opportunity_id),
        interested=queries.interested_businesses(db.session, opportunity_id),
    )


@bp.route("/partner/opportunities/<int:opportunity_id>/businesses/<int:business_id>")
@partner_required("viewer")
def interested_business(opportunity_id: int, business_id: int):
    """An interested business's profile, for the partner whose opportunity it is. :raise 404: for any other pair."""
    opportunity = queries.own_opportunity(db.session, opportunity_id)
    found = profiles.interested_profile(db.session, opportunity_id, business_id) if opportunity else None
    if found is None:
        abort(404)
    return render_template("matching/interested_business.html", title=found.name, opportunity=opportunity, business=found,
                           **_profile_labels())


def _profile_labels() -> dict:
    from portal import cpv
    from portal.smes.labels import (
        OFFER_LABELS,
        ORGANISATION_TYPE_LABELS,
        OWNERSHIP_LABELS,
        SIZE_BAND_LABELS,
    )

    return {"cpv_label": cpv.label, "ORGANISATION_TYPE_LABELS": ORGANISATION_TYPE_LABELS, "SIZE_BAND_LABELS": SIZE_BAND_LABELS,
            "OFFER_LABELS": OFFER_LABELS, "OWNERSHIP_LABELS": OWNERSHIP_LABELS}


@bp.route("/weekly-digest/stop/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """The link in every digest: a page with one button that turns the weekly email off."""
    try:
        business_id = digest.business_for_unsubscribe(token)
    except LinkProblem as problem:
        return render_template("matching/unsubscribe.html", title="This link cannot be used", problem=str(problem)), 400
    form = ConfirmForm()
    if form.validate_on_submit():
        digest.stop_digest(db.session, business_id)
        db.session.commit()
        return render_template("matching/unsubscribe.html", title="Weekly emails stopped", done=True)
    return render_template("matching/unsubscribe.html", title="Stop the weekly email", form=form)
