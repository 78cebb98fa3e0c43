"""Pages for small businesses and VCSEs: registering, confirming the email address, their own profile.

No URL here carries a business's id: a signed-in business account only ever
reaches its own profile, through the request's scope.
"""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from portal.accounts.forms import ConfirmForm
from portal.accounts.next_page import safe_next
from portal.accounts.tokens import LinkProblem
from portal.cpv import hierarchy, search
from portal.extensions import db, limiter
from tenants.models import Network
from tenants.web import business_required, current_business

from . import registration, services
from .forms import CategorySearchForm, ProfileForm, RegistrationForm
from .labels import OFFER_LABELS, ORGANISATION_TYPE_LABELS, OWNERSHIP_LABELS, SIZE_BAND_LABELS

# Where a person who registered from an opportunity's page goes once their address is confirmed.
AFTER_VERIFICATION = "after_verification"

bp = Blueprint("smes", __name__)


def _email_key() -> str:
    from portal.accounts.services import normalise_email

    return "account:" + normalise_email(request.form.get("email", ""))


def _account_key() -> str:
    return f"verification:{getattr(current_user, 'id', '')}"


@bp.route("/register")
def register_choose():
    """Which network to register with: straight there when there is only one."""
    networks = db.session.scalars(select(Network).order_by(Network.name)).all()
    if len(networks) == 1:
        return redirect(url_for("smes.register", slug=networks[0].slug))
    return render_template("smes/register_choose.html", networks=networks, title="Register your business")


@bp.route("/networks/<slug>/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"])
# Per address too, so nobody can flood one person's inbox by registering their address again and again.
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_email_key, methods=["POST"])
def register(slug: str):
    """:raise 404: for a network that does not exist."""
    network = db.first_or_404(select(Network).where(Network.slug == slug))
    if current_user.is_authenticated:
        flash("You are already signed in. Sign out first to register another business.", "info")
        return redirect(url_for("home.index"))
    form = RegistrationForm()
    if form.validate_on_submit():
        details = registration.Registration(
            business_name=form.business_name.data, organisation_type=form.organisation_type.data,
            name=form.name.data, email=form.email.data, password=form.password.data,
            postcode=form.postcode.data, size_band=form.size_band.data,
        )
        registration.register_business(db.session, network, details)
        db.session.commit()
        # Came from an opportunity ("Register or sign in to say you're interested"): back there once confirmed.
        if safe_next(request.args.get("next")):
            session[AFTER_VERIFICATION] = safe_next(request.args.get("next"))
        # The same page whether or not the address already had an account.
        return render_template("smes/check_email.html", email=form.email.data, network=network, title="Check your email")
    return render_template("smes/register.html", form=form, network=network, title="Register your business")


@bp.route("/verify-email")
@business_required(verified=False)
def verify_pending():
    if current_user.email_verified_at is not None:
        return redirect(url_for("smes.profile"))
    return render_template("smes/verify_pending.html", form=ConfirmForm(), title="Confirm your email address")


@bp.route("/verify-email/resend", methods=["POST"])
@limiter.limit(lambda: current_app.config["VERIFICATION_RESEND_LIMIT"], key_func=_account_key)
@business_required(verified=False)
def resend_verification():
    ConfirmForm().validate_on_submit() or abort(400)
    if current_user.email_verified_at is not None:
        return redirect(url_for("smes.profile"))
    registration.send_verification(db.session, current_user._get_current_object())
    db.session.commit()
    flash(f"We have sent a new link to {current_user.email}. It may take a few minutes to arrive.", "success")
    return redirect(url_for("smes.verify_pending"))


@bp.route("/verify-email/<token>", methods=["GET", "POST"])
def verify(token: str):
    """The link from the email asks; only its button confirms.

    Mail scanners and link previews open every link in an email: a GET that
    confirmed would confirm addresses nobody had read.
    """
    form = ConfirmForm()
    try:
        if not form.validate_on_submit():
            user = registration.verifiable_user(db.session, token)
            return render_template("smes/verify_confirm.html", form=form, email=user.email,
                                   title="Confirm your email address")
        user = registration.verify_email(db.session, token)
    except LinkProblem as problem:
        db.session.rollback()
        return render_template("smes/link_problem.html", problem=str(problem), title="This link cannot be used"), 400
    db.session.commit()
    flash("Your email address is confirmed.", "success")
    after = safe_next(session.pop(AFTER_VERIFICATION, None)) or url_for("smes.edit_profile")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(after)
    return redirect(url_for("accounts.login", next=after))


@bp.route("/profile")
@business_required()
def profile():
    business = current_business()
    own = services.own_profile(db.session)
    supplier = None
    if own is not None and own.supplier_id is not None:
        from portal.suppliers.models import Supplier

        supplier = db.session.get(Supplier, own.supplier_id)
    return render_template(
        "smes/profile.html", business=business, profile=own, supplier=supplier, hierarchy=hierarchy,
        title="Your profile", **_labels(),
    )


@bp.route("/profile/edit", methods=["GET", "POST"])
@business_required()
def edit_profile():
    business = current_business()
    own = services.own_profile(db.session)
    form = ProfileForm(data=_form_data(business, own))
    if form.validate_on_submit():
        # Whether its numbers match the register is not said: that waits for the lead's confirmation.
        services.save_profile(db.session, business, _changes(form))
        db.session.commit()
        flash("Your profile is saved. We will look for opportunities that match it.", "success")
        return redirect(url_for("smes.profile"))
    return render_template("smes/edit_profile.html", form=form, business=business, title="Change your profile")


@bp.route("/profile/categories", methods=["GET", "POST"])
@business_required()
def categories():
    """Find categories by name or code and tick them: works without JavaScript."""
    own = services.own_profile(db.session)
    if own is None:
        flash("Tell us about your business first.", "info")
        return redirect(url_for("smes.edit_profile"))
    query = request.values.get("q", "").strip()
    current = [c.cpv_code for c in own.categories]
    form = CategorySearchForm()
    if form.validate_on_submit():
        services.set_categories(db.session, form.chosen)
        services.on_profile_changed(db.session, current_business().id)
        db.session.commit()
        flash("Your categories are saved.", "success")
        return redirect(url_for("smes.profile"))
    results = [(code, name) for code, name in search(query, limit=50) if code not in current] if query else []
    return render_template(
        "smes/categories.html", form=form, query=query, current=current, results=results, hierarchy=hierarchy,
        title="Your categories of work",
    )


def _form_data(business, own) -> dict:
    """What the form shows before it is posted: the saved profile, in the form's shapes."""
    data = {"name": business.name}
    if own is None:
        return data
    for name in ProfileForm.COPIED:
        data[name] = getattr(own, name)
    data.update(
        cpv_codes=", ".join(c.cpv_code for c in own.categories),
        ownership=[flag for flag in services.OWNERSHIP_FLAGS if getattr(own, flag)],
        accreditations="\n".join(own.accreditations or []),
    )
    return data


def _changes(form: ProfileForm) -> services.ProfileChanges:
    return services.ProfileChanges(
        name=form.name.data, organisation_type=form.organisation_type.data, postcode=form.postcode.data,
        size_band=form.size_band.data, company_number=form.company_number.data,
        charity_number=form.charity_number.data, cpv_codes=form.codes, ownership=set(form.ownership.data or []),
        living_wage_accredited=form.living_wage_accredited.data,
        accreditations=[line.strip() for line in (form.accreditations.data or "").splitlines() if line.strip()],
        what_we_do=form.what_we_do.data or "", social_value_offers=list(form.social_value_offers.data or []),
        social_value_detail=form.social_value_detail.data or "", contact_name=form.contact_name.data or "",
        contact_email=form.contact_email.data or "", phone=form.phone.data or "", website=form.website.data or "",
        wants_weekly_digest=form.wants_weekly_digest.data,
    )


def _labels() -> dict:
    return {
        "ORGANISATION_TYPE_LABELS": ORGANISATION_TYPE_LABELS, "SIZE_BAND_LABELS": SIZE_BAND_LABELS,
        "OFFER_LABELS": OFFER_LABELS, "OWNERSHIP_LABELS": OWNERSHIP_LABELS,
    }


# Candidate pages for a business's menu, shown when the feature that owns them is installed.
BUSINESS_MENU = (
    ("smes.profile", "Your profile", "smes."),
    ("opportunities.network_list", "Opportunities", "opportunities."),
    ("matching.your_matches", "Your matches", "matching."),
    ("support.business_home", "Support and events", "support."),
)


@bp.app_context_processor
def _business_navigation() -> dict:
    """The service navigation a signed-in business account sees instead of the partner links."""
    business = current_business()
    if business is None:
        return {"business_navigation": []}
    endpoint = request.endpoint or ""
    items = []
    for name, text, prefix in BUSINESS_MENU:
        if name not in current_app.view_functions:
            continue
        values = {"slug": business.network.slug} if name == "opportunities.network_list" else {}
        items.append({"href": url_for(name, **values), "text": text, "active": endpoint.startswith(prefix)})
    return {"business_navigation": items}
