"""The Common Procurement Vocabulary (CPV 2008): codes, labels and their hierarchy.

A CPV code is eight digits (plus a check digit after a dash, which we accept
and drop). The hierarchy is in the digits themselves: 45000000 is a division,
45200000 a group, 45210000 a class, 45214000 a category and 45214200 a
sub-category, so two codes are related as deeply as their significant
prefixes agree. Labels come from the catalogue files beside this module
(divisions, and the groups and classes small firms work in), and from the
installation's ``instance/cpv.csv`` once the full official list is imported
with ``flask cpv-import`` (portal/cpv/importing.py).
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from flask import current_app, has_app_context

_HERE = Path(__file__).resolve().parent
_CODE = re.compile(r"^\s*(\d{8})(?:-\d)?\s*$")
# Significant digits at each level: division, group, class, category, sub-category.
LEVEL_DIGITS = (2, 3, 4, 5, 8)
LEVEL_NAMES = ("division", "group", "class", "category", "sub-category")
INSTANCE_FILE = "cpv.csv"


class InvalidCpvCode(ValueError):
    pass


def parse_code(text: str) -> str:
    """'45210000-2' or '45210000' -> '45210000'; anything else raises InvalidCpvCode with a reason."""
    match = _CODE.match(text or "")
    if not match:
        raise InvalidCpvCode(f"“{text}” is not a CPV code: it should be 8 digits, like 45210000")
    code = match.group(1)
    if code[:2] == "00":
        raise InvalidCpvCode(f"“{text}” is not a CPV code: no division starts with 00")
    return code


def significant(code: str) -> str:
    """The digits that place a code in the tree: '45210000' -> '4521'."""
    stripped = code.rstrip("0")
    for digits in LEVEL_DIGITS:
        if len(stripped) <= digits:
            return code[:digits]
    return code


def level(code: str) -> int:
    """0 for a division ... 4 for a sub-category."""
    return LEVEL_DIGITS.index(len(significant(code)))


def ancestors(code: str) -> list[str]:
    """The code's division, group ... down to the code itself."""
    prefix = significant(code)
    return [prefix[:d].ljust(8, "0") for d in LEVEL_DIGITS if d <= len(prefix)]


def division(code: str) -> str:
    return code[:2] + "000000"


def shared_levels(a: str, b: str) -> int:
    """How many levels of the tree two codes share: 0 (different divisions) to 5 (the same code)."""
    return len(set(ancestors(a)) & set(ancestors(b)))


def is_within(code: str, broader: str) -> bool:
    """Is ``code`` the same as, or beneath, ``broader``?"""
    return code.startswith(significant(broader))


def instance_catalogue_path() -> Path | None:
    """Where ``flask cpv-import`` keeps the full official list for this installation."""
    if not has_app_context():
        return None
    return Path(current_app.instance_path) / INSTANCE_FILE


def catalogue() -> dict[str, str]:
    """Every code we have a label for: the CSV files beside this module, then the
    installation's imported official list (``instance/cpv.csv``), whose labels win."""
    extra = instance_catalogue_path()
    stamp = extra.stat().st_mtime_ns if extra is not None and extra.exists() else None
    # Keyed on the file's modification time, so a fresh import is read without a restart.
    return _catalogue(str(extra) if stamp is not None else None, stamp)


@lru_cache(maxsize=4)
def _catalogue(extra: str | None, stamp: int | None) -> dict[str, str]:
    labels: dict[str, str] = {}
    paths = sorted(_HERE.glob("*.csv")) + ([Path(extra)] if extra else [])
    for path in paths:
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                labels[row["code"]] = row["label"]
    return dict(sorted(labels.items()))


def label(code: str) -> str:
    """The code's own label, or its nearest labelled ancestor's, marked as such."""
    labels = catalogue()
    if code in labels:
        return labels[code]
    for ancestor in reversed(ancestors(code)[:-1]):
        if ancestor in labels:
            return f"{labels[ancestor]} ({code})"
    return code


def describe(code: str) -> str:
    """'45 Construction work' style text for reasons and lists."""
    return f"CPV {significant(code)} {label(code).split(' (')[0].lower()}"


def hierarchy(code: str) -> list[tuple[str, str]]:
    """(code, label) for each labelled level from the division down to the code itself."""
    labels = catalogue()
    return [(c, labels[c]) for c in ancestors(code) if c in labels] or [(code, label(code))]


_DIGITS = re.compile(r"^\s*(\d{1,8})(?:-\d)?\s*$")


def search(text: str, limit: int = 25) -> list[tuple[str, str]]:
    """Codes whose digits start with ``text``, or whose label holds every word of it.

    Broader codes come first (a division before its groups), then in code order, so
    a search for "cleaning" shows 90900000 before 90911200.
    """
    text = (text or "").strip()
    if not text:
        return []
    labels = catalogue()
    digits = _DIGITS.match(text)
    if digits:
        prefix = digits.group(1)
        found = [code for code in labels if code.startswith(prefix)]
    else:
        # Each word must start a word of the label: "clean" finds "Street-cleaning", "art" not "part".
        words = _words(text)
        found = [code for code, name in labels.items() if all(any(t.startswith(w) for t in _words(name)) for w in words)]
    found.sort(key=lambda code: (level(code), code))
    return [(code, labels[code]) for code in found[:limit]]


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^\w]+", text.casefold()) if w]
