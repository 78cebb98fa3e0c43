"""``/healthz``, ``/readyz`` and ``/metrics``: for load balancers, orchestrators and Prometheus.

No sign-in and no tenant: they read no partner's rows. ``/metrics`` answers only the networks
in METRICS_ALLOWED_NETWORKS or a request with ``Authorization: Bearer <METRICS_TOKEN>``.
"""
from __future__ import annotations

import hmac
import ipaddress

from flask import Blueprint, Response, abort, current_app, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST

from .metrics import exposition
from .readiness import run_checks

bp = Blueprint("operations", __name__)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    """Alive: the process answers. Touches no database, so a slow database does not get it restarted."""
    return _no_store(jsonify(status="alive"))


@bp.get("/readyz")
def readyz():
    """Ready for traffic: 200, or 503 naming each check that failed."""
    outcome = run_checks(current_app._get_current_object())
    response = jsonify(outcome)
    response.status_code = 503 if outcome["failed"] else 200
    return _no_store(response)


def _metrics_allowed() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in current_app.config["METRICS_ALLOWED_NETWORKS"])


@bp.get("/metrics")
def metrics():
    if not _metrics_allowed():
        abort(403, description="Metrics are served only to the networks or token the operators configured.")
    return _no_store(Response(exposition(current_app._get_current_object()), mimetype=CONTENT_TYPE_LATEST))
