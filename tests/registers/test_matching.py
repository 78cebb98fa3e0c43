"""Does matching tie each supplier to the right register entry, and only when it should?"""
from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.registers import matching
from portal.registers.matching import match_suppliers
from portal.registers.models import RegisterLoad
from portal.suppliers.models import Supplier, SupplierRegisterCandidate


def _run(network, ids=None):
    report = match_suppliers(db.session, network, ids)
    db.session.commit()
    db.session.expire_all()
    return report


def _candidates(supplier):
    return db.session.execute(
        select(SupplierRegisterCandidate.register, SupplierRegisterCandidate.number, SupplierRegisterCandidate.method,
               SupplierRegisterCandidate.status)
        .where(SupplierRegisterCandidate.supplier_id == supplier.id).order_by(SupplierRegisterCandidate.number)
    ).all()


def _loaded(register, published_on):
    db.session.add(RegisterLoad(register=register, file_name=f"{register}.csv", published_on=published_on, status="loaded"))
    db.session.commit()


def test_an_exact_name_takes_the_company_number_postcode_and_the_register_date(make_network, registers, make_supplier):
    network = make_network()
    registers.company("01234567", "ACME BUILDING SERVICES LIMITED", postcode="S60 1AA")
    registers.company("07654321", "ACME HOLDINGS LIMITED", postcode="LS1 4AP")
    _loaded("companies", date(2026, 11, 1))
    _loaded("companies", date(2026, 12, 1))
    db.session.add(RegisterLoad(register="companies", file_name="broken.csv", published_on=date(2027, 1, 1), status="failed"))
    db.session.commit()
    supplier = make_supplier(network, "Acme Building Services Ltd")

    report = _run(network)

    supplier = db.session.get(Supplier, supplier.id)
    assert (supplier.company_number, supplier.postcode, supplier.postcode_district) == ("01234567", "S60 1AA", "S60")
    assert (supplier.place_source, supplier.place_source_date) == ("companies", date(2026, 12, 1))
    assert (supplier.match_method, supplier.match_confidence) == ("name", 100)
    assert report.changed_ids == [supplier.id] and report.matched["name"] == 1


@pytest.mark.parametrize("spelled, registered", [
    ("Acme Ltd", "ACME LIMITED"),
    ("ACME LIMITED", "Acme Ltd."),
    ("Smith & Sons P.L.C.", "SMITH AND SONS PLC"),
    ("J. Bloggs (Plumbing) Ltd", "J BLOGGS PLUMBING LIMITED"),
    ("O'Brien's Cafe", "OBRIENS CAFE LTD"),
    ("The Green Grocer", "GREEN GROCER LIMITED"),
    ("Northern Plumbing Co Ltd T/A Quick Fix", "NORTHERN PLUMBING CO LIMITED"),
    ("Northern Plumbing Co trading as Quick Fix", "Northern Plumbing Co Ltd"),
])
def test_normalised_spellings_meet_the_registered_name(make_network, registers, make_supplier, spelled, registered):
    network = make_network()
    registers.company("00000042", registered)
    registers.company("00000043", "QUICK FIX SOLUTIONS LIMITED")
    supplier = make_supplier(network, spelled)
    _run(network)
    supplier = db.session.get(Supplier, supplier.id)
    assert (supplier.company_number, supplier.match_method) == ("00000042", "name")


def test_a_previous_name_matches_when_no_current_name_does(make_network, registers, make_supplier):
    network = make_network()
    registers.company("00000001", "BRIGHTWATER SERVICES LIMITED", previous=["Old Mill Cleaning Ltd"])
    supplier = make_supplier(network, "Old Mill Cleaning Limited")
    _run(network)
    supplier = db.session.get(Supplier, supplier.id)
    assert (supplier.company_number, supplier.match_method, supplier.match_confidence) == ("00000001", "previous_name", 100)


def test_a_current_name_beats_another_companys_previous_name(make_network, registers, make_supplier):
    network = make_network()
    registers.company("00000001", "BRIGHTWATER SERVICES LIMITED", previous=["Old Mill Cleaning Ltd"])
    registers.company("00000002", "OLD MILL CLEANING LIMITED")
    supplier = make_supplier(network, "Old Mill Cleaning Limited")
    _run(network)
    assert db.session.get(Supplier, supplier.id).company_number == "00000002"


def test_numbers_from_the_spend_file_match_first(make_network, registers, make_supplier):
    network = make_network()
    registers.company("01234567", "ACME LIMITED", postcode="S60 1AA")
    registers.company("07654321", "SOMETHING ELSE ENTIRELY LIMITED", postcode="M1 1AA")
    registers.charity("1100001", "HELPING HANDS", postcode="S61 2CC", company_number="04000001")
    registers.company("04000001", "HELPING HANDS LIMITED", postcode="S62 3DD")
    registers.mutual("IP29627R", "VALLEY FOOD CO-OPERATIVE", postcode="S63 4EE")
    by_company = make_supplier(network, "Whatever They Call It", company_number="07654321")
    by_charity = make_supplier(network, "Helping Hands Trust", charity_number="1100001")
    by_society = make_supplier(network, "Valley Food", company_number="IP29627R")

    _run(network)

    found = {s.id: s for s in db.session.scalars(select(Supplier))}
    assert (found[by_company.id].postcode, found[by_company.id].match_method, found[by_company.id].match_confidence) == ("M1 1AA", "number", 100)
    # A charitable company: both numbers, placed by its registered office.
    charity = found[by_charity.id]
    assert (charity.charity_number, charity.company_number, charity.postcode, charity.place_source) == (
        "1100001", "04000001", "S62 3DD", "companies")
    society = found[by_society.id]
    assert (society.mutual_number, society.postcode, society.place_source, society.match_method) == (
        "IP29627R", "S63 4EE", "mutuals", "number")


def test_charities_and_societies_match_by_name(make_network, registers, make_supplier):
    network = make_network()
    registers.charity("1100002", "ROTHERHAM TOGETHER", postcode="S65 1AA")
    registers.mutual("IP00001R", "SHEFFIELD WHOLEFOODS CO-OPERATIVE LIMITED", postcode="S1 2AA")
    charity = make_supplier(network, "Rotherham Together")
    society = make_supplier(network, "Sheffield Wholefoods Co-operative Ltd")
    _run(network)
    charity, society = db.session.get(Supplier, charity.id), db.session.get(Supplier, society.id)
    assert (charity.charity_number, charity.place_source, charity.postcode) == ("1100002", "charities", "S65 1AA")
    assert (society.mutual_number, society.place_source) == ("IP00001R", "mutuals")


def test_a_name_with_several_live_entries_goes_to_review_with_all_of_them(make_network, registers, make_supplier):
    network = make_network()
    registers.company("00000010", "ACME LIMITED", postcode="S60 1AA")
    registers.company("00000011", "ACME PLC", postcode="LS1 1AA")
    registers.charity("1100003", "ACME", postcode="M1 1AA")
    supplier = make_supplier(network, "Acme")

    report = _run(network)

    assert db.session.get(Supplier, supplier.id).company_number is None
    assert report.changed_ids == [] and report.to_review == [supplier.id]
    assert _candidates(supplier) == [("companies", "00000010", "name", "pending"), ("companies", "00000011", "name", "pending"),
                                     ("charities", "1100003", "name", "pending")]


def test_the_suppliers_own_postcode_picks_between_namesakes(make_network, registers, make_supplier):
    network = make_network()
    registers.company("00000010", "ACME LIMITED", postcode="S60 1AA")
    registers.company("00000011", "ACME PLC", postcode="LS1 1AA")
    supplier = make_supplier(network, "Acme", postcode="LS1 1AA", place_source="spend_file")
    _run(network)
    assert db.session.get(Supplier, supplier.id).company_number == "00000011"
    assert _candidates(supplier) == []


def test_a_match_is_refused_when_the_suppliers_own_number_disagrees(make_network, registers, make_supplier):
    network = make_network()
    registers.company("01234567", "ACME LIMITED", postcode="S60 1AA")
    registers.company("02222222", "ACME BUILDING SERVICES LIMITED", postcode="S60 1AA")
    # Its file says company 09999999 (not in the register); its name says 01234567.
    named = make_supplier(network, "Acme Ltd", company_number="09999999")
    fuzzy = make_supplier(network, "Acme Bulding Services", company_number="09999998")
    charity = make_supplier(network, "Acme", charity_number="1234567")

    report = _run(network)

    for supplier, number in ((named, "09999999"), (fuzzy, "09999998")):
        row = db.session.get(Supplier, supplier.id)
        assert (row.company_number, row.postcode, row.match_method) == (number, None, None)
    assert report.changed_ids == [charity.id]
    conflicts = {c.supplier_id: c for c in report.conflicts}
    assert (conflicts[named.id].own_number, conflicts[named.id].found_number, conflicts[named.id].method) == (
        "09999999", "01234567", "name")
    assert (conflicts[fuzzy.id].found_number, conflicts[fuzzy.id].method) == ("02222222", "fuzzy")
    # A charity number does not conflict with a company (a charity may pay through its trading company).
    assert db.session.get(Supplier, charity.id).company_number == "01234567"


def test_a_charity_tied_to_another_company_than_the_suppliers_is_a_conflict(make_network, registers, make_supplier):
    network = make_network()
    registers.company("04000001", "HELPING HANDS LIMITED")
    registers.company("05000005", "HANDS ON LIMITED")
    registers.charity("1100001", "HELPING HANDS", company_number="04000001")
    supplier = make_supplier(network, "Helping Hands", company_number="05000005", charity_number="1100001")
    report = _run(network)
    assert [(c.own_number, c.found_number) for c in report.conflicts] == [("05000005", "04000001")]
    assert db.session.get(Supplier, supplier.id).match_method is None


def test_a_dissolved_company_is_matched_only_when_no_live_one_has_the_name(make_network, registers, make_supplier):
    network = make_network()
    registers.company("00000020", "ACME LIMITED", postcode="S60 1AA", status="Dissolved")
    registers.company("00000021", "ACME PLC", postcode="S61 1AA", status="Active")
    registers.company("00000022", "GONE FISHING LIMITED", postcode="S62 1AA", status="Dissolved")
    registers.company("00000023", "TWICE GONE LIMITED", status="Dissolved")
    registers.company("00000024", "TWICE GONE PLC", status="Dissolved")
    acme = make_supplier(network, "Acme Ltd")
    gone = make_supplier(network, "Gone Fishing")
    twice = make_supplier(network, "Twice Gone")

    _run(network)

    assert db.session.get(Supplier, acme.id).company_number == "00000021"
    assert (db.session.get(Supplier, gone.id).company_number, db.session.get(Supplier, gone.id).match_method) == ("00000022", "name")
    assert [c.number for c in _candidates(twice)] == ["00000023", "00000024"]


def test_fuzzy_matches_automatically_when_clear_and_sends_near_ones_to_review(make_network, registers, make_supplier):
    network = make_network()
    registers.company("00000030", "PENNINE ROOFING SUPPLIES LIMITED")
    registers.company("00000031", "PENNINE ROOFING AND GUTTERING SERVICES LIMITED")
    registers.company("00000032", "PENNINE ROOFTOP SUPPLIES LIMITED")
    registers.company("00000033", "CALDER ROOFING SUPPLIES LIMITED")
    typo = make_supplier(network, "Pennine Roofin Supplies")  # 98 against 30, 89 against 32: a clear best
    near = make_supplier(network, "Pennine Roofing and Guttering")  # 87: for review
    far = make_supplier(network, "Pennine Windows")  # nothing close

    report = _run(network)

    typo = db.session.get(Supplier, typo.id)
    assert (typo.company_number, typo.match_method) == ("00000030", "fuzzy")
    assert matching.AUTO_SCORE <= typo.match_confidence < 100
    assert db.session.get(Supplier, near.id).company_number is None
    assert _candidates(near) == [("companies", "00000031", "fuzzy", "pending")]
    assert _candidates(far) == [] and db.session.get(Supplier, far.id).company_number is None
    assert report.unmatched == 1


def test_two_close_fuzzy_entities_go_to_review_not_to_the_best(make_network, registers, make_supplier):
    network = make_network()
    registers.company("00000040", "ACME BUILDING SERVICES LIMITED")
    registers.company("00000041", "ACME BUILDINGS SERVICE LIMITED")
    supplier = make_supplier(network, "Acme Buildng Services")
    _run(network)
    assert db.session.get(Supplier, supplier.id).company_number is None
    assert [c.number for c in _candidates(supplier)] == ["00000040", "00000041"]


def test_names_close_but_for_their_numbers_go_to_review_never_in_automatically(make_network, registers, make_supplier):
    """Calderdale's file pays "2022:06D Dementia" and "2022:07D Dementia": letters alike, different payees."""
    network = make_network()
    registers.company("00000045", "UNIT 4 PENNINE ROOFING SUPPLIES LIMITED")
    supplier = make_supplier(network, "Unit 5 Pennine Roofing Supplies")
    same = make_supplier(network, "Unit 4 Pennine Roofng Supplies")
    _run(network)
    assert db.session.get(Supplier, supplier.id).company_number is None
    assert [c.number for c in _candidates(supplier)] == ["00000045"]
    assert db.session.get(Supplier, same.id).company_number == "00000045"


def test_a_dissolved_fuzzy_best_goes_to_review(make_network, registers, make_supplier):
    network = make_network()
    registers.company("00000050", "PENNINE ROOFING SUPPLIES LIMITED", status="Dissolved")
    supplier = make_supplier(network, "Pennine Roofin Supplies")
    _run(network)
    assert db.session.get(Supplier, supplier.id).company_number is None
    assert [c.number for c in _candidates(supplier)] == ["00000050"]


def test_fuzzy_candidates_come_only_from_the_suppliers_block(make_network, registers, make_supplier):
    network = make_network()
    # One letter away, but in the "akme" block: never compared with an "acme ..." supplier.
    registers.company("00000060", "AKME BUILDING SERVICES LIMITED")
    registers.company("00000061", "ACME WINDOWS AND DOORS LIMITED")
    registers.company("00000062", "ACME PLUMBING SUPPLIES LIMITED")
    # In the block, but too short to reach the review score whatever its letters: never read.
    registers.company("00000063", "ACME LIMITED")
    for n in range(20):
        registers.company(f"0000010{n:02d}"[-8:], f"ZEBRA {n} TRADING LIMITED")
    supplier = make_supplier(network, "Acme Building Services")

    report = _run(network)

    assert _candidates(supplier) == [] and db.session.get(Supplier, supplier.id).company_number is None
    # Scored against the two names of its block that could score, not the 24 of the register.
    assert report.comparisons == 2


def test_the_spend_files_postcode_stays_and_the_lead_s_suppliers_are_left_alone(make_network, registers, make_supplier):
    network = make_network()
    registers.company("01234567", "ACME LIMITED", postcode="LS1 4AP")
    registers.company("07654321", "BETA LIMITED", postcode="LS1 4AP")
    from_file = make_supplier(network, "Acme", postcode="S60 1AA", postcode_district="S60", place_source="spend_file")
    # As the importer creates a supplier: a postcode from the file, no source written.
    imported = make_supplier(network, "Acme Ltd", postcode="S63 7AA", postcode_district="S63")
    by_lead = make_supplier(network, "Beta", postcode="S61 1AA", place_source="lead", place_by_lead=True)

    report = _run(network)

    from_file = db.session.get(Supplier, from_file.id)
    assert (from_file.company_number, from_file.postcode, from_file.place_source) == ("01234567", "S60 1AA", "spend_file")
    imported = db.session.get(Supplier, imported.id)
    assert (imported.company_number, imported.postcode, imported.place_source) == ("01234567", "S63 7AA", "spend_file")
    by_lead = db.session.get(Supplier, by_lead.id)
    assert (by_lead.company_number, by_lead.postcode, by_lead.match_method) == (None, "S61 1AA", None)
    assert report.considered == 2


def test_only_the_suppliers_asked_for_are_matched(make_network, registers, make_supplier):
    network, other = make_network(), make_network()
    registers.company("01234567", "ACME LIMITED")
    asked, not_asked = make_supplier(network, "Acme"), make_supplier(network, "Acme Ltd")
    elsewhere = make_supplier(other, "Acme")
    report = _run(network, [asked.id, elsewhere.id])
    assert report.changed_ids == [asked.id]
    assert db.session.get(Supplier, not_asked.id).company_number is None
    assert db.session.get(Supplier, elsewhere.id).company_number is None


def _state():
    db.session.expire_all()
    suppliers = db.session.execute(select(Supplier.__table__).order_by(Supplier.id)).all()
    candidates = db.session.execute(select(SupplierRegisterCandidate.__table__).order_by(SupplierRegisterCandidate.id)).all()
    return suppliers, candidates


def test_running_again_changes_nothing(make_network, registers, make_supplier):
    network = make_network()
    registers.company("01234567", "ACME LIMITED")
    registers.company("00000001", "BRIGHTWATER SERVICES LIMITED", previous=["Old Mill Cleaning Ltd"])
    registers.company("00000030", "PENNINE ROOFING SUPPLIES LIMITED")
    registers.company("00000031", "PENNINE ROOFING AND GUTTERING SERVICES LIMITED")
    registers.company("00000010", "TWIN LIMITED")
    registers.company("00000011", "TWIN PLC")
    registers.charity("1100001", "HELPING HANDS", company_number="04000001")
    for name in ("Acme", "Old Mill Cleaning", "Pennine Roofin Supplies", "Pennine Roofing and Guttering", "Twin", "Helping Hands"):
        make_supplier(network, name)
    first = _run(network)
    assert len(first.changed_ids) == 4 and len(first.to_review) == 2
    before = _state()

    again = _run(network)

    assert again.changed_ids == [] and sorted(again.to_review) == sorted(first.to_review)
    assert _state() == before
    # The methods found first stay, though the second run finds them by the numbers the first set.
    assert sorted(db.session.scalars(select(Supplier.match_method).where(Supplier.match_method.is_not(None)))) == [
        "fuzzy", "name", "name", "previous_name"]


def test_a_register_refresh_moves_a_register_place_and_is_reported(make_network, registers, make_supplier):
    network = make_network()
    registers.company("01234567", "ACME LIMITED", postcode="S60 1AA")
    supplier = make_supplier(network, "Acme")
    _run(network)
    registers.move_company("01234567", "S61 9ZZ")
    report = _run(network)
    supplier = db.session.get(Supplier, supplier.id)
    assert report.changed_ids == [supplier.id] and supplier.postcode == "S61 9ZZ" and supplier.match_method == "name"


def test_refused_candidates_are_not_offered_again(make_network, registers, make_supplier):
    network = make_network()
    registers.company("00000010", "TWIN LIMITED")
    registers.company("00000011", "TWIN PLC")
    supplier = make_supplier(network, "Twin")
    _run(network)
    for candidate in db.session.scalars(select(SupplierRegisterCandidate)):
        candidate.status = "refused"
    db.session.commit()
    registers.company("00000012", "TWIN HOLDINGS LIMITED")

    report = _run(network)

    assert supplier.id not in report.to_review
    assert {c.status for c in _candidates(supplier)} == {"refused"}
    # Refusing one of two namesakes leaves the other, matched as the only one left.
    db.session.get(SupplierRegisterCandidate, 2).status = "pending"
    db.session.commit()
    _run(network)
    assert db.session.get(Supplier, supplier.id).company_number == "00000011"


def test_names_outside_the_length_bounds_could_never_reach_the_review_score():
    from rapidfuzz import fuzz

    for length in range(1, 120):
        shortest, longest = matching._length_bounds(length)
        key = "a" * length
        # A name sharing every letter it can with the key is the best a name of that length can do.
        assert fuzz.token_sort_ratio(key, "a" * (shortest - 1)) < matching.REVIEW_SCORE if shortest > 1 else True
        assert fuzz.token_sort_ratio(key, "a" * (longest + 1)) < matching.REVIEW_SCORE
        assert shortest <= length <= longest


def _statements_to_match(network):
    from sqlalchemy import event

    seen = []
    engine = db.session.get_bind()

    def count(*_):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        report = _run(network)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen), report


def test_the_number_of_statements_does_not_grow_with_the_suppliers(make_network, registers, make_supplier):
    """Set-based: ten times the suppliers (exact, fuzzy, review and none alike) costs the same statements."""
    statements = []
    for size in (3, 30):
        network = make_network()
        for n in range(size):
            code = hashlib.md5(f"{size} {n}".encode()).hexdigest()[:10]  # names far apart from each other
            registers.company(f"{size:02d}{n:06d}", f"FIRM {code} BUILDERS LIMITED")
            make_supplier(network, f"Firm {code} Builders")  # exact
            make_supplier(network, f"Firm {code} Bulders")  # fuzzy
            make_supplier(network, f"Nobody {code} At All")  # none
        count, report = _statements_to_match(network)
        assert (report.matched["name"], report.matched["fuzzy"], report.unmatched) == (size, size, size)
        statements.append(count)
    assert statements[0] == statements[1]
