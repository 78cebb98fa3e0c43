"""The public list's filters read from the address (a GET form), with a clear word for each bad value."""
from __future__ import annotations

from portal import cpv
from portal.query_args import whole_number

from .labels import CLOSING_WITHIN_DAYS
from .models import VALUE_BANDS
from .queries import OpportunityFilter


def divisions() -> list[tuple[str, str]]:
    """Every CPV division, as (two digits, label), for the filter's choices."""
    return sorted((code[:2], label) for code, label in cpv.catalogue().items() if code.endswith("000000"))


def filter_from_args(args, partner_ids) -> tuple[OpportunityFilter, dict[str, str]]:
    """The filter asked for, and a message for each value that is not one of the choices (that filter is dropped)."""
    problems: dict[str, str] = {}

    def chosen(name: str, allowed, message: str):
        value = args.get(name, "").strip()
        if not value:
            return None
        if value not in allowed:
            problems[name] = message
            return None
        return value

    division = chosen("division", {code for code, _ in divisions()}, "Choose a CPV division from the list")
    band = chosen("value_band", set(VALUE_BANDS), "Choose a value band from the list")
    partner = chosen("partner", {str(i) for i in partner_ids}, "Choose a partner from the list")
    within = chosen("closing_within", {str(d) for d in CLOSING_WITHIN_DAYS}, "Choose how soon it closes from the list")
    return OpportunityFilter(
        words=args.get("q", "").strip()[:200],
        division=division,
        value_band=band,
        partner_id=int(partner) if partner else None,
        sme="sme" in args.getlist("suitable"),
        vcse="vcse" in args.getlist("suitable"),
        closing_within=int(within) if within else None,
        local=args.get("local") == "yes",
    ), problems


def page_number(args) -> int:
    """The page asked for; anything that is not a whole number from 1 up is the first page."""
    return whole_number(args.get("page", "1"), 1, 99_999) or 1
