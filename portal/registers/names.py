"""Register names keyed the way suppliers' names are, so the two meet on one column.

A register name's key is exactly ``normalise_supplier_name`` (portal/spend/normalise.py):
"ACME LIMITED" and a spend file's "Acme Ltd." both give "acme". Its ``block`` is what
fuzzy matching compares within: the key's first word, or its first two where the first is
short or common (every "north ..." or "uk ..." firm in one block would make a block of
100,000 names). A loader and the matcher must call the same function, or they would never meet.
"""
from __future__ import annotations

from portal.spend.normalise import normalise_supplier_name

# First words too common to block on alone (the commonest first words of the company register).
COMMON_FIRST_WORDS = frozenset("""
a and abc all best british city east first global great green grand north northern new one
royal south southern st the top uk united west western world central county national
""".split())
BLOCK_LENGTH = 80


def block_of(key: str) -> str:
    """The block a normalised name falls in: its first word, or first two when the first is short or common."""
    words = key.split()
    if len(words) > 1 and (len(words[0]) <= 2 or words[0] in COMMON_FIRST_WORDS):
        return " ".join(words[:2])[:BLOCK_LENGTH]
    return words[0][:BLOCK_LENGTH]


def register_key(name: str) -> tuple[str, str] | None:
    """(normalised name, block) of a register's name; None for a name with no letters or digits."""
    try:
        key = normalise_supplier_name(name)
    except ValueError:
        return None
    return key[:300], block_of(key)
