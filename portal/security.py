"""Response headers and session lifetime rules that apply to every request."""
from __future__ import annotations

from datetime import datetime, timezone

import secrets

from flask import Flask, current_app, g, request, session

# Only the portal's own assets; no inline style, and the one inline script
# (GOV.UK Frontend's js-enabled switch) is allowed by a per-response nonce.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'nonce-{nonce}'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


def _set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY.format(nonce=csp_nonce()))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config["SESSION_COOKIE_SECURE"]:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    _never_store(response)
    return response


# Static files and the built assets hold no one's data: the only answers a cache may keep.
CACHEABLE_ENDPOINTS = {"static"}
CACHEABLE_BLUEPRINTS = {"assets"}


def _never_store(response) -> None:
    """Every answer but a static asset is ``no-store``: pages, downloads, feeds, JSON, errors alike.

    In one place rather than per view, so a new download cannot forget it (ASVS 8.2.1).
    ``send_file`` says ``no-cache`` (store, but revalidate): not enough for a partner's spend lines
    on a shared computer, so it is replaced; and its validators go, having nothing left to validate.
    """
    if request.endpoint in CACHEABLE_ENDPOINTS or request.blueprint in CACHEABLE_BLUEPRINTS:
        return
    cache = response.headers.get("Cache-Control", "")
    if "no-store" not in cache:
        response.headers["Cache-Control"] = "private, no-store" if "private" in cache else "no-store"
    for validator in ("ETag", "Last-Modified", "Expires"):
        response.headers.pop(validator, None)


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def session_expired() -> bool:
    """True when the signed-in session has been idle or alive too long."""
    now = datetime.now(timezone.utc).timestamp()
    started = session.get("started_at")
    seen = session.get("last_seen_at")
    if started is None or seen is None:
        # Every sign-in stamps both; a signed-in session without them did not come from us.
        return True
    config = current_app.config
    if now - seen > config["SESSION_IDLE_TIMEOUT"].total_seconds():
        return True
    return now - started > config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds()


def touch_session() -> None:
    now = datetime.now(timezone.utc).timestamp()
    session.setdefault("started_at", now)
    session["last_seen_at"] = now


def init_app(app: Flask) -> None:
    app.after_request(_set_security_headers)
    app.context_processor(lambda: {"cspNonce": csp_nonce()})
