"""The Common Procurement Vocabulary (CPV 2008): codes, labels and their hierarchy.

A CPV code is eight digits (plus a check digit after a dash, which we accept
and drop). The hierarchy is in the digits themselves: 45000000 is a division,
45200000 a group, 45210000 a class, 45214000 a category and 45214200 a
sub-category, so two codes are related as deeply as their significant
prefixes agree. Labels come from the catalogue files beside this module.
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_CODE = re.compile(r"^\s*(\d{8})(?:-\d)?\s*$")
# Significant digits at each level: division, group, class, category, sub-category.
LEVEL_DIGITS = (2, 3, 4, 5, 8)
LEVEL_NAMES = ("division", "group", "class", "category", "sub-category")


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


@lru_cache(maxsize=1)
def catalogue() -> dict[str, str]:
    """Every code we have a label for, from the CSV files beside this module."""
    labels: dict[str, str] = {}
    for path in sorted(_HERE.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                labels[row["code"]] = row["label"]
    return labels


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
