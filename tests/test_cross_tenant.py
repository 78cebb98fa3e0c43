"""Can anyone of partner A reach partner B's rows through any route? (They must get 404.)"""
from __future__ import annotations

import importlib
import pkgutil

import pytest

from tests import cross_tenant
from tests.cross_tenant.world import build_world

PROBES: dict = {}
NO_TENANT_DATA: dict = {}
for module_info in pkgutil.iter_modules(cross_tenant.__path__):
    if module_info.name == "world":
        continue
    module = importlib.import_module(f"tests.cross_tenant.{module_info.name}")
    overlap = set(PROBES) & set(getattr(module, "PROBES", {}))
    assert not overlap, f"{module_info.name} probes routes already probed: {overlap}"
    PROBES.update(getattr(module, "PROBES", {}))
    NO_TENANT_DATA.update(getattr(module, "NO_TENANT_DATA", {}))


@pytest.fixture
def world(make_network, make_partner, make_user, sign_in):
    return build_world(make_network, make_partner, make_user, sign_in)


def test_every_route_has_a_cross_tenant_expectation(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = endpoints - set(PROBES) - set(NO_TENANT_DATA)
    assert not missing, f"routes with no cross-tenant probe: {sorted(missing)}"


@pytest.mark.parametrize("endpoint", sorted(PROBES))
def test_partner_a_cannot_reach_partner_b(endpoint, world):
    PROBES[endpoint](world)
