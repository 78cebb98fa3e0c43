"""The procurable-spend rule worked out line by line in plain Python: the oracle every totals test shares.

Written from the rule as the issue states it, not from the SQL: procurable spend is total
spend less the classes the network excludes (a line with no supplier is an unnamed or
redacted payee, class "individual"); local is procurable spend with suppliers based or
branched in the area; every other share is of procurable spend. The network lead's word on
whether a supplier is local beats its place: local and not based counts as branched; not
local counts as elsewhere.
"""
from __future__ import annotations

MEASURES = (
    "total_pence", "procurable_pence", "local_pence", "based_pence", "branched_pence", "wider_pence",
    "region_pence", "unplaced_pence", "sme_pence", "vcse_pence", "employee_owned_pence", "living_wage_pence",
    "line_count", "local_line_count",
)
PARTNER_COUNTED = ("procurable", "local", "based", "branched", "wider", "region", "unplaced", "sme", "vcse")


def place(locality: str | None, local_override: bool | None) -> str | None:
    """Where a supplier counts, the lead's override applied."""
    if local_override is True:
        return "based" if locality == "based" else "branched"
    if local_override is False:
        return locality if locality in ("wider", "region", "elsewhere") else "elsewhere"
    return locality


def line_measures(amount: int, supplier: dict | None, excluded_kinds) -> dict[str, int]:
    """Each measure's share of one line: its amount or nothing (and 1 or 0 for the counts)."""
    s = supplier or {}
    kind = s.get("kind", "unknown") if supplier is not None else "individual"
    procurable = kind not in set(excluded_kinds)
    locality = place(s.get("locality"), s.get("local_override"))

    def when(condition: bool) -> int:
        return amount if procurable and condition else 0

    local = locality in ("based", "branched")
    return {
        "total_pence": amount,
        "procurable_pence": when(True),
        "local_pence": when(local),
        "based_pence": when(locality == "based"),
        "branched_pence": when(locality == "branched"),
        "wider_pence": when(locality == "wider"),
        "region_pence": when(locality == "region"),
        "unplaced_pence": when(locality is None),
        "sme_pence": when(s.get("is_sme") is True),
        "vcse_pence": when(kind == "vcse"),
        "employee_owned_pence": when(bool(s.get("employee_owned"))),
        "living_wage_pence": when(bool(s.get("living_wage_accredited"))),
        "line_count": 1,
        "local_line_count": 1 if procurable and local else 0,
    }


def breakdown_keys(supplier: dict | None, category: str | None) -> dict[str, str]:
    """The key a line falls under in each breakdown ('' where not known)."""
    s = supplier or {}
    decile = s.get("imd_decile")
    return {
        "all": "",
        "district": s.get("district_code") or "",
        "ward": s.get("ward_code") or "",
        "imd": "" if decile is None else str(decile),
        "category": category or "",
    }
