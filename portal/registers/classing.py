"""A supplier's class (``Supplier.kind``) and size (``Supplier.is_sme``), from what the registers say.

The rules, first that applies wins (the lead's word, ``kind_by_lead`` / ``sme_by_lead``, always stands):

1. a payee the spend file does not name, or a redaction phrase (``payees.is_unnamed``): "individual";
2. a name on the maintained list (public_bodies.csv): "tax" (HMRC), "pension" (pension funds) or
   "public" (councils, NHS bodies, police, fire, government, universities): the list comes before
   the company register, so NHS Property Services Ltd is a public body, not a private company;
3. a company whose category says it is a public body (a further education college corporation);
4. VCSE: a registered charity (a charity number the register does not show as removed), a society
   on the mutuals register, or a company whose category is a CIC, a registered (industrial and
   provident) society, a charitable incorporated organisation or a company limited by guarantee
   without share capital; or a name ending "CIC" / "Community Interest Company";
5. a matched company, or a company number no loaded register holds (a society's or CIO's number
   prefix makes it VCSE): "private";
6. a name that starts with a personal title (Mr, Mrs, Ms, Miss): "individual";
7. otherwise "unknown", except that a VCSE flag the spend file gave stands when nothing above applies.

Size: a company's accounts category (Companies House ``Accounts.AccountCategory``): micro-entity,
small, medium, total exemption and abridged accounts (open only to small companies) are SMEs; full
and group accounts are not; dormant, none filed, not available, initial, interim and the subsidiary
exemptions say nothing about size, so the size stays unknown. Public bodies, tax and pensions are
not SMEs; anything else with no company accounts stays unknown.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from portal.spend.payees import is_unnamed

PUBLIC_BODIES = Path(__file__).with_name("public_bodies.csv")

SME_ACCOUNTS = frozenset({
    "MICRO ENTITY", "SMALL", "MEDIUM", "TOTAL EXEMPTION SMALL", "TOTAL EXEMPTION FULL", "UNAUDITED ABRIDGED",
    "AUDITED ABRIDGED", "PARTIAL EXEMPTION",
})
LARGE_ACCOUNTS = frozenset({"FULL", "GROUP"})

# Companies House CompanyCategory values (compared lower-cased, spaces collapsed).
VCSE_CATEGORIES = (
    "community interest company", "registered society", "industrial and provident society",
    "charitable incorporated organisation", "scottish charitable incorporated organisation",
    "pri/lbg/nsc", "pri/ltd by guar/nsc", "private limited company by guarantee without share capital",
)
PUBLIC_CATEGORIES = ("further education and sixth form college corps",)
_TITLES = ("mr", "mrs", "ms", "miss", "mx")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_JOINED = re.compile(r"['’`.]")  # H.M.R.C. -> hmrc, C.I.C. -> cic, Teachers' -> teachers


@dataclass(frozen=True)
class SupplierFacts:
    """What the spend files and the registers say about one supplier."""

    name: str
    current_kind: str = "unknown"
    company_matched: bool = False
    company_category: str | None = None
    accounts_category: str | None = None
    charity_number: str | None = None
    charity_status: str | None = None
    mutual_number: str | None = None
    mutual_matched: bool = False
    # A number the spend file or the lead gave, even if no register loaded holds it.
    company_number: str | None = None


def plain(name: str | None) -> str:
    """The name as the list compares it: lower-cased, "&" as "and", stops and apostrophes dropped, other marks as spaces."""
    text = _JOINED.sub("", (name or "").casefold().replace("&", " and "))
    return " ".join(_NOT_WORD.sub(" ", text).split())


@cache
def name_rules() -> tuple[tuple[str, str, str], ...]:
    """(phrase, kind, where) from public_bodies.csv, in its order."""
    with PUBLIC_BODIES.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.reader(handle) if row and not row[0].startswith("#")]
    return tuple((plain(phrase), kind, where) for phrase, kind, where, *_ in rows[1:])


def kind_by_name(name: str | None) -> str | None:
    """The class the maintained list gives a name, or None."""
    text = plain(name)
    if not text:
        return None
    padded = f" {text} "
    for phrase, kind, where in name_rules():
        if (
            (where == "anywhere" and f" {phrase} " in padded)
            or (where == "end" and padded.endswith(f" {phrase} "))
            or (where == "start" and padded.startswith(f" {phrase} "))
            or (where == "whole" and text == phrase)
        ):
            return kind
    return None


def _category(category: str | None) -> str:
    return " ".join((category or "").casefold().split())


def size_from_accounts(accounts_category: str | None) -> bool | None:
    """True for micro, small and medium accounts; False for full and group; None when they say nothing."""
    category = " ".join((accounts_category or "").upper().split())
    if category in SME_ACCOUNTS:
        return True
    if category in LARGE_ACCOUNTS:
        return False
    return None


def is_vcse(facts: SupplierFacts) -> bool:
    if facts.charity_number and _category(facts.charity_status) != "removed":
        return True
    if facts.mutual_matched or facts.mutual_number:
        return True
    category = _category(facts.company_category)
    if any(category.startswith(vcse) for vcse in VCSE_CATEGORIES):
        return True
    text = plain(facts.name)
    return text.endswith((" cic", "community interest company"))


def class_of(facts: SupplierFacts) -> tuple[str, bool | None]:
    """(kind, is_sme) by the rules in this module's docstring."""
    sized = size_from_accounts(facts.accounts_category) if facts.company_matched else None
    if is_unnamed(facts.name):
        return "individual", None
    listed = kind_by_name(facts.name)
    if listed is not None:
        return listed, False
    if any(_category(facts.company_category).startswith(c) for c in PUBLIC_CATEGORIES):
        return "public", False
    if is_vcse(facts):
        return "vcse", sized
    if facts.company_matched:
        return "private", sized
    if facts.company_number:
        # Not in the register (not loaded yet, or a newer company): the number's prefix still
        # tells a society (IP/SP/NP ... R) or a charitable incorporated organisation (CE, CS).
        number = facts.company_number.upper()
        if number[:2] in ("CE", "CS") or (number[:2] in ("IP", "SP", "NP") and number.endswith("R")):
            return "vcse", None
        return "private", None
    if plain(facts.name).split(" ")[0] in _TITLES:
        return "individual", None
    return ("vcse" if facts.current_kind == "vcse" else "unknown"), None


def class_suppliers(session, network, supplier_ids=None) -> set[int]:
    """Class the network's suppliers (all, or these) without placing them; return the ids whose class changed.

    place_suppliers classes as it places; this is for a change that moves only classes (the
    maintained list edited, say). Totals of changed suppliers are marked due, as placing does.
    """


    from .placing import _classed, rewrite_suppliers

    return rewrite_suppliers(session, network, supplier_ids, lambda rows: _classed)
