"""What the OpenAPI document says of a secured route: the token it needs and the errors it may answer."""
from __future__ import annotations

from ..schemas import ApiErrorSchema

ERRORS = {
    400: "Bad input: the message says what and where",
    401: "No token, or one not known or revoked",
    403: "The token lacks the scope this needs",
    404: "Not the token's partner's (or no such thing)",
    409: "Not in a state for this: the message says why",
    415: "Not the content type this takes",
    429: "Too many calls with this token: wait a minute",
}


def secured(blp, *codes: int):
    """Document a route as needing a partner token, with these errors beside 401, 403 and 429."""

    def decorator(view):
        view = blp.doc(security=[{"partnerToken": []}])(view)
        for code in sorted({401, 403, 429, *codes}):
            view = blp.alt_response(code, schema=ApiErrorSchema, description=ERRORS[code])(view)
        return view

    return decorator
