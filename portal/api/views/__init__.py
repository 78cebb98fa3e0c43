"""The API's blueprints under /api/v1 and its OpenAPI document (flask-smorest), with JSON errors.

Open data (the OCDS lifecycle, 360Giving grants) is made by plain functions elsewhere; ``open_data.py``
serves a partner's own with a token and ``public.py`` the network's public package without one.
"""
from __future__ import annotations

from flask import Flask, current_app, jsonify
from flask_smorest import Api as SmorestApi
from werkzeug.exceptions import HTTPException

from portal.extensions import csrf, limiter

from ..auth import authenticate, rate_limit_key
from . import figures_out, open_data, public, spend_in

PREFIX = "/api/v1"
BLUEPRINTS = (spend_in.blp, figures_out.blp, open_data.blp, public.blp)
# Their every request needs a partner token: checked before the view reads anything.
TOKEN_BLUEPRINTS = (spend_in.blp, figures_out.blp, open_data.blp)


class Api(SmorestApi):
    """flask-smorest's Api, but JSON errors for the API's blueprints only: the pages keep their own."""

    def _register_error_handlers(self):
        pass


def error_response(error: HTTPException):
    """Every API error as JSON: the status and a message in words (never a page)."""
    body = {"status": error.code, "error": error.description or error.name}
    problems = (getattr(error, "data", None) or {}).get("messages")
    if problems:  # webargs' validation: per location, per field
        body["problems"] = problems
        body["error"] = "The request's fields are not right: see problems."
    response = jsonify(body)
    response.status_code = error.code or 500
    if error.code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


# Once, at import: a blueprint cannot be changed after an app has registered it.
for _blueprint in BLUEPRINTS:
    csrf.exempt(_blueprint)  # a bearer token, never a cookie: nothing for a forged form to ride on
    limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_limit_key)(_blueprint)
    _blueprint.register_error_handler(HTTPException, error_response)
    if _blueprint in TOKEN_BLUEPRINTS:
        _blueprint.before_request(authenticate)


def init_app(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "Anchor Network Social Value Portal API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_RATE_LIMIT", "120 per minute")
    api = Api()
    api.init_app(app, spec_kwargs={"components": {"securitySchemes": {
        "partnerToken": {"type": "http", "scheme": "bearer",
                         "description": "A partner token (anp_...), made by a partner's admin on its API tokens page"}}}})
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.extensions["api"] = api
