"""Error pages in the portal's own layout."""
from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from tenants import NoTenantContext

log = logging.getLogger(__name__)

TITLES = {
    400: "There is a problem with your request",
    403: "You do not have access to this page",
    404: "Page not found",
    405: "That action is not allowed here",
    413: "The file is too large",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
}


def _render(status: int, description: str | None = None):
    title = TITLES.get(status, "Sorry, there is a problem")
    return render_template("errors/error.html", status=status, title=title, description=description), status


def _http_error(error: HTTPException):
    if request.path.startswith("/api/"):
        # An address under /api/ no route answers (a route's own errors are JSON already: portal/api/views).
        from portal.api.views import error_response

        return error_response(error)
    if error.response is not None:
        return error.response  # a page of its own, such as the sign-in form saying how long to wait
    description = error.description if error.description and error.code != 404 else None
    return _render(error.code or 500, description)


def _csrf_error(error: CSRFError):
    return _render(
        400,
        "The form had expired or did not come from this site, so nothing was changed. "
        "Go back, reload the page and try again.",
    )


def _isolation_error(error: Exception):
    # A tenant wall was hit: a bug, never something to show. Log it loudly.
    log.error("tenant isolation refused a query: %s", error)
    return _render(500)


def _server_error(error: Exception):
    log.exception("unhandled error", exc_info=error)
    return _render(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(NoTenantContext, _isolation_error)
    app.register_error_handler(PermissionError, _isolation_error)
    app.register_error_handler(500, _server_error)
