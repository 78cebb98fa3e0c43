"""The rule every spend figure counts by, as SQL over a line's supplier: procurable or not, and where.

Procurable spend is total spend less the classes the network excludes (Network.excluded_kinds);
a line with no supplier is an unnamed or redacted payee and counts as an individual. A
supplier's place is its ``locality``, except where the network lead has said whether it is
local (``local_override``, the lead's word beats the postcode): a supplier the lead calls local
that is not based in the area counts as branched there, and one the lead calls not local counts
as elsewhere. The totals, the lines behind each figure and the supplier tables all use these
two expressions, so a figure and its lines always agree.
"""
from __future__ import annotations

from sqlalchemy import and_, case, func, literal, true

from portal.suppliers.models import Supplier

# A line with no supplier is an unnamed or redacted payee: counted as this class.
NO_SUPPLIER_KIND = "individual"
LOCAL_LOCALITIES = ("based", "branched")
PLACES = ("based", "branched", "wider", "region", "elsewhere")


def procurable_condition(excluded_kinds):
    """SQL for "this line's spend is procurable" (the line's supplier outer-joined as ``Supplier``)."""
    excluded = sorted(set(excluded_kinds or ()))
    if not excluded:
        return true()
    return func.coalesce(Supplier.kind, NO_SUPPLIER_KIND).not_in(excluded)


def effective_locality():
    """SQL for the supplier's place with the lead's local override applied (NULL: not placed)."""
    return case(
        (and_override(True, Supplier.locality.is_distinct_from("based")), literal("branched")),
        (and_override(False, Supplier.locality.in_(LOCAL_LOCALITIES)), literal("elsewhere")),
        (and_override(False, Supplier.locality.is_(None)), literal("elsewhere")),
        else_=Supplier.locality,
    )


def and_override(value: bool, condition):
    return and_(Supplier.local_override.is_(value), condition)


def place_of(locality: str | None, local_override: bool | None) -> str | None:
    """The same rule in Python, for one supplier."""
    if local_override is True and locality != "based":
        return "branched"
    if local_override is False and (locality in LOCAL_LOCALITIES or locality is None):
        return "elsewhere"
    return locality
