"""The lead's settings for the network's area: districts by GSS code, a wider tier, the region, excluded classes.

A plain function on a session; the caller commits. Saving places every supplier of the network
again (its locality depends on the area) and queues a full recompute of the network's totals.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from portal.registers.area import AreaProblem, parse_district_codes, parse_region_code
from portal.registers.placing import place_suppliers
from portal.suppliers.models import SUPPLIER_KINDS

from .supplier_register import LeadAction

DEFAULT_EXCLUDED = ("public", "tax", "pension", "individual")


@dataclass(frozen=True)
class AreaSettings:
    """The area as the lead gives it, already read."""

    area_codes: list[str]
    wider_area_name: str | None = None
    wider_area_codes: list[str] = field(default_factory=list)
    region_code: str | None = None
    excluded_kinds: list[str] = field(default_factory=lambda: list(DEFAULT_EXCLUDED))


def read_settings(area: str, wider_name: str | None, wider: str, region: str | None, excluded) -> AreaSettings:
    """:raise AreaProblem: naming the first thing that cannot be read."""
    unknown = set(excluded or []) - set(SUPPLIER_KINDS)
    if unknown:
        raise AreaProblem(f"{', '.join(sorted(unknown))} is not a class of supplier")
    wider_codes = parse_district_codes(wider)
    wider_name = (wider_name or "").strip() or None
    if wider_codes and not wider_name:
        raise AreaProblem("Give the wider area a name, like South Yorkshire")
    return AreaSettings(
        area_codes=parse_district_codes(area), wider_area_name=wider_name if wider_codes else None,
        wider_area_codes=wider_codes, region_code=parse_region_code(region),
        excluded_kinds=[k for k in SUPPLIER_KINDS if k in set(excluded or [])],
    )


def current(network) -> dict:
    return {"area_codes": list(network.area_codes or []), "wider_area_name": network.wider_area_name,
            "wider_area_codes": list(network.wider_area_codes or []), "region_code": network.region_code,
            "excluded_kinds": list(network.excluded_kinds or [])}


def update_area(action: LeadAction, settings: AreaSettings) -> bool:
    """Save the network's area; True if anything changed (logged, suppliers placed again, totals recomputed)."""
    network = action.network
    before = current(network)
    after = {"area_codes": settings.area_codes, "wider_area_name": settings.wider_area_name,
             "wider_area_codes": settings.wider_area_codes, "region_code": settings.region_code,
             "excluded_kinds": settings.excluded_kinds}
    if after == before:
        return False
    for name, value in after.items():
        setattr(network, name, value)
    action.session.flush()
    changed = sorted(k for k in after if after[k] != before[k])
    action.record("network.area_changed", before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    place_suppliers(action.session, network, user=action.user)
    # Excluded classes move procurable spend for every line, not only moved suppliers' lines.
    action.recompute_after_commit()
    return True
