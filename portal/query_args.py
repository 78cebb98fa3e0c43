"""What an address may hold, checked in one place for every request.

PostgreSQL cannot store or compare text holding NUL, and no id, page or year is
an integer beyond 64 bits (a bigger one overflows the database's integers). So a
query string or a path with either gets a 400 or a 404 here, before any view
reads it, rather than a server error deep in a query. Views read whole numbers
with ``whole_number``: ``str.isdigit`` accepts "²" and "١٢", which ``int`` then
refuses or reads as another number.
"""
from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

# The largest value of PostgreSQL's bigint (and SQLite's INTEGER).
LARGEST_ID = 2**63 - 1
_ASCII_DIGITS = frozenset("0123456789")


def whole_number(text: object, low: int = 0, high: int = LARGEST_ID) -> int | None:
    """The number written in plain digits 0-9 (spaces around allowed) if it lies in [low, high], else None."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    sign = -1 if text.startswith("-") else 1
    digits = text[1:] if text[:1] in "+-" and len(text) > 1 else text
    if not digits or len(digits) > 19 or not set(digits) <= _ASCII_DIGITS:
        return None
    value = sign * int(digits)
    return value if low <= value <= high else None


class BoundedIntegerConverter(IntegerConverter):
    """``<int:...>`` in a route: a number beyond 64 bits matches no row, so the address is not found (404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def _too_large(value: str) -> bool:
    text = value.strip().lstrip("+-")
    return len(text) > 18 and set(text) <= _ASCII_DIGITS and int(text) > LARGEST_ID


def _check_request_values() -> None:
    """Refuse NUL anywhere in the query string or a posted form, and numbers no row could have in the query string."""
    for key, value in request.args.items(multi=True):
        if "\x00" in key or "\x00" in value:
            abort(400, description="The address held a character that cannot be used (NUL). Check the link and try again.")
        if _too_large(value):
            abort(400, description=f"The address asked for {key} {value[:40]}, a number too large to be an id, a page "
                                   "or a year. Check the link and try again.")
    if request.method == "POST" and any("\x00" in value for value in request.form.values()):
        abort(400, description="The form held a character that cannot be stored (NUL). Remove it and try again.")


def init_app(app: Flask) -> None:
    """Install before any route is added: the converter is looked up as each rule is bound."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(_check_request_values)
