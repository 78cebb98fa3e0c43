"""What makes a register line the same line: its whole content, then its place among identical lines.

As for spend lines (portal.spend.identity): a reference is not a key (Salford's register repeats
S1161 nine times and leaves 28 references blank), so a line is identified by a hash of every field
it gives, as interpreted (a date is a date however written, a value is pence), and its occurrence
among identical lines of the file. Re-importing the same register finds every (key, occurrence)
held already and changes nothing; two identical lines are two contracts.
"""
from __future__ import annotations

import hashlib
from datetime import date

from .headers import FIELDS


def content_key(values: dict, ocid: str | None = None) -> str:
    """24 hex characters naming the line's content: equal for equal lines."""
    parts = [ocid or ""]
    append = parts.append
    # Inline rather than a helper per value: it runs for every field of every line.
    for value in map(values.get, FIELDS):
        if value is None:
            append("")
        elif value.__class__ is str:  # already single-spaced by the reader: only the case is folded
            append(value.casefold())
        elif value.__class__ is date:
            append(value.isoformat())
        else:
            append(str(value))
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=12).hexdigest()
