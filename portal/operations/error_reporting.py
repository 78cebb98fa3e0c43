"""Errors sent to Sentry (or a Sentry-compatible service) when SENTRY_DSN is set; nothing loaded otherwise."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    dsn = app.config.get("SENTRY_DSN")
    if not dsn:
        return
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.flask import FlaskIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=app.config["PORTAL_ENV"],
        integrations=[FlaskIntegration(), CeleryIntegration()],
        # No personal data: no cookies, no user's email, no request bodies (spend files name people).
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=float(app.config.get("SENTRY_TRACES_SAMPLE_RATE") or 0),
    )
