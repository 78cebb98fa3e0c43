"""A network with two partners whose spend is imported, placed, classed and totalled."""
from datetime import date

import pytest

from .world import (
    LOCAL_AREA,
    WARD_NAMES,
    DashboardWorld,
    import_lines,
    load_reference_rows,
    recompute,
    set_register_flags,
)

AREA_NAMES = {"E08000018": "Rotherham", "E08000019": "Sheffield", "E08000016": "Barnsley", **WARD_NAMES}
REGISTER_DATES = {"companies": date(2026, 11, 1), "postcodes": date(2026, 8, 1)}


@pytest.fixture
def spend_world(app, make_network, make_partner, make_user):
    network = make_network("Rother Valley Anchors", local_area=LOCAL_AREA)
    a = make_partner("Rotherham Council", network)
    b = make_partner("South Yorkshire Police", network, kind="police")
    world = DashboardWorld(network, a, b, make_user(a, "viewer"), make_user(b, "viewer"))
    import_lines(a, world.a_lines)
    import_lines(b, world.b_lines)
    set_register_flags(network)
    load_reference_rows(app, AREA_NAMES, REGISTER_DATES)
    recompute(network, [a, b])
    return world
