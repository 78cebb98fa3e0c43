"""A network with two partners whose spend is imported, flagged and totalled."""
import pytest

from .world import LOCAL_AREA, DashboardWorld, import_lines, recompute, set_register_flags


@pytest.fixture
def spend_world(make_network, make_partner, make_user):
    network = make_network("Rother Valley Anchors", local_area=LOCAL_AREA)
    a = make_partner("Rotherham Council", network)
    b = make_partner("South Yorkshire Police", network, kind="police")
    world = DashboardWorld(network, a, b, make_user(a, "viewer"), make_user(b, "viewer"))
    import_lines(a, world.a_lines)
    import_lines(b, world.b_lines)
    set_register_flags(network)
    recompute(network, [a, b])
    return world
