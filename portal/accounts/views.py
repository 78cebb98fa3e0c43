"""Signing in and out, passwords, invitations and the partner's people."""
from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from govuk_frontend_wtf.main import WTFormsHelpers
from limits import parse

from portal import widgets
from portal.extensions import db, limiter, login_manager
from portal.passwords import verify_password
from portal.security import session_expired, touch_session
from tenants import tenant_context
from tenants.models import Invitation, Membership, Organisation, User, utcnow
from tenants.web import choose_partner, current_partner, memberships_of, partner_required

from . import services
from .forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ConfirmForm,
    ForgottenPasswordForm,
    InviteForm,
    LoginForm,
    ResetPasswordForm,
)
from .next_page import safe_next
from .one_account import REFUSED, ExistingAccount, existing_account, remove_unconfirmed_registration
from .sign_in_limits import limit_sign_in, record_failure, remember_device
from .tokens import LinkProblem

bp = Blueprint("accounts", __name__)


def _login_email_key() -> str:
    return "account:" + services.normalise_email(request.form.get("email", ""))


def _password_change_key() -> str:
    return f"password-change:{getattr(current_user, 'id', '')}"


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never an open redirect (next_page.py)."""
    return safe_next(target) or url_for("home.index")


def start_session(user: User) -> None:
    # A fresh session at sign-in defeats session fixation.
    session.clear()
    login_user(user)
    touch_session()


@bp.route("/sign-in", methods=["GET", "POST"])
@limit_sign_in
def login():
    form = LoginForm()
    problem = None
    if form.validate_on_submit():
        user = services.authenticate(db.session, form.email.data, form.password.data)
        if user is not None and user.business_id is not None and user.email_verified_at is None:
            # An address nobody has confirmed signs nobody in (issue 14, item 5): the right
            # password alone says nothing about who owns the address.
            db.session.rollback()
            problem = _confirm_address_first(user)
            return render_template("accounts/login.html", form=form, problem=problem), 403
        if user is not None:
            db.session.commit()
            start_session(user)
            return remember_device(redirect(_safe_next(request.args.get("next"))), user.email)
        record_failure()
        problem = "The email address or password is not right. Check them and try again."
    return render_template("accounts/login.html", form=form, problem=problem), (400 if problem else 200)


def _confirm_address_first(user: User) -> str:
    """Send a new verification link, at most as often as the resend button may; what to tell the person."""
    from portal.smes.registration import send_verification

    if limiter.limiter.hit(parse(current_app.config["VERIFICATION_RESEND_LIMIT"]), f"verification:{user.id}", "sign-in"):
        send_verification(db.session, user)
        db.session.commit()
    return (f"Confirm your email address before you sign in. We have sent a link to {user.email}: "
            "open it and press \"Confirm my email address\".")


@bp.route("/sign-out", methods=["POST"])
@login_required
def logout():
    ConfirmForm().validate_on_submit() or abort(400)
    services.end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out on every device.", "success")
    return redirect(url_for("accounts.login"))


@bp.route("/account")
@login_required
def account():
    """Who is signed in, the partners and networks they work for, and what they can change."""
    return render_template("accounts/account.html", leads=sorted(current_user.leads, key=lambda lead: lead.network.name))


@bp.route("/account/password", methods=["GET", "POST"])
# Someone at an unattended, signed-in screen must not be able to guess the password.
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_password_change_key, methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    form.password_context = lambda: [current_user.email, current_user.name]
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current.data):
            form.current.errors.append("Your current password is not right")
        else:
            user = current_user._get_current_object()
            services.set_password(user, form.password.data)
            db.session.commit()
            organisation_id = session.get("organisation_id")
            start_session(user)
            # A new password is no reason to drop the partner they were working as.
            if organisation_id is not None:
                choose_partner(organisation_id)
            flash("Your password has been changed. You have been signed out everywhere else.", "success")
            return redirect(url_for("home.index"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/forgotten-password", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"])
# Per account too, so nobody can flood one person's inbox with reset emails from many addresses.
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_login_email_key, methods=["POST"])
def forgotten_password():
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        services.send_password_reset(db.session, form.email.data)
        db.session.commit()
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_template("accounts/forgotten_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        user = services.user_for_reset(db.session, token)
    except LinkProblem as problem:
        return render_template("accounts/link_problem.html", problem=str(problem)), 400
    form = ResetPasswordForm()
    form.password_context = lambda: [user.email, user.name]
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        db.session.commit()
        flash("Your password has been set. Sign in with it now.", "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """The signed link names the partner, so the page works inside that partner's tenant."""
    try:
        organisation_id, invitation_id = services.invitation_payload(token)
        with tenant_context(organisation_id):
            invitation = services.pending_invitation(db.session, invitation_id)
            return _accept(invitation)
    except LinkProblem as problem:
        db.session.rollback()
        return render_template("accounts/link_problem.html", problem=str(problem)), 400


def _accept(invitation: Invitation):
    organisation = db.session.get(Organisation, invitation.organisation_id)
    existing = services.find_user(db.session, invitation.email)
    kind = existing_account(existing)
    if kind is ExistingAccount.BUSINESS:
        db.session.rollback()
        return render_template("accounts/link_problem.html", problem=REFUSED), 409
    if kind is ExistingAccount.PARTNER:
        if not current_user.is_authenticated or current_user.id != existing.id:
            flash(f"Sign in as {invitation.email} to accept the invitation.", "info")
            return redirect(url_for("accounts.login", next=request.path))
        form = ConfirmForm()
        if form.validate_on_submit():
            services.accept_invitation(db.session, invitation, existing)
            db.session.commit()
            choose_partner(organisation.id)
            flash(f"You have joined {organisation.name}.", "success")
            return redirect(url_for("home.index"))
        return render_template("accounts/accept_existing.html", form=form, invitation=invitation, organisation_name=organisation.name)
    form = AcceptInvitationForm(name=invitation.name)
    form.password_context = lambda: [invitation.email, form.name.data or ""]
    if form.validate_on_submit():
        if kind is ExistingAccount.UNCONFIRMED_BUSINESS:
            remove_unconfirmed_registration(db.session, existing)
        user = services.create_user(db.session, invitation.email, form.name.data, form.password.data)
        services.accept_invitation(db.session, invitation, user)
        db.session.commit()
        start_session(user)
        choose_partner(organisation.id)
        flash("Your account is ready.", "success")
        return redirect(url_for("home.index"))
    return render_template("accounts/accept_invitation.html", form=form, invitation=invitation, organisation_name=organisation.name,
                           replaces_registration=kind is ExistingAccount.UNCONFIRMED_BUSINESS)


@bp.route("/switch-partner", methods=["POST"])
@login_required
def switch_partner():
    ConfirmForm().validate_on_submit() or abort(400)
    organisation_id = request.form.get("organisation_id", type=int)
    if organisation_id is None or not choose_partner(organisation_id):
        abort(404)
    return redirect(url_for("home.index"))


@bp.route("/people")
@partner_required("admin")
def people():
    partner = current_partner()
    members = db.session.scalars(
        db.select(Membership).where(Membership.organisation_id == partner.organisation.id).join(User).order_by(User.name)
    ).all()
    invitations = db.session.scalars(db.select(Invitation).order_by(Invitation.created_at.desc())).all()
    return render_template("accounts/people.html", members=members, invitations=invitations, form=ConfirmForm())


@bp.route("/people/invite", methods=["GET", "POST"])
@partner_required("admin")
def invite():
    form = InviteForm()
    if form.validate_on_submit():
        partner = current_partner()
        services.invite(db.session, partner.organisation, form.email.data, form.name.data, form.role.data, current_user)
        db.session.commit()
        flash(f"Invitation sent to {form.email.data}.", "success")
        return redirect(url_for("accounts.people"))
    return render_template("accounts/invite.html", form=form)


@bp.route("/people/invitations/<int:invitation_id>/withdraw", methods=["POST"])
@partner_required("admin")
def withdraw_invitation(invitation_id: int):
    """:raise 404: when the invitation is not this partner's (the tenant filter hides it)."""
    ConfirmForm().validate_on_submit() or abort(400)
    invitation = db.get_or_404(Invitation, invitation_id)
    if invitation.status == "pending":
        invitation.revoked_at = utcnow()
        services.record(db.session, "invitation.withdrawn", current_user, email=invitation.email)
        db.session.commit()
        flash(f"Invitation to {invitation.email} withdrawn.", "success")
    return redirect(url_for("accounts.people"))


@login_manager.user_loader
def _load_user(user_key: str) -> User | None:
    """Reject cookies from before the user's last sign-out, password change or disabling."""
    try:
        user_id, version = (int(part) for part in user_key.split(":"))
    except ValueError:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def _enforce_timeouts():
    if request.endpoint and request.endpoint.startswith("assets."):
        return None
    if "_user_id" in session and session_expired():
        session.clear()
        flash("You were signed out because the session timed out. Sign in again.", "info")
        return redirect(url_for("accounts.login", next=request.full_path if request.method == "GET" else None))
    if current_user.is_authenticated:
        touch_session()
    return None


def init_app(app: Flask) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Sign in to see this page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    WTFormsHelpers(app)
    app.add_template_global(widgets.wtforms_errors)  # dates link to their day box
    app.before_request(_enforce_timeouts)
    app.register_blueprint(bp)
    app.context_processor(
        lambda: {
            "memberships": memberships_of(current_user) if current_user.is_authenticated else [],
            # Only its CSRF token is shown. Reading the posted form here would fail again
            # on the body a 413 page answers, turning "too large" into a server error.
            "confirm_form": ConfirmForm(formdata=None),
        }
    )
