"""A network with the demo measures in use, two partners, and a factory for contracts."""
from __future__ import annotations

from datetime import date

import pytest

from portal.extensions import db
from portal.social_value import contracts, measures
from tenants import tenant_context


@pytest.fixture
def sv_network(make_network):
    """A network whose catalogue is the Social Value Model plus the illustrative demo measures."""
    network = make_network()
    measures.load_demo_measures(db.session, network)
    db.session.commit()
    return network


@pytest.fixture
def measure(sv_network):
    """Return the network's measure with that code."""

    def find(code):
        return measures.measure_by_code(db.session, sv_network, code)

    return find


@pytest.fixture
def partners(sv_network, make_partner):
    return make_partner("Council", sv_network), make_partner("Police", sv_network, kind="police")


@pytest.fixture
def make_contract():
    """Create a contract for a partner (committed), inside its tenant context; returns its id."""
    counter = iter(range(1, 10_000))

    def make(partner, start=date(2024, 4, 1), end=date(2027, 3, 31), **fields):
        with tenant_context(partner.id):
            contract = contracts.create_contract(
                db.session, reference=fields.pop("reference", f"C-{next(counter)}"),
                title=fields.pop("title", "Highways maintenance"), start_date=start, end_date=end, **fields,
            )
            db.session.commit()
            return contract.id

    return make
