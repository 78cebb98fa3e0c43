"""Who an API request is: the partner of its bearer token, in the same tenant scope a page's request gets.

The token arrives as ``Authorization: Bearer anp_...``. The request's scope is set with
``tenants.context.set_request_scope``, as ``tenants.web`` sets a signed-in person's, and
cleared by the same teardown; the views then read through the automatic tenant filter
(and row-level security on PostgreSQL), never with filters of their own. No cookie counts:
a browser signed in to the portal is not an API caller.
"""
from __future__ import annotations

from functools import wraps

from flask import abort, g, request

from portal.extensions import db, login_manager
from tenants.context import TenantScope, set_request_scope
from tenants.models import Organisation

from . import tokens
from .models import ApiToken


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    kind, _, value = header.partition(" ")
    if kind.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def authenticate() -> None:
    """Set the request's partner from its token, or answer 401 (as JSON: see views.errors)."""
    # A session cookie sent along is ignored: the token alone says who is calling.
    g.partner = None
    g._login_user = login_manager.anonymous_user()  # what flask-login reads; the cookie itself is left alone
    secret = bearer_token()
    if secret is None:
        abort(401, description="Send a partner token: Authorization: Bearer <token>.")
    organisation_id = tokens.organisation_of(secret)
    if organisation_id is None:
        abort(401, description="That is not a partner token.")
    set_request_scope(TenantScope((organisation_id,), organisation_id, "api token"))
    token = tokens.find_live_token(db.session, secret)
    if token is None:
        set_request_scope(None)
        db.session.rollback()
        abort(401, description="That token is not known or has been revoked.")
    db.session.commit()  # last used, kept even if the call then fails
    g.api_token_id = token.id
    g.api_organisation_id = organisation_id


def current_token() -> ApiToken:
    return db.session.get(ApiToken, g.api_token_id)


def current_organisation() -> Organisation:
    return db.session.get(Organisation, g.api_organisation_id)


def token_required(scope: str):
    """The view needs a token with this scope (403 otherwise).

    The token itself was checked by ``authenticate``, the blueprint's first step, before any
    argument is read: a caller with no token learns nothing of what the route would accept.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_token().allows(scope):
                abort(403, description=f"This token may not do this: it needs the {scope!r} scope.")
            return view(*args, **kwargs)

        return wrapped

    return decorator


def rate_limit_key() -> str:
    """Each token has its own allowance (keyed by its hash); calls with no token share their address's."""
    secret = bearer_token()
    if secret:
        return "api-token:" + tokens.hash_token(secret)[:32]
    return "api-address:" + (request.remote_addr or "unknown")
