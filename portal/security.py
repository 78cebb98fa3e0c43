"""Response headers and session lifetime rules that apply to every request."""
from __future__ import annotations

from datetime import datetime, timezone

import secrets

from flask import Flask, current_app, g, session

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
    if "Cache-Control" not in headers and response.mimetype == "text/html":
        headers["Cache-Control"] = "no-store"
    return response


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
