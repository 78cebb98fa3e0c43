"""A business's pages: its support history and events, registering for an event, its own asks, and asks near it."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.extensions import db
from tenants.web import business_required, current_business

from .. import business_asks, events, offers, records
from ..forms import BusinessAskForm, ConfirmForm, RegistrationForm
from ..problems import SupportProblem
from . import bp


@bp.route("/your-support")
@business_required()
def business_home():
    """The business's own support history and the events it registered for: nothing of any other business's."""
    return render_template("support/business_home.html", title="Your support and events",
                           support=records.business_support(db.session), registrations=events.business_events(db.session))


@bp.route("/events")
@business_required()
def upcoming():
    return render_template("support/upcoming.html", title="Events you can register for",
                           events=events.upcoming_events(db.session, current_business()))


@bp.route("/events/<int:event_id>/register", methods=["GET", "POST"])
@business_required()
def register(event_id: int):
    business = current_business()
    found = events.open_event(db.session, business, event_id)
    if found is None:
        abort(404)
    existing = events.own_registration(db.session, event_id)
    form = RegistrationForm(obj=existing)
    if not form.is_submitted() and existing is None:
        form.contact_email.data = current_user.email
    if form.validate_on_submit():
        try:
            events.register(db.session, business, event_id, form.contact_name.data, form.contact_email.data)
        except SupportProblem as problem:
            db.session.rollback()
            form.contact_name.errors.append(str(problem))
        else:
            db.session.commit()
            flash(f"You are registered for “{found.title}”.", "success")
            return redirect(url_for(".business_home"))
    return render_template("support/register.html", title=f"Register for “{found.title}”", event=found, form=form,
                           existing=existing, cancel=ConfirmForm()), (400 if form.errors else 200)


@bp.route("/events/<int:event_id>/cancel", methods=["POST"])
@business_required()
def cancel(event_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not events.cancel_registration(db.session, event_id):
        abort(404)
    db.session.commit()
    flash("Your registration is cancelled.", "success")
    return redirect(url_for(".business_home"))


@bp.route("/your-asks")
@business_required()
def business_asks_list():
    return render_template("support/business_asks.html", title="Your asks", asks=business_asks.own_asks(db.session),
                           is_vcse=business_asks.is_verified_vcse(db.session))


@bp.route("/your-asks/new", methods=["GET", "POST"])
@business_required()
def new_business_ask():
    """A verified VCSE asks for help; any other business is told this is for VCSEs (403)."""
    if not business_asks.is_verified_vcse(db.session):
        abort(403, description="Only a VCSE (a charity, CIO, community interest company or social enterprise) can post its own ask.")
    business = current_business()
    form = BusinessAskForm()
    form.set_partner_choices(business_asks.partners_to_ask(db.session, business))
    if form.validate_on_submit():
        details = business_asks.BusinessAskDetails(int(form.partner_id.data), form.kind.data, form.title.data,
                                                   form.description.data or "", form.district)
        try:
            business_asks.post_ask(db.session, business, details)
        except SupportProblem as problem:
            db.session.rollback()
            form[problem.field or "title"].errors.append(str(problem))
        else:
            db.session.commit()
            flash("Your ask is sent. The partner publishes it for suppliers to offer, or tells you why not.", "success")
            return redirect(url_for(".business_asks_list"))
    return render_template("support/business_ask_form.html", title="Ask for help", form=form), (400 if form.errors else 200)


@bp.route("/social-value-asks/near-you")
@business_required()
def asks_near_you():
    business = current_business()
    return render_template("support/asks_near_you.html", title="Asks near you", asks=offers.asks_near(db.session, business),
                           linked=offers.holds_supplier_link(db.session))
