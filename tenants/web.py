"""The tenant of a web request: resolved once, from the session, re-checked every time.

The organisation a user works as is kept in the session only as a choice; on
every request it is checked against the user's current memberships, so a
removed membership takes effect at once. The tenant never comes from a URL or
a header.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import Flask, abort, g, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy.orm import contains_eager

from portal.extensions import db

from .businesses import Business
from .context import TenantScope, business_scope, set_request_scope
from .models import Membership, Network, NetworkLead, Organisation

ROLE_RANK = {"viewer": 1, "officer": 2, "admin": 3}


@dataclass(frozen=True)
class CurrentPartner:
    organisation: Organisation
    role: str

    def can(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


def memberships_of(user) -> list[Membership]:
    """The user's memberships with their organisations, by name: read once a request.

    The request's partner is chosen from them and the page's partner switcher lists
    them; each used to read them again (three statements a page, now one).
    """
    cached = g.get("_memberships")
    if cached is not None and cached[0] == user.id:
        return cached[1]
    memberships = db.session.scalars(
        db.select(Membership)
        .join(Membership.organisation)
        .options(contains_eager(Membership.organisation))
        .where(Membership.user_id == user.id)
        .order_by(Organisation.name)
    ).all()
    g._memberships = (user.id, memberships)
    return memberships


def networks_led_by(user) -> list[Network]:
    return db.session.scalars(
        db.select(Network).join(NetworkLead).where(NetworkLead.user_id == user.id).order_by(Network.name)
    ).all()


def is_lead_of(user, network_id: int) -> bool:
    return db.session.scalar(
        db.select(NetworkLead.id).where(NetworkLead.user_id == user.id, NetworkLead.network_id == network_id)
    ) is not None


def choose_partner(organisation_id: int) -> bool:
    """Make this organisation the one the user works as, if they belong to it."""
    membership = _membership(organisation_id)
    if membership is None:
        return False
    session["organisation_id"] = organisation_id
    return True


def _membership(organisation_id: int | None) -> Membership | None:
    if organisation_id is None or not current_user.is_authenticated:
        return None
    return db.session.scalar(
        db.select(Membership).where(
            Membership.user_id == current_user.id, Membership.organisation_id == organisation_id
        )
    )


def current_partner() -> CurrentPartner | None:
    return g.get("partner")


def current_business() -> Business | None:
    """The SME or VCSE the signed-in account belongs to (None for everyone else)."""
    return g.get("business")


def _resolve_partner() -> None:
    g.partner = None
    g.business = None
    g.pop("_memberships", None)  # read afresh each request (a test's app context outlives its requests)
    if not current_user.is_authenticated:
        return
    if current_user.business_id is not None:
        # A business account is never a partner's member: its own profile is all it works as.
        g.business = db.session.get(Business, current_user.business_id)
        set_request_scope(business_scope(current_user.business_id))
        return
    memberships = memberships_of(current_user)
    chosen = session.get("organisation_id")
    membership = next((m for m in memberships if m.organisation_id == chosen), None)
    if membership is None:
        membership = memberships[0] if memberships else None
        session["organisation_id"] = membership.organisation_id if membership else None
    if membership is not None:
        g.partner = CurrentPartner(membership.organisation, membership.role)
        set_request_scope(TenantScope((membership.organisation_id,), membership.organisation_id, "request"))


def _clear_scope(exc=None) -> None:
    set_request_scope(None)


def partner_required(role: str = "viewer"):
    """The view needs a partner to work as, with at least this role (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("accounts.login", next=request.full_path))
            partner = current_partner()
            if partner is None:
                abort(403, description="You are not a member of any partner organisation.")
            if not partner.can(role):
                abort(403, description=f"This needs the {role} role in {partner.organisation.name}.")
            return view(*args, **kwargs)

        return wrapped

    return decorator


def business_required(verified: bool = True):
    """The view is for a registered SME or VCSE (403 for anyone else).

    Until the account's email is verified it is sent to the page that says so.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("accounts.login", next=request.full_path))
            if current_business() is None:
                abort(403, description="This page is for registered small businesses and VCSEs.")
            if verified and current_user.email_verified_at is None:
                return redirect(url_for("smes.verify_pending"))
            return view(*args, **kwargs)

        return wrapped

    return decorator


def init_app(app: Flask) -> None:
    app.before_request(_resolve_partner)
    app.teardown_request(_clear_scope)
    app.context_processor(lambda: {"current_partner": current_partner(), "current_business": current_business()})
