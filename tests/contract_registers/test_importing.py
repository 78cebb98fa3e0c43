"""Does a register import keep identical lines, show next month's differences, resolve suppliers and refuse bad lines whole?"""
from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import Workbook
from sqlalchemy import func, select

from portal.contract_registers.models import ContractRegisterDifference, ContractRegisterProblem
from portal.extensions import db
from portal.social_value.models import Contract
from portal.suppliers.models import Supplier
from tenants import tenant_context

HEADER = ["Contract Reference", "Contract Title", "Supplier Company Name", "Supplier Postcode", "Company Number",
          "Annual Value", "Total Contract Value (including extensions)", "Start Date", "End Date", "SME Supplier?"]
PARKS = ["C1", "Parks maintenance", "Green Ltd", "M5 4WT", "01234567", "10000.00", "30000.00", "2022-04-01", "2025-03-31", "Yes"]
LIBRARY = ["C2", "Library books", "Readers Ltd", "M3 1AA", "", "5000", "5000", "01/04/2022", "31/03/2023", "No"]
CARE = ["C3", "Home care", "Various Providers", "Various", "Various", "-", "-", "TBC", "", "Various"]


def csv_bytes(*rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue().encode()


def contracts(partner):
    with tenant_context(partner.id):
        return db.session.scalars(select(Contract).order_by(Contract.id)).all()


def test_two_identical_lines_are_two_contracts(council, register):
    result = register(council, csv_bytes(PARKS, PARKS, LIBRARY))
    assert result.added_count == 3
    held = contracts(council)
    assert [(c.reference, c.occurrence) for c in held] == [("C1", 1), ("C1", 2), ("C2", 1)]
    assert held[0].content_key == held[1].content_key


def test_reimporting_the_same_register_changes_nothing(council, register):
    register(council, csv_bytes(PARKS, PARKS, LIBRARY, CARE))
    before = [(c.id, c.title, c.value_pence) for c in contracts(council)]
    again = register(council, csv_bytes(PARKS, PARKS, LIBRARY, CARE))
    assert again.status == "imported" and not again.differs and again.unchanged_count == 4
    assert [(c.id, c.title, c.value_pence) for c in contracts(council)] == before


def test_the_same_register_as_xlsx_is_the_same_contracts(council, register):
    register(council, csv_bytes(PARKS, LIBRARY))
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in (PARKS, LIBRARY):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    again = register(council, out.getvalue(), filename="register.xlsx")
    assert (again.status, again.unchanged_count, again.differs) == ("imported", 2, False)


def test_values_are_read_as_the_transparency_code_writes_them(council, register):
    register(council, csv_bytes(PARKS, CARE))
    parks, care = contracts(council)
    assert (parks.value_pence, parks.annual_value_pence, parks.start_date, parks.end_date, parks.is_sme) == (
        3_000_000, 1_000_000, date(2022, 4, 1), date(2025, 3, 31), True)
    assert (parks.supplier_postcode, parks.supplier_company_number) == ("M5 4WT", "01234567")
    # "Various", "-" and "TBC" say the register does not know: unknown, never guessed.
    assert (care.value_pence, care.start_date, care.is_sme, care.supplier_postcode, care.supplier_id) == (
        None, None, None, None, None)
    assert care.supplier_name_as_given == "Various Providers"


def test_next_months_register_shows_its_differences_before_they_are_applied(council, register):
    register(council, csv_bytes(PARKS, LIBRARY, CARE))
    first = {c.reference: c.id for c in contracts(council)}
    dearer = LIBRARY[:5] + ["6000", "6000"] + LIBRARY[7:]
    new = ["C4", "School meals", "Dinners Ltd", "M6 5AB", "", "", "80000", "2022-09-01", "2023-07-31", "No"]
    checked = register(council, csv_bytes(PARKS, dearer, new), apply=False)
    assert checked.status == "checked"
    assert (checked.unchanged_count, checked.added_count, checked.changed_count, checked.removed_count) == (1, 1, 1, 1)
    with tenant_context(council.id):
        differences = {d.kind: d for d in db.session.scalars(select(ContractRegisterDifference)
                                                              .where(ContractRegisterDifference.import_id == checked.id))}
    assert differences["changed"].reference == "C2" and differences["changed"].fields == ["annual_value_pence", "value_pence"]
    assert differences["added"].reference == "C4" and differences["removed"].reference == "C3"
    assert {c.reference: c.value_pence for c in contracts(council)}["C2"] == 500_000, "nothing changes before applying"

    from portal.contract_registers import importing

    with tenant_context(council.id):
        assert importing.apply_import(db.session, checked.id, None) == "imported"
        db.session.commit()
    held = {c.reference: c for c in contracts(council)}
    assert held["C2"].id == first["C2"] and held["C2"].value_pence == 600_000, "a changed contract keeps its id"
    assert held["C3"].left_register_at is not None, "a removed contract is kept, marked off the register"
    assert held["C4"].title == "School meals"


def test_applying_after_the_contracts_changed_shows_the_new_differences(council, register):
    from portal.contract_registers import importing

    register(council, csv_bytes(PARKS))
    checked = register(council, csv_bytes(PARKS, LIBRARY), apply=False)
    register(council, csv_bytes(PARKS, LIBRARY, CARE))  # another import got there first
    with tenant_context(council.id):
        assert importing.apply_import(db.session, checked.id, None) == "changed"
        db.session.commit()
    assert len(contracts(council)) == 3


def test_every_bad_line_is_reported_and_nothing_changes(council, register):
    register(council, csv_bytes(PARKS))
    before = [(c.id, c.value_pence) for c in contracts(council)]
    nameless = ["", "", "Someone Ltd", "", "", "", "100", "", "", ""]
    negative = ["C9", "Refund", "Acme Ltd", "", "", "", "-100.00", "", "", ""]
    short = ["C10", "Too few cells"]
    result = register(council, csv_bytes(PARKS, LIBRARY, nameless, negative, short))
    assert result.status == "rejected" and result.error_count == 3
    with tenant_context(council.id):
        errors = db.session.execute(select(ContractRegisterProblem.line_number, ContractRegisterProblem.reason)
                                    .where(ContractRegisterProblem.import_id == result.id,
                                           ContractRegisterProblem.severity == "error")
                                    .order_by(ContractRegisterProblem.line_number)).all()
    assert [n for n, _ in errors] == [4, 5, 6]
    assert "nothing names the contract" in errors[0][1]
    assert "negative" in errors[1][1]
    assert "cells" in errors[2][1]
    assert [(c.id, c.value_pence) for c in contracts(council)] == before, "a failed import changes nothing"


def test_suppliers_are_found_by_company_number_then_by_name(council, register):
    network_id = council.network_id
    by_number = Supplier(network_id=network_id, name="GREEN LIMITED", normalised_name="green", company_number="01234567")
    by_name = Supplier(network_id=network_id, name="Readers Limited", normalised_name="readers")
    other = Supplier(network_id=network_id, name="Various", normalised_name="various")
    db.session.add_all([by_number, by_name, other])
    db.session.commit()
    register(council, csv_bytes(PARKS, LIBRARY, CARE))
    parks, library, care = contracts(council)
    assert (parks.supplier_id, library.supplier_id, care.supplier_id) == (by_number.id, by_name.id, None)
    assert parks.supplier_name_as_given == "Green Ltd", "the name as given is kept"


def test_a_name_does_not_match_a_supplier_with_another_company_number(council, register):
    db.session.add(Supplier(network_id=council.network_id, name="Green Ltd", normalised_name="green", company_number="09999999"))
    db.session.commit()
    register(council, csv_bytes(PARKS))
    assert contracts(council)[0].supplier_id is None


def test_a_register_without_lines_is_refused(council, register):
    result = register(council, csv_bytes())
    assert result.status == "rejected"
    with tenant_context(council.id):
        assert db.session.scalar(select(func.count(Contract.id))) == 0


def test_the_task_checks_in_the_partners_scope_and_says_when_it_failed(council, register):
    """The task body, called in-process (not through a worker): it sets the scope from its arguments and commits."""
    from portal.contract_registers import importing
    from portal.contract_registers.models import ContractRegisterImport
    from portal.contract_registers.tasks import check_contract_register

    with tenant_context(council.id):
        register_import = importing.store_upload(db.session, council, None, "register.csv", io.BytesIO(csv_bytes(PARKS)))
        register_import.column_mapping = {"title": "Contract Title"}
        register_import.status = "queued"
        db.session.commit()
        import_id = register_import.id
    assert check_contract_register(council.id, import_id) == {"status": "imported"}
    with tenant_context(council.id):
        broken = importing.store_upload(db.session, council, None, "register.csv", io.BytesIO(csv_bytes(LIBRARY)))
        broken.column_mapping = {"title": "Contract Title"}
        broken.status = "queued"
        db.session.commit()
        importing.stored_path(broken).unlink()
        broken_id = broken.id
    assert check_contract_register(council.id, broken_id) == {"status": "failed"}
    with tenant_context(council.id):
        failed = db.session.get(ContractRegisterImport, broken_id)
        assert failed.status == "failed" and "stopped unexpectedly" in failed.failure_reason
        assert db.session.scalar(select(func.count(Contract.id))) == 1


def test_a_register_with_only_contract_columns_is_recognised(council, register):
    """Its header has nothing a spend file has (no date, amount or postcode): found by the contracts names."""
    content = b"Title of the register\n\nContract Ref,Title,Contractor,Contract Value\nX1,Grounds care,Green Ltd,1200\n"
    result = register(council, content)
    assert (result.status, result.added_count) == ("imported", 1)
    contract = contracts(council)[0]
    assert (contract.reference, contract.title, contract.supplier_name_as_given, contract.value_pence, contract.line_number) == (
        "X1", "Grounds care", "Green Ltd", 120_000, 4)
