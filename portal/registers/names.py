"""Register names keyed the way suppliers' names are, so the two meet on one column.

A register name's key is exactly ``normalise_supplier_name`` (portal/spend/normalise.py):
"ACME LIMITED" and a spend file's "Acme Ltd." both give "acme". Its ``block`` is what
fuzzy matching compares within: the key's first word, or its first two where the first is
short or common (every "north ..." or "uk ..." firm in one block would make a block of
100,000 names). A loader and the matcher must call the same function, or they would never meet.
"""
from __future__ import annotations

from portal.spend.normalise import _LEGAL_SUFFIXES, _TRADING_AS, normalise_supplier_name

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
    key = _ascii_key(name) if name.isascii() else None
    if key is None:
        try:
            key = normalise_supplier_name(name)
        except ValueError:
            return None
    elif not key:
        return None
    return key[:300], block_of(key)


# normalise_supplier_name's steps for a plain ASCII name, without its Unicode folding (a no-op
# there: lower() is casefold(), NFKD changes nothing): 5.7M names a load, at a fraction of the
# cost. tests/registers/test_names.py holds the two to the same key for any ASCII text.
_ASCII_TABLE = {c: (chr(c).lower() if chr(c).isalnum() else " ") for c in range(128)}
_ASCII_TABLE.update({ord("'"): None, ord("`"): None, ord("."): None})


def _ascii_pass(text: str) -> str:
    key = text.lower().replace("&", " and ")
    if "/" in key or "trading" in key:
        key = _TRADING_AS.sub(" trading as ", key)
    words = key.translate(_ASCII_TABLE).split()
    changed = True
    while changed:
        changed = False
        while len(words) > 1 and words[0] == "the":
            words, changed = words[1:], True
        for suffix in _SUFFIXES_ENDING.get(words[-1], ()) if words else ():
            if len(words) > len(suffix) and words[-len(suffix):] == suffix:
                words, changed = words[: -len(suffix)], True
                break
    return " ".join(words)


# The legal forms by their last word, each list in the original's order (longest first).
_SUFFIXES_ENDING: dict[str, list[list[str]]] = {}
for _suffix in _LEGAL_SUFFIXES:
    _SUFFIXES_ENDING.setdefault(_suffix.split()[-1], []).append(_suffix.split())


def _ascii_key(name: str) -> str:
    """The key of an ASCII name ("" when it has no letters or digits).

    One pass is its fixed point: what it returns is lower-case letters and digits in words
    with no leading "the" and no legal form left to take off, which a second pass leaves as
    it is (the original repeats only for Unicode folding that needs more than one pass).
    """
    return _ascii_pass(name)
