"""From the official files to a supplier's place and class: every rule of matching and placing, end to end.

The registers here are files in the publishers' own layouts (portal/registers/samples.py),
loaded by the real loader; the suppliers come in through the spend import's resolver, as a
partner's file would bring them; then the network's suppliers are settled (matched, placed,
classed) as the workers do after an import.
"""
from __future__ import annotations

import pytest

from portal.extensions import db
from portal.registers import samples
from portal.registers.settling import after_register_load, settle_suppliers
from portal.suppliers.models import Supplier, SupplierRegisterCandidate
from tests.registers.conftest import DONCASTER, ROTHERHAM, SHEFFIELD

DIRECTORY = [
    {"postcode": "S25 1AA", "district": ROTHERHAM, "ward": "E05001001", "lsoa": "E01007601", "region": "E12000003",
     "country": "E92000001", "imd": 3000},
    {"postcode": "S25 9ZZ", "district": DONCASTER, "ward": "E05002000", "lsoa": "E01007700", "region": "E12000003",
     "country": "E92000001", "imd": 25000},
    {"postcode": "S1 2BB", "district": SHEFFIELD, "ward": "E05003000", "lsoa": "E01007800", "region": "E12000003",
     "country": "E92000001", "imd": 12000},
]
COMPANIES = [
    {"number": "01000001", "name": "ROTHER VALLEY ROOFING LIMITED", "postcode": "S25 1AA", "accounts_category": "MICRO ENTITY"},
    # Across the road, over the borough boundary: the same outward code S25, another district.
    {"number": "01000002", "name": "DEARNE GLAZING LIMITED", "postcode": "S25 9ZZ", "accounts_category": "FULL"},
    {"number": "01000003", "name": "KEYSTONE JOINERY LIMITED", "postcode": "S1 2BB", "accounts_category": "SMALL",
     "previous_names": ["BRAMALL AND SONS JOINERY LIMITED"]},
    {"number": "01000004", "name": "PENNINE WINDOW CLEANING SERVICES LIMITED", "postcode": "S25 1AA",
     "accounts_category": "SMALL"},
    {"number": "01000005", "name": "OLD MILL BAKERY LIMITED", "postcode": "S25 1AA", "status": "Dissolved",
     "accounts_category": "DORMANT"},
    # A postcode the directory does not hold (too new): matched, but not placed.
    {"number": "01000006", "name": "NEWBUILD FENCING LIMITED", "postcode": "S25 7XX", "accounts_category": "SMALL"},
    {"number": "01000007", "name": "CONFLICT CATERING LIMITED", "postcode": "S25 1AA", "accounts_category": "SMALL"},
]
CHARITIES = [{"number": "1100001", "name": "ROTHERHAM CARERS CENTRE", "postcode": "S25 1AA"}]


@pytest.fixture
def settled(tmp_path, load, make_network, make_supplier):
    network = make_network(local_area=())
    network.area_codes, network.wider_area_codes, network.wider_area_name = [ROTHERHAM], [DONCASTER], "South Yorkshire"
    db.session.commit()
    results = [load("postcodes", samples.write_postcodes(tmp_path / "NSPL_NOV_2026_UK.zip", DIRECTORY)),
               load("companies", samples.write_companies(tmp_path / "BasicCompanyDataAsOneFile-2026-11-01.zip", COMPANIES)),
               load("charities", samples.write_charities(tmp_path / "publicextract.charity.zip", CHARITIES))]
    suppliers = {key: make_supplier(network, name, **fields).id for key, (name, fields) in {
        "exact": ("Rother Valley Roofing Ltd", {}),
        "straddling": ("Dearne Glazing Ltd.", {}),
        "previous": ("Bramall & Sons Joinery", {}),
        "fuzzy": ("Pennine Window Cleaning Servics", {}),
        "dissolved": ("Old Mill Bakery", {}),
        "new_postcode": ("Newbuild Fencing Ltd", {}),
        # The spend file says company 09999999: the name's register entry is refused, not taken.
        "conflict": ("Conflict Catering Ltd", {"company_number": "09999999"}),
        "charity": ("Rotherham Carers Centre", {}),
        "nowhere": ("A Firm No Register Holds", {}),
    }.items()}
    settle_suppliers(db.session, network)
    db.session.commit()
    return network, suppliers, results


def _supplier(suppliers, key) -> Supplier:
    return db.session.get(Supplier, suppliers[key])


def test_every_rule_from_the_official_files(settled):
    _, suppliers, _ = settled
    expected = {
        # key: (company number, charity number, method, postcode, district, locality, kind, SME)
        "exact": ("01000001", None, "name", "S25 1AA", ROTHERHAM, "based", "private", True),
        "straddling": ("01000002", None, "name", "S25 9ZZ", DONCASTER, "wider", "private", False),
        "previous": ("01000003", None, "previous_name", "S1 2BB", SHEFFIELD, "region", "private", True),
        "fuzzy": ("01000004", None, "fuzzy", "S25 1AA", ROTHERHAM, "based", "private", True),
        # Dissolved, and the only entry of that name: matched (its status shows in the review and on the supplier).
        "dissolved": ("01000005", None, "name", "S25 1AA", ROTHERHAM, "based", "private", None),
        "new_postcode": ("01000006", None, "name", "S25 7XX", None, None, "private", True),
        "conflict": ("09999999", None, None, None, None, None, "private", None),
        "charity": (None, "1100001", "name", "S25 1AA", ROTHERHAM, "based", "vcse", None),
        "nowhere": (None, None, None, None, None, None, "unknown", None),
    }
    for key, want in expected.items():
        s = _supplier(suppliers, key)
        got = (s.company_number, s.charity_number, s.match_method, s.postcode, s.district_code, s.locality, s.kind, s.is_sme)
        assert got == want, key
    fuzzy = _supplier(suppliers, "fuzzy")
    assert fuzzy.place_source == "companies" and fuzzy.place_source_date.isoformat() == "2026-11-01"
    assert 90 <= fuzzy.match_confidence < 100
    assert _supplier(suppliers, "exact").ward_code == "E05001001" and _supplier(suppliers, "exact").imd_decile == 1


def test_a_register_refresh_moves_only_the_supplier_whose_row_changed(settled, tmp_path, load):
    network, suppliers, _ = settled
    before = {s.id: (s.locality, s.postcode) for s in db.session.query(Supplier).filter_by(network_id=network.id)}
    moved = [dict(c) for c in COMPANIES]
    moved[0]["postcode"] = "S1 2BB"  # Rother Valley Roofing moves to Sheffield
    result = load("companies", samples.write_companies(tmp_path / "BasicCompanyDataAsOneFile-2026-12-01.zip", moved))
    assert result.changed_keys == {"01000001"}
    assert after_register_load(db.session, result) >= 1
    db.session.commit()
    after = {s.id: (s.locality, s.postcode) for s in db.session.query(Supplier).filter_by(network_id=network.id)}
    assert {i for i in after if after[i] != before[i]} == {suppliers["exact"]}
    assert after[suppliers["exact"]] == ("region", "S1 2BB")


def test_the_conflict_leaves_no_register_entry_taken_and_nothing_waits_on_a_settled_supplier(settled):
    _, suppliers, _ = settled
    pending = db.session.query(SupplierRegisterCandidate).filter_by(status="pending").all()
    assert suppliers["exact"] not in {c.supplier_id for c in pending}
    assert _supplier(suppliers, "conflict").place_source is None
