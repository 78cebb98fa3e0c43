"""Payees a spend file does not name: blank, redacted, or a private person.

Councils may not publish an individual's name, so real files carry a blank supplier or a
phrase in its place ("Redacted Personal Information" on 201 of Manchester's 3,600 lines).
Such a line is a real payment and counts, under a visible "not named or redacted" payee;
it never becomes a supplier in the network's register (hundreds of "REDACTED" lines are
not one firm), so it never reaches the duplicate review and stays in "could not place".
This module is the one list of what counts as unnamed.
"""
from __future__ import annotations

import re

UNNAMED_PAYEE = "Not named or redacted"

# Matched against the whole name, lower-cased, punctuation and repeated spaces removed.
# Whole-name patterns (not substrings) so a firm like "Personal Data Solutions Ltd" keeps its name.
REDACTION_PATTERNS = (
    r"redacted( .*)?", r".* redacted", r"(name )?withheld( .*)?", r".* withheld",
    r"personal (data|information|details)", r"(sensitive|confidential|restricted)( data| information| payee| supplier)?",
    r"private (individual|person|payee|payment)s?", r"individuals?", r"(an )?individual payment",
    r"personal budgets?( payments?)?", r"direct payments?( recipient| client)?s?", r"personal (health )?budget holders?",
    r"not (disclosed|published|named|provided|applicable|available)", r"data protection( act)?( exempt(ion)?)?",
    r"gdpr( exempt(ion)?)?", r"(supplier )?name (not|un)(known|available|disclosed)", r"unknown( supplier| payee)?",
    r"n ?a", r"none", r"null", r"tbc", r"various( individuals| persons| people)?", r"client( payment)?s?",
    r"foster carers?( payments?)?", r"x+",
)
_REDACTION = re.compile("|".join(f"(?:{pattern})" for pattern in REDACTION_PATTERNS))
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def is_unnamed(name: str | None) -> bool:
    """True when a supplier name is blank, has no letters or digits, or is a redaction phrase."""
    if not name:
        return True
    plain = _NOT_WORD.sub(" ", name.casefold()).strip()
    return not plain or _REDACTION.fullmatch(plain) is not None


def shown_payee(name: str, unnamed: bool) -> str:
    """The payee as a page or download shows it: an unnamed one says so, with what the file wrote, if anything."""
    if not unnamed:
        return name
    return f"{UNNAMED_PAYEE} ({name})" if name.strip() else UNNAMED_PAYEE
