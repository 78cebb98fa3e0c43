"""Placing suppliers by their full postcode against the network's area, its wider tier and its region."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.extensions import db
from portal.registers.placing import place_suppliers, replace_changed
from portal.spend.models import SpendLine, SpendTotalsPending
from portal.suppliers.models import Supplier
from tenants import tenant_context

from .conftest import DONCASTER, LEEDS, MANCHESTER, ROTHERHAM, SHEFFIELD, YORKSHIRE


def reload(supplier) -> Supplier:
    db.session.expire_all()
    return db.session.get(Supplier, supplier.id)


def test_two_postcodes_of_one_straddling_district_are_placed_by_the_full_postcode(area_network, reference, make_supplier):
    """S25 lies partly in Rotherham, partly in Doncaster: is each supplier placed by its own postcode, not the district?"""
    reference.postcodes()
    in_rotherham = make_supplier(area_network, "Maltby Joinery", postcode="S25 1AA", place_source="spend_file")
    in_doncaster = make_supplier(area_network, "Tickhill Joinery", postcode="S25 9ZZ", place_source="spend_file")
    changed = place_suppliers(db.session, area_network)
    db.session.commit()
    assert changed == {in_rotherham.id, in_doncaster.id}
    rotherham, doncaster = reload(in_rotherham), reload(in_doncaster)
    assert (rotherham.district_code, rotherham.locality, rotherham.is_local) == (ROTHERHAM, "based", True)
    assert (doncaster.district_code, doncaster.locality, doncaster.is_local) == (DONCASTER, "wider", False)
    assert rotherham.postcode_district == doncaster.postcode_district == "S25"
    assert (rotherham.ward_code, rotherham.lsoa_code, rotherham.region_code, rotherham.imd_decile) == (
        "E05001001", "E01007601", YORKSHIRE, 5)


def test_a_postcode_the_directory_does_not_hold_leaves_the_supplier_unplaced(area_network, reference, make_supplier):
    reference.postcodes()
    unknown = make_supplier(area_network, "Ghost Supplies", postcode="S60 9QQ", place_source="spend_file",
                            district_code=ROTHERHAM, locality="based", is_local=True)
    place_suppliers(db.session, area_network)
    db.session.commit()
    ghost = reload(unknown)
    assert ghost.postcode == "S60 9QQ"
    assert (ghost.district_code, ghost.ward_code, ghost.imd_decile, ghost.locality, ghost.is_local) == (None,) * 5


def test_each_tier_from_based_to_elsewhere(area_network, reference, make_supplier):
    reference.postcodes()
    made = {
        "based": make_supplier(area_network, "Based Ltd", postcode="S60 1AA"),
        "branched": make_supplier(area_network, "Branched Ltd", postcode="M1 1AE", branch_postcode="S25 1AA"),
        "wider": make_supplier(area_network, "Wider Ltd", postcode="S1 2BB"),
        "region": make_supplier(area_network, "Region Ltd", postcode="LS1 4DD"),
        "elsewhere": make_supplier(area_network, "Elsewhere Ltd", postcode="M1 1AE"),
        None: make_supplier(area_network, "Nowhere Ltd"),
    }
    place_suppliers(db.session, area_network)
    db.session.commit()
    found = {expected: reload(s) for expected, s in made.items()}
    assert {expected: s.locality for expected, s in found.items()} == {k: k for k in made}
    assert {expected: s.is_local for expected, s in found.items()} == {
        "based": True, "branched": True, "wider": False, "region": False, "elsewhere": False, None: None}
    assert found["branched"].branch_district_code == ROTHERHAM
    assert found["wider"].district_code == SHEFFIELD and found["region"].district_code == LEEDS
    assert found["elsewhere"].district_code == MANCHESTER


def test_the_region_is_the_networks_own_when_it_names_one(area_network, reference, make_supplier):
    reference.postcodes()
    area_network.region_code = "E12000002"  # the North West: Leeds is then simply elsewhere, Manchester in the region
    db.session.commit()
    leeds = make_supplier(area_network, "Region Ltd", postcode="LS1 4DD")
    manchester = make_supplier(area_network, "Elsewhere Ltd", postcode="M1 1AE")
    place_suppliers(db.session, area_network)
    assert (reload(leeds).locality, reload(manchester).locality) == ("elsewhere", "region")


def test_the_register_gives_the_postcode_only_when_neither_the_lead_nor_the_spend_file_did(area_network, reference, make_supplier):
    reference.postcodes()
    reference.loaded("companies", date(2026, 11, 1))
    for number, name in (("01000001", "Register Only"), ("01000002", "Spend File Too"), ("01000003", "Lead Too")):
        reference.company(number, name, postcode="M1 1AE")
    register_only = make_supplier(area_network, "Register Only", company_number="01000001")
    spend_file = make_supplier(area_network, "Spend File Too", company_number="01000002", postcode="S60 1AA")
    lead = make_supplier(area_network, "Lead Too", company_number="01000003", postcode="S25 1AA", place_source="lead",
                         place_by_lead=True)
    place_suppliers(db.session, area_network)
    db.session.commit()
    register_only, spend_file, lead = reload(register_only), reload(spend_file), reload(lead)
    assert (register_only.postcode, register_only.place_source, register_only.place_source_date, register_only.locality) == (
        "M1 1AE", "companies", date(2026, 11, 1), "elsewhere")
    assert (spend_file.postcode, spend_file.place_source, spend_file.locality) == ("S60 1AA", "spend_file", "based")
    assert (lead.postcode, lead.place_source, lead.locality) == ("S25 1AA", "lead", "based")


def test_a_charity_and_a_society_are_placed_from_their_registers(area_network, reference, make_supplier):
    reference.postcodes()
    reference.charity("1100001", "Rotherham Carers", postcode="S60 1AA")
    reference.mutual("IP00001R", "Valley Food Co-operative", postcode="S1 2BB")
    charity = make_supplier(area_network, "Rotherham Carers", charity_number="1100001")
    society = make_supplier(area_network, "Valley Food Co-operative", mutual_number="IP00001R")
    place_suppliers(db.session, area_network)
    assert (reload(charity).place_source, reload(charity).locality, reload(charity).kind) == ("charities", "based", "vcse")
    assert (reload(society).place_source, reload(society).locality, reload(society).kind) == ("mutuals", "wider", "vcse")


def test_the_leads_older_local_override_still_counts(area_network, reference, make_supplier):
    reference.postcodes()
    said_local = make_supplier(area_network, "Vouched For Ltd", postcode="M1 1AE", local_override=True)
    said_not = make_supplier(area_network, "Not Really Local Ltd", postcode="S60 1AA", local_override=False)
    place_suppliers(db.session, area_network)
    assert (reload(said_local).locality, reload(said_local).is_local) == ("branched", True)
    assert (reload(said_not).locality, reload(said_not).is_local) == ("wider", False)


def test_placing_again_changes_nothing_and_returns_nothing(area_network, reference, make_supplier):
    reference.postcodes()
    make_supplier(area_network, "Based Ltd", postcode="S60 1AA")
    assert place_suppliers(db.session, area_network)
    db.session.commit()
    assert place_suppliers(db.session, area_network) == set()


def test_a_changed_supplier_marks_due_the_months_of_every_partner_with_its_lines(area_network, reference, make_supplier,
                                                                                make_partner):
    reference.postcodes()
    council, police = make_partner("Council", area_network), make_partner("Police", area_network)
    moved = make_supplier(area_network, "Based Ltd", postcode="S60 1AA")
    untouched = make_supplier(area_network, "Untouched Ltd")
    for partner, supplier, day in ((council, moved, date(2024, 5, 3)), (police, moved, date(2024, 7, 9)),
                                   (police, untouched, date(2024, 8, 1))):
        with tenant_context(partner.id):
            db.session.add(SpendLine(transaction_ref="T", payment_date=day, month=day.replace(day=1), amount_pence=100,
                                     supplier_name=supplier.name, supplier_id=supplier.id, content_key=f"k{supplier.id}{day}",
                                     occurrence=1))
            db.session.commit()
    assert place_suppliers(db.session, area_network) == {moved.id}
    db.session.commit()
    for partner, months in ((council, [date(2024, 5, 1)]), (police, [date(2024, 7, 1)])):
        with tenant_context(partner.id):
            assert db.session.scalars(select(SpendTotalsPending.month)).all() == months


def test_replace_changed_touches_only_suppliers_holding_a_changed_key(area_network, reference, make_supplier, make_network):
    reference.postcodes()
    reference.company("02000001", "Moving Ltd", postcode="S60 1AA", accounts="SMALL")
    reference.company("02000002", "Staying Ltd", postcode="S60 1AA", accounts="SMALL")
    other = make_network("Another Network", local_area=())
    other.area_codes = [MANCHESTER]
    moving = make_supplier(area_network, "Moving Ltd", company_number="02000001")
    moving_elsewhere = make_supplier(other, "Moving Ltd", company_number="02000001")
    staying = make_supplier(area_network, "Staying Ltd", company_number="02000002")
    place_suppliers(db.session, area_network)
    place_suppliers(db.session, other)
    db.session.commit()
    # The next month's register: both rows change, but the refresh names only the first as changed.
    from sqlalchemy import update

    from portal.registers.models import RegisterCompany
    db.session.commit()
    with reference.engine.begin() as conn:
        conn.execute(update(RegisterCompany).values(postcode="M1 1AE", accounts_category="FULL"))
    assert replace_changed(db.session, "companies", ["02000001"]) == 2
    db.session.commit()
    assert (reload(moving).locality, reload(moving).is_sme) == ("elsewhere", False)
    assert (reload(moving_elsewhere).locality, reload(moving_elsewhere).is_sme) == ("based", False)
    assert (reload(staying).locality, reload(staying).is_sme, reload(staying).postcode) == ("based", True, "S60 1AA")


def test_replace_changed_by_postcode_reaches_branches_too(area_network, reference, make_supplier):
    reference.postcodes({"M1 1AE": (MANCHESTER, None, None, "E12000002", 3)})
    branch = make_supplier(area_network, "Branch Ltd", postcode="M1 1AE", branch_postcode="S60 1AA")
    place_suppliers(db.session, area_network)
    db.session.commit()
    assert reload(branch).locality == "elsewhere"
    reference.postcodes({"S60 1AA": (ROTHERHAM, None, None, YORKSHIRE, 2)})
    assert replace_changed(db.session, "postcodes", ["S60 1AA"]) == 1
    assert reload(branch).locality == "branched"


def test_the_workers_place_a_network_and_replace_the_changed(area_network, reference, make_supplier):
    """The tasks are the same functions with a commit: ids in, counts out."""
    from portal.registers.placing_tasks import place_network_suppliers, replace_changed_suppliers

    reference.postcodes()
    reference.company("06000001", "Acme Ltd", postcode="M1 1AE")
    acme = make_supplier(area_network, "Acme Ltd", company_number="06000001")
    assert place_network_suppliers.run(area_network.id) == 1
    assert reload(acme).locality == "elsewhere"
    assert place_network_suppliers.run(area_network.id) == 0
    assert replace_changed_suppliers.run("companies", ["06000001", "99999999"]) == 1
    assert place_network_suppliers.run(10**9) == 0


def test_a_spend_files_postcode_is_stamped_as_the_spend_files_and_outranks_the_register(area_network, reference, make_partner):
    """The importer says where a postcode came from, so a register (or the live lookup) never takes its place."""
    from portal.spend.lines import supplier_key
    from portal.suppliers.services import SupplierResolver

    reference.postcodes()
    reference.company("08000001", "Maltby Joinery Ltd", postcode="M1 1AE")
    resolver = SupplierResolver(db.session, area_network)
    [(first_id, _), (second_id, _)] = resolver.resolve_all([
        supplier_key("Maltby Joinery Ltd", "S25 1AA", "08000001", None, None),
        supplier_key("Nowhere Given Ltd", None, None, None, None),
    ])
    db.session.commit()
    assert (db.session.get(Supplier, first_id).place_source, db.session.get(Supplier, second_id).place_source) == (
        "spend_file", None)
    place_suppliers(db.session, area_network)
    joinery = reload(db.session.get(Supplier, first_id))
    assert (joinery.postcode, joinery.place_source, joinery.locality) == ("S25 1AA", "spend_file", "based")
