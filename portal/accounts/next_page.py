"""Where to send a person after they sign in or confirm their address: only a path on this site."""
from __future__ import annotations

from urllib.parse import urlsplit

LONGEST = 2000


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a same-site relative path, else None: never an open redirect.

    Refused: anything with a scheme or host ("https://evil.example", "//evil.example"), a
    backslash (browsers read "/\\evil.example" as "//evil.example"), and spaces or control
    characters (which browsers strip, so "/ /evil.example" would become "//evil.example").
    """
    if not target or len(target) > LONGEST or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
