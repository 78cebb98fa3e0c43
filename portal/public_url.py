"""Absolute addresses of the portal's own pages, from ``PUBLIC_URL`` only.

Never from the request's Host header: a forged one would otherwise put another
site's address into a feed, an OCDS package or an email link (host header
injection, ASVS 14.5.x / OWASP "Host header attacks"). Production also refuses
requests for any host but ``PUBLIC_URL``'s (``TRUSTED_HOSTS``, portal/config.py).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def absolute_url(endpoint: str, **values) -> str:
    """The page's address as the public reaches it (``PUBLIC_URL`` plus the route's path).

    Built from the URL map bound to ``PUBLIC_URL`` rather than the request, so it works the
    same in a worker (an email's links), in a request, and behind a path prefix.
    """
    public = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(public.netloc, script_name=public.path or "/", url_scheme=public.scheme)
    return adapter.build(endpoint, values, force_external=True)


def public_host(public_url: str) -> str:
    """The host name of ``PUBLIC_URL`` (no scheme, no port), as ``TRUSTED_HOSTS`` wants it."""
    host = urlsplit(public_url).hostname
    if not host:
        raise ValueError(f"PUBLIC_URL {public_url!r} has no host name")
    return host


def refuse_untrusted_hosts(app) -> None:
    """Answer a Host outside ``TRUSTED_HOSTS`` with a plain 400 before Flask sees the request.

    Flask 3.1 checks ``TRUSTED_HOSTS`` while pushing the request context, outside its HTTP error
    handling, so a stranger's Host became a 500 (and an error page that cannot build its own links).
    """
    from werkzeug.exceptions import SecurityError
    from werkzeug.wrappers import Response
    from werkzeug.wsgi import get_host

    inner = app.wsgi_app

    def checked(environ, start_response):
        trusted = app.config.get("TRUSTED_HOSTS")
        if trusted is not None:
            try:
                get_host(environ, trusted)
            except SecurityError:
                refused = Response("Bad request: this host is not served here.\n", status=400, mimetype="text/plain")
                return refused(environ, start_response)
        return inner(environ, start_response)

    app.wsgi_app = checked
