"""Conduit partners have no spend pages: every spend route answers 404 for them, in one place.

A chamber of commerce or a VCSE infrastructure body supports businesses rather than spending at
scale; the network's figures show its support, events and asks, never an empty spend row.
"""
from __future__ import annotations

from flask import Flask, abort, request

from tenants.web import current_partner

# The blueprints and pages that are about a partner's own spend.
SPEND_BLUEPRINTS = frozenset({"spend"})
SPEND_ENDPOINTS = frozenset({"dashboard.partner", "dashboard.download", "dashboard.lines_download"})


def is_spend_page(endpoint: str | None, blueprint: str | None) -> bool:
    return blueprint in SPEND_BLUEPRINTS or endpoint in SPEND_ENDPOINTS


def _refuse_spend_pages() -> None:
    partner = current_partner()
    if partner is not None and partner.organisation.conduit and is_spend_page(request.endpoint, request.blueprint):
        abort(404, description=f"{partner.organisation.name} is a conduit partner: it reports no spend.")


def init_app(app: Flask) -> None:
    """Registered after the tenant resolver, so the partner is known when it runs."""
    app.before_request(_refuse_spend_pages)
