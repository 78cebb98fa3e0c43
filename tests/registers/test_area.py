"""The network's area by GSS code: the lead's page, the command line, and moving the older postcode-district lists."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.registers.area import (
    AreaProblem,
    area_from_districts,
    migrate_every_area,
    parse_district_codes,
)
from portal.registers.models import RegisterPostcode
from portal.suppliers.models import Supplier
from tenants import tenant_context
from tenants.models import AuditEvent, Network

from .conftest import DONCASTER, ROTHERHAM, SHEFFIELD


def test_district_codes_are_read_and_anything_else_refused():
    assert parse_district_codes("e08000018, E08000019\nE08000018") == ["E08000018", "E08000019"]
    assert parse_district_codes("W06000015 S12000036 N09000003 E06000001 E07000008 E09000001") == sorted(
        ["W06000015", "S12000036", "N09000003", "E06000001", "E07000008", "E09000001"])
    for bad in ("S60", "E05001000", "E0800001", "E080000189", "E12000003"):
        with pytest.raises(AreaProblem, match=bad):
            parse_district_codes(f"E08000018, {bad}")


def test_a_straddling_postcode_district_moves_to_the_borough_holding_most_of_its_postcodes(make_network, make_partner,
                                                                                         reference, make_supplier):
    """S25 straddles Rotherham and Doncaster: it goes to whichever holds most of its live postcodes."""
    reference.postcodes({
        "S25 1AA": (ROTHERHAM, None, None, "E12000003", 5), "S25 1AB": (ROTHERHAM, None, None, "E12000003", 5),
        "S25 9ZZ": (DONCASTER, None, None, "E12000003", 7),
        "S60 1AA": (ROTHERHAM, None, None, "E12000003", 2),
        # Terminated postcodes do not count: without this rule Sheffield would win S1.
        "S1 1AA": (DONCASTER, None, None, "E12000003", 4),
    })
    reference.add(RegisterPostcode, [
        {"postcode": f"S1 9Z{c}", "district_code": SHEFFIELD, "terminated": True} for c in "ABD"])
    network = make_network("Rotherham Anchors", local_area=("S25", "S60", "S1", "ZZ9"))
    partner = make_partner("Rotherham Council", network)
    in_doncaster = make_supplier(network, "Tickhill Joinery", postcode="S25 9ZZ", postcode_district="S25", is_local=True)
    assert area_from_districts(db.session, network) == [DONCASTER, ROTHERHAM]
    db.session.commit()
    network = db.session.get(Network, network.id)
    assert network.area_codes == [DONCASTER, ROTHERHAM] and network.local_area == ["S25", "S60", "S1", "ZZ9"]
    with tenant_context(partner.id):
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "network.area_migrated")).all()
    assert event.detail["area_codes"] == [DONCASTER, ROTHERHAM] and event.detail["districts_not_in_directory"] == ["ZZ9"]
    # The suppliers are placed against the new area.
    assert db.session.get(Supplier, in_doncaster.id).locality == "based"
    # Done once: a network with area codes is left alone.
    assert area_from_districts(db.session, network) == [] and migrate_every_area(db.session) == {}


def test_majority_decides_a_straddling_district(make_network, reference):
    reference.postcodes({
        "S25 1AA": (ROTHERHAM, None, None, None, None),
        "S25 9ZY": (DONCASTER, None, None, None, None), "S25 9ZZ": (DONCASTER, None, None, None, None),
    })
    network = make_network("Doncaster Anchors", local_area=("S25",))
    assert migrate_every_area(db.session) == {network.id: [DONCASTER]}


def test_a_network_is_created_on_the_command_line_by_gss_codes(app, app_ctx):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-network", "South Yorkshire Anchors", "--area-codes", "E08000018, e08000019"])
    assert result.exit_code == 0, result.output
    network = db.session.scalar(select(Network))
    assert network.area_codes == ["E08000018", "E08000019"] and network.local_area == []
    assert network.excluded_kinds == ["public", "tax", "pension", "individual"]
    result = runner.invoke(args=["create-network", "Bad", "--area-codes", "E08000018, S60"])
    assert result.exit_code != 0 and "S60 is not a local authority district code" in result.output
    result = runner.invoke(args=["create-network", "Empty"])
    assert result.exit_code != 0 and "Give the local area" in result.output
