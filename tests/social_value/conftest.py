"""A network with the demo measures in use, two partners, and a factory for contracts."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import create_engine, insert

from portal.extensions import db
from portal.registers.models import RegisterAreaName, RegisterPostcode
from portal.social_value import contracts, measures
from tenants import tenant_context

ROTHERHAM, DONCASTER = "E08000018", "E08000017"
# postcode: (district, ward code, ward name). Doncaster's ward lies outside the network's area.
WARD_POSTCODES = {
    "S60 1AA": (ROTHERHAM, "E05001010", "Boston Castle"),
    "S60 2BB": (ROTHERHAM, "E05001010", "Boston Castle"),
    "S61 1AA": (ROTHERHAM, "E05001011", "Keppel"),
    "S62 1AA": (ROTHERHAM, "E05001012", "Rawmarsh"),
    "DN1 1AA": (DONCASTER, "E05002010", "Town"),
}


def load_wards(app, postcodes=WARD_POSTCODES, names=None):
    """Write ONS directory rows as a register load would (the owner's connection: the app role only reads them)."""
    db.session.commit()
    engine = create_engine(app.config["MIGRATION_DATABASE_URL"])
    try:
        with engine.begin() as conn:
            conn.execute(insert(RegisterPostcode), [
                {"postcode": p, "district_code": d, "ward_code": w, "terminated": False} for p, (d, w, _) in postcodes.items()])
            named = {w: n for d, w, n in postcodes.values()} | {ROTHERHAM: "Rotherham", DONCASTER: "Doncaster"}
            conn.execute(insert(RegisterAreaName), [{"code": c, "name": n} for c, n in (names or named).items()])
    finally:
        engine.dispose()


@pytest.fixture
def sv_network(app, make_network):
    """A network whose catalogue is the Social Value Model plus the illustrative demo measures, in Rotherham."""
    network = make_network()
    measures.load_demo_measures(db.session, network)
    network.area_codes = [ROTHERHAM]
    db.session.commit()
    load_wards(app)
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
