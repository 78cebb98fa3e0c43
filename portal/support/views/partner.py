"""A partner's pages: support it gave, its events (registrations, attendance, the follow-up list), VCSEs' asks, offers."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.downloads import csv_response
from portal.extensions import db
from portal.opportunities import services as opportunity_services
from portal.social_value.measures import measures as network_measures
from tenants.web import current_partner, partner_required

from .. import business_asks, events, offers, records
from ..forms import AcceptOfferForm, DecisionForm, EventForm, SupportForm
from ..problems import SupportProblem
from . import bp


@bp.route("/partner/support")
@partner_required("viewer")
def partner_support():
    return render_template("support/partner_support.html", title="Support given", records=records.partner_support(db.session))


@bp.route("/partner/support/new", methods=["GET", "POST"])
@partner_required("officer")
def new_support():
    partner = current_partner().organisation
    form = SupportForm()
    form.set_business_choices(records.registered_businesses(db.session, partner.network_id))
    if form.validate_on_submit():
        details = records.SupportDetails(int(form.business_id.data), form.kind.data, form.given_on.data, form.hours.data,
                                         form.programme.data or "", form.notes.data or "")
        try:
            records.record_support(db.session, partner, details, current_user.id)
        except SupportProblem as problem:
            db.session.rollback()
            form[problem.field or "business_id"].errors.append(str(problem))
        else:
            db.session.commit()
            flash("Support recorded.", "success")
            return redirect(url_for(".partner_support"))
    return render_template("support/support_form.html", title="Record support given", form=form), (400 if form.errors else 200)


@bp.route("/partner/events")
@partner_required("viewer")
def partner_events():
    return render_template("support/partner_events.html", title="Events", events=events.partner_events(db.session))


@bp.route("/partner/events/new", methods=["GET", "POST"])
@partner_required("officer")
def new_event():
    form = EventForm()
    if form.validate_on_submit():
        details = events.EventDetails(form.kind.data, form.title.data, form.starts_at(), form.place.data,
                                      form.capacity.data, form.description.data or "")
        try:
            event = events.create_event(db.session, details, current_user.id)
        except SupportProblem as problem:
            db.session.rollback()
            form[{"starts_at": "day"}.get(problem.field, problem.field or "title")].errors.append(str(problem))
        else:
            db.session.commit()
            flash(f"Event “{event.title}” saved. Businesses of your network can register for it now.", "success")
            return redirect(url_for(".event", event_id=event.id))
    return render_template("support/event_form.html", title="New event", form=form), (400 if form.errors else 200)


def _event_or_404(event_id: int):
    """:raise 404: unless the event is the current partner's."""
    found = events.get_event(db.session, event_id)
    if found is None:
        abort(404)
    return found


@bp.route("/partner/events/<int:event_id>")
@partner_required("viewer")
def event(event_id: int):
    found = _event_or_404(event_id)
    return render_template("support/event.html", title=found.title, event=found)


@bp.route("/partner/events/<int:event_id>/attendance", methods=["POST"])
@partner_required("officer")
def attendance(event_id: int):
    """Each registration's radio: "yes", "no" or "unknown" (not marked yet)."""
    found = _event_or_404(event_id)
    answers = {"yes": True, "no": False, "unknown": None}
    marked = {}
    for registration in found.registrations:
        answer = request.form.get(f"attended-{registration.id}")
        if answer in answers:
            marked[registration.id] = answers[answer]
    changed = events.mark_attendance(db.session, found, marked)
    db.session.commit()
    flash(f"Attendance saved ({changed} changed).", "success")
    return redirect(url_for(".event", event_id=found.id))


@bp.route("/partner/events/<int:event_id>/follow-up.csv")
@partner_required("viewer")
def follow_up(event_id: int):
    found = _event_or_404(event_id)
    return csv_response(f"event-{found.id}-follow-up", events.FOLLOW_UP_HEADER, events.follow_up_rows(found))


@bp.route("/partner/vcse-asks")
@partner_required("viewer")
def sent_asks():
    return render_template("support/sent_asks.html", title="Asks from VCSEs", asks=business_asks.asks_sent_to_partner(db.session))


@bp.route("/partner/vcse-asks/<int:business_ask_id>", methods=["GET", "POST"])
@partner_required("viewer")
def sent_ask(business_ask_id: int):
    found = business_asks.get_sent_ask(db.session, business_ask_id)
    if found is None:
        abort(404)
    form = DecisionForm()
    if form.is_submitted() and not current_partner().can("officer"):
        abort(403, description="Publishing or declining an ask needs the officer role.")
    if form.validate_on_submit():
        try:
            if form.decision.data == "publish":
                ask = business_asks.publish(db.session, found)
            else:
                business_asks.decline(db.session, found, form.note.data or "")
        except SupportProblem as problem:
            db.session.rollback()
            form.decision.errors.append(str(problem))
        else:
            db.session.commit()
            if form.decision.data == "publish":
                flash(f"“{found.title}” is published as one of your asks: suppliers can offer now.", "success")
                return redirect(url_for("opportunities.ask", ask_id=ask.id))
            flash(f"“{found.title}” is declined; {found.business.name} can read why.", "success")
            return redirect(url_for(".sent_asks"))
    return render_template("support/sent_ask.html", title=found.title, ask=found, form=form), (400 if form.errors else 200)


@bp.route("/partner/asks/<int:ask_id>/offers/<int:offer_id>/accept", methods=["GET", "POST"])
@partner_required("officer")
def accept_offer(ask_id: int, offer_id: int):
    """The officer picks the contract, measure and quantity: the offer becomes one commitment on that contract."""
    ask = opportunity_services.get_ask(db.session, ask_id)
    offer = offers.get_offer(db.session, ask_id, offer_id) if ask else None
    if offer is None:
        abort(404)
    if offer.accepted_at is not None:
        flash("This offer was accepted already.", "success")
        return redirect(url_for("opportunities.ask", ask_id=ask.id))
    partner = current_partner().organisation
    contracts = offers.contracts_for_offer(db.session, offer)
    measures = network_measures(db.session, partner.network, in_use_only=True)
    form = AcceptOfferForm()
    form.set_choices(contracts, measures)
    if request.method == "GET":
        form.committed_on.data = date.today()
    if contracts and form.validate_on_submit():
        measure = next(m for m in measures if str(m.id) == form.measure_id.data)
        try:
            commitment = offers.accept_offer(
                db.session, ask, offer, contract_id=int(form.contract_id.data), measure=measure,
                quantity=form.quantity.data, committed_on=form.committed_on.data, accepted_by_id=current_user.id)
        except SupportProblem as problem:
            db.session.rollback()
            form[problem.field or "quantity"].errors.append(str(problem))
        else:
            db.session.commit()
            flash(f"Offer accepted: {offer.business.name} has a new commitment on “{commitment.contract.title}”.", "success")
            return redirect(url_for("social_value.contract", contract_id=commitment.contract_id))
    return render_template("support/accept_offer.html", title="Accept an offer", ask=ask, offer=offer, form=form,
                           contracts=contracts), (400 if form.errors else 200)
