"""Does importing a spend file keep every good line once, reject bad ones clearly, and change nothing on failure?"""
from __future__ import annotations

import csv
import io
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.spend import importing, lines
from portal.spend.models import SpendImport, SpendImportProblem, SpendLine
from portal.suppliers.models import Supplier, SupplierAlias, SupplierMatchCandidate
from tenants import tenant_context

CALDERDALE_PENCE = 1_590_150_875
LEEDS_PENCE = 6_548_394_563


@pytest.fixture
def partner(make_partner, make_network):
    return make_partner("Calderdale Council", make_network("West Yorkshire", local_area=("HX1", "HX2", "HX3", "LS1")))


def upload(partner, path_or_bytes, filename=None, mapping=None) -> int:
    """Store a file for the partner and set its columns; returns the import id."""
    with tenant_context(partner.id):
        if isinstance(path_or_bytes, Path):
            stream, filename = open(path_or_bytes, "rb"), filename or path_or_bytes.name
        else:
            stream = io.BytesIO(path_or_bytes)
        with stream:
            spend_import = importing.store_upload(db.session, partner, None, filename, stream)
        headers, guessed = importing.proposed_mapping(db.session, spend_import)
        spend_import.column_mapping = mapping or guessed
        spend_import.status = "queued"
        db.session.commit()
        return spend_import.id


def run(partner, import_id):
    with tenant_context(partner.id):
        outcome = importing.run_import(db.session, import_id)
        db.session.commit()
        return outcome


def line_totals(partner):
    with tenant_context(partner.id):
        return db.session.execute(select(func.count(SpendLine.id), func.coalesce(func.sum(SpendLine.amount_pence), 0))).one()


def csv_bytes(rows, encoding="utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


HEADER = ["Date", "Transaction Number", "Supplier Name", "Supplier Postcode", "Net Amount", "Expense Type"]


def test_the_calderdale_file_imports_every_line_to_the_penny(partner, real_file):
    outcome = run(partner, upload(partner, real_file("calderdale-spend-2022-08.csv")))
    assert (outcome.status, outcome.imported, outcome.duplicates, outcome.rejected) == ("imported", 1956, 0, 0)
    assert tuple(line_totals(partner)) == (1956, CALDERDALE_PENCE)


def test_reimporting_the_same_file_never_double_counts(partner, real_file):
    path = real_file("calderdale-spend-2022-08.csv")
    run(partner, upload(partner, path))
    again = run(partner, upload(partner, path))
    assert (again.imported, again.duplicates) == (0, 1956)
    assert tuple(line_totals(partner)) == (1956, CALDERDALE_PENCE)


def test_the_leeds_file_imports_with_its_dates_and_capitals(partner, real_file):
    outcome = run(partner, upload(partner, real_file("leeds-spend-2011-01.csv")))
    assert (outcome.imported, outcome.rejected) == (8837, 0)
    assert tuple(line_totals(partner)) == (8837, LEEDS_PENCE)
    with tenant_context(partner.id):
        first = db.session.scalar(select(SpendLine).where(SpendLine.transaction_ref == "1101-00001"))
    assert (first.payment_date.isoformat(), first.amount_pence, first.supplier_name) == (
        "2011-01-14", 87_083, "A & A ELECTRICAL DISTRIBUTORS LTD")


def test_a_file_with_bad_lines_changes_nothing_and_says_which_and_why(partner):
    rows = [HEADER,
            ["01/04/2024", "T1", "Acme Ltd", "S60 1AE", "1,000.00", "Goods"],
            ["31/02/2024", "T2", "Acme Ltd", "S60 1AE", "10.00", "Goods"],
            ["02/04/2024", "T3", "", "S60 1AE", "10.00", "Goods"],
            ["03/04/2024", "T4", "Beta plc", "S60 1AE", "ten pounds", "Goods"]]
    suppliers_before = db.session.scalar(select(func.count(Supplier.id)))
    import_id = run_id = upload(partner, csv_bytes(rows), "april.csv")
    outcome = run(partner, run_id)
    assert outcome.status == "rejected" and outcome.rejected == 3
    assert tuple(line_totals(partner)) == (0, 0)
    assert db.session.scalar(select(func.count(Supplier.id))) == suppliers_before
    with tenant_context(partner.id):
        problems = {p.line_number: p.reason for p in db.session.scalars(select(SpendImportProblem))}
        assert db.session.get(SpendImport, import_id).status == "rejected"
    assert set(problems) == {3, 4, 5}
    assert "date" in problems[3].lower() and "supplier name is missing" in problems[4] and "ten pounds" in problems[5]


def test_the_officer_can_choose_to_import_only_the_good_lines(partner):
    rows = [HEADER, ["01/04/2024", "T1", "Acme Ltd", "S60 1AE", "£1,000.00", "Goods"], ["bad", "T2", "Acme Ltd", "", "1", ""]]
    import_id = upload(partner, csv_bytes(rows), "april.csv")
    assert run(partner, import_id).status == "rejected"
    with tenant_context(partner.id):
        db.session.get(SpendImport, import_id).import_good_lines = True
        db.session.commit()
    outcome = run(partner, import_id)
    assert (outcome.status, outcome.imported, outcome.rejected) == ("imported", 1, 1)
    assert tuple(line_totals(partner)) == (1, 100_000)


def test_windows_1252_pounds_credit_notes_and_repeated_headers(partner):
    rows = [["Spend over £500, April 2024"], [], HEADER,
            ["01/04/2024", "T1", "Café Ltd", "S60 1AE", "£1,234.56", "Food"],
            HEADER,
            ["02/04/2024", "T2", "Café Ltd", "S60 1AE", "-£34.56", "Food"],
            ["", "", "", "", "", ""]]
    outcome = run(partner, upload(partner, csv_bytes(rows, "cp1252"), "april.csv"))
    assert (outcome.imported, outcome.rejected) == (2, 0)
    assert tuple(line_totals(partner)) == (2, 120_000)


def test_without_references_identical_payments_both_count_and_a_reimport_adds_none(partner):
    header = ["Date", "Supplier", "Amount"]
    rows = [header, ["01/04/2024", "Acme", "500"], ["01/04/2024", "Acme", "500"], ["02/04/2024", "Acme", "500"]]
    first = run(partner, upload(partner, csv_bytes(rows), "a.csv"))
    second = run(partner, upload(partner, csv_bytes(rows), "a.csv"))
    assert (first.imported, second.imported, second.duplicates) == (3, 0, 3)
    assert tuple(line_totals(partner)) == (3, 150_000)


def test_the_same_reference_twice_in_one_file_counts_once(partner):
    rows = [HEADER, ["01/04/2024", "T1", "Acme", "", "5", ""], ["01/04/2024", "T1", "Acme", "", "5", ""]]
    outcome = run(partner, upload(partner, csv_bytes(rows), "a.csv"))
    assert (outcome.imported, outcome.duplicates) == (1, 1)


def test_an_xlsx_file_imports_like_a_csv(partner, tmp_path):
    from openpyxl import Workbook
    from datetime import date

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append([date(2024, 4, 1), "X1", "Acme Ltd", "S60 1AE", 1234.56, "Goods"])
    sheet.append([45383, "X2", "Acme Ltd", "S60 1AE", -34.56, "Goods"])
    path = tmp_path / "april.xlsx"
    workbook.save(path)
    outcome = run(partner, upload(partner, path))
    assert (outcome.imported, outcome.rejected) == (2, 0)
    assert tuple(line_totals(partner)) == (2, 120_000)


def test_spellings_across_partners_resolve_to_one_supplier(partner, make_partner):
    police = make_partner("Police", partner.network)
    council_rows = [HEADER + ["Company Number"], ["01/04/2024", "C1", "ACME LTD", "S60 1AE", "100", "", "01234567"]]
    police_rows = [HEADER + ["Company Number"], ["01/04/2024", "P1", "Acme Limited", "", "200", "", "1234567"]]
    run(partner, upload(partner, csv_bytes(council_rows), "c.csv"))
    run(police, upload(police, csv_bytes(police_rows), "p.csv"))
    suppliers = db.session.scalars(select(Supplier)).all()
    assert len(suppliers) == 1 and suppliers[0].company_number == "01234567"
    assert db.session.scalar(select(func.count(SupplierAlias.id))) == 2
    # What each spent stays each one's.
    assert tuple(line_totals(partner)) == (1, 10_000) and tuple(line_totals(police)) == (1, 20_000)


def test_near_identical_names_go_to_the_review_queue(partner):
    rows = [HEADER, ["01/04/2024", "A", "Rotherham Building Services Ltd", "", "100", ""],
            ["01/04/2024", "B", "Rotherham Buildings Services", "", "100", ""]]
    run(partner, upload(partner, csv_bytes(rows), "a.csv"))
    assert db.session.scalar(select(func.count(Supplier.id))) == 2
    candidate = db.session.scalar(select(SupplierMatchCandidate))
    assert candidate is not None and candidate.status == "pending" and candidate.score >= 90


def test_local_is_derived_from_the_supplier_postcode(partner):
    rows = [HEADER, ["01/04/2024", "A", "Local Ltd", "hx1 1aa", "100", ""], ["01/04/2024", "B", "Far Ltd", "M1 1AA", "100", ""],
            ["01/04/2024", "C", "Unknown Ltd", "", "100", ""]]
    run(partner, upload(partner, csv_bytes(rows), "a.csv"))
    local = {s.name: s.is_local for s in db.session.scalars(select(Supplier))}
    assert local == {"Local Ltd": True, "Far Ltd": False, "Unknown Ltd": None}


def test_concurrent_imports_by_two_partners_each_keep_their_own_lines(app, partner, make_partner):
    police = make_partner("Police", partner.network)
    files = {}
    for who, prefix in ((partner, "C"), (police, "P")):
        rows = [HEADER] + [["01/04/2024", f"{prefix}{n}", f"Supplier {n % 40}", "", "10.00", ""] for n in range(3000)]
        files[who.id] = upload(who, csv_bytes(rows), f"{prefix}.csv")
    errors = []

    def work(who):
        try:
            with app.app_context():
                run(who, files[who.id])
                db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(who,)) for who in (partner, police)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert tuple(line_totals(partner)) == (3000, 3_000_000)
    assert tuple(line_totals(police)) == (3000, 3_000_000)


def test_a_refused_upload_keeps_nothing(partner, tmp_path):
    kept_before = set(importing.uploads_dir(partner.id).iterdir())
    with tenant_context(partner.id):
        with pytest.raises(importing.ImportRefused, match="CSV or an Excel"):
            importing.store_upload(db.session, partner, None, "spend.pdf", io.BytesIO(b"%PDF-1.4"))
        with pytest.raises(importing.ImportRefused):
            importing.store_upload(db.session, partner, None, "spend.csv", io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100))
        assert db.session.scalar(select(func.count(SpendImport.id))) == 0
    assert set(importing.uploads_dir(partner.id).iterdir()) == kept_before


# --- the fast checker agrees with parse_line ---------------------------------------------

CHECKER_MAPPING = {"payment_date": "Date", "amount": "Amount", "supplier_name": "Supplier", "transaction_ref": "Ref",
                   "supplier_postcode": "Postcode", "company_number": "Company", "charity_number": "Charity",
                   "vcse_flag": "VCSE", "expense_type": "Expense", "service_area": "Service", "category": "Category"}
CHECKER_ROWS = [
    {"Date": "01/04/2024", "Amount": "1234.56", "Supplier": "ACME LTD", "Ref": "T1", "Postcode": "s60 1ae",
     "Company": "1234567", "Charity": "", "VCSE": "N", "Expense": "Goods", "Service": "Care", "Category": "X"},
    {"Date": "2024-04-01", "Amount": "£1,234.56", "Supplier": "Acme Limited", "Ref": "", "Postcode": "",
     "Company": "", "Charity": "1123456", "VCSE": "Y", "Expense": "", "Service": "", "Category": ""},
    {"Date": "31/02/2024", "Amount": "ten", "Supplier": "Acme", "Ref": "T3", "Postcode": "nowhere",
     "Company": "ZZ1", "Charity": "", "VCSE": "maybe", "Expense": "x" * 201, "Service": "", "Category": ""},
    {"Date": "", "Amount": "", "Supplier": "", "Ref": "", "Postcode": "", "Company": "", "Charity": "", "VCSE": "",
     "Expense": "", "Service": "", "Category": ""},
    {"Date": "44790", "Amount": "(5.00)", "Supplier": "!!!", "Ref": "T5", "Postcode": "", "Company": "",
     "Charity": "", "VCSE": "", "Expense": "", "Service": "", "Category": ""},
    {"Date": "01/04/2024", "Amount": "5", "Supplier": "Acme", "Ref": "r" * 121, "Postcode": "", "Company": "",
     "Charity": "", "VCSE": "", "Expense": "", "Service": "", "Category": ""},
]


def _outcome(check):
    try:
        return check()
    except lines.LineProblem as problem:
        return str(problem)


@pytest.mark.parametrize("values", CHECKER_ROWS)
def test_the_checker_gives_what_parse_line_gives_reasons_included(values):
    checker = lines.LineChecker(CHECKER_MAPPING)
    for _ in range(2):  # the second time from its caches
        fast = _outcome(lambda: checker.check(7, values))
        slow = _outcome(lambda: lines.parse_line(7, values, CHECKER_MAPPING))
        if isinstance(slow, str):
            assert fast == slow
        else:
            assert fast == (slow.transaction_ref, slow.payment_date, slow.month, slow.amount_pence, slow.supplier,
                            slow.expense_type, slow.service_area, slow.category)


def test_the_checker_normalises_each_distinct_supplier_once(monkeypatch):
    calls = []
    real = lines.normalise_supplier_name
    monkeypatch.setattr(lines, "normalise_supplier_name", lambda name: calls.append(name) or real(name))
    checker = lines.LineChecker(CHECKER_MAPPING)
    for n in range(1000):
        checker.check(n, {**CHECKER_ROWS[0], "Ref": f"T{n}", "Supplier": f"Supplier {n % 3}"})
    assert sorted(calls) == ["Supplier 0", "Supplier 1", "Supplier 2"]


def test_the_checker_caches_stay_small_and_right(monkeypatch):
    monkeypatch.setattr(lines, "CACHE_LIMIT", 5)
    checker = lines.LineChecker(CHECKER_MAPPING)
    for n in range(50):
        row = {**CHECKER_ROWS[0], "Supplier": f"Supplier {n}", "Date": f"{n % 28 + 1:02d}/04/2024"}
        assert checker.check(n, row)[4].normalised_name == f"supplier {n}"
        assert checker.check(n, row)[1].day == n % 28 + 1
    assert len(checker._suppliers) <= 5 and len(checker._dates) <= 5


def test_a_supplier_name_without_letters_is_a_bad_line_not_a_failed_import(partner):
    rows = [HEADER, ["01/04/2024", "T1", "Acme Ltd", "", "5", ""], ["01/04/2024", "T2", "!!!", "", "5", ""]]
    outcome = run(partner, upload(partner, csv_bytes(rows), "a.csv"))
    assert (outcome.status, outcome.rejected) == ("rejected", 1)
    with tenant_context(partner.id):
        problem = db.session.scalar(select(SpendImportProblem))
    assert (problem.line_number, problem.reason) == (3, "supplier name '!!!' has no letters or digits")


def test_lines_with_and_without_references_reimport_without_double_counting(partner):
    # A line without a reference is keyed by its content and occurrence, counting the lines of
    # the same content that do have one: a re-import must find the same keys.
    rows = [HEADER, ["01/04/2024", "T1", "Acme", "", "5", ""], ["01/04/2024", "", "Acme", "", "5", ""],
            ["01/04/2024", "", "Acme", "", "5", ""], ["02/04/2024", "", "Beta", "", "7", ""]]
    first = run(partner, upload(partner, csv_bytes(rows), "a.csv"))
    second = run(partner, upload(partner, csv_bytes(rows), "a.csv"))
    assert (first.imported, second.imported, second.duplicates) == (4, 0, 4)
    assert tuple(line_totals(partner)) == (4, 2_200)
    with tenant_context(partner.id):
        refs = set(db.session.scalars(select(SpendLine.transaction_ref)))
    assert "T1" in refs and sum(ref.startswith("auto:") and ref.endswith(":3") for ref in refs) == 1
