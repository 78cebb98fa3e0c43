"""Does importing a spend file keep every good line once, reject bad ones clearly, and change nothing on failure?"""
from __future__ import annotations

import csv
import io
import random
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.spend import importing, lines
from portal.spend.models import SpendImport, SpendImportProblem, SpendLine
from portal.spend.reading import read_spend_file
from portal.suppliers.models import Supplier, SupplierAlias, SupplierMatchCandidate
from portal.suppliers.services import SupplierKey, SupplierResolver
from tenants import tenant_context

CALDERDALE_PENCE = 1_590_150_875
LEEDS_PENCE = 6_548_394_563


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
    assert (outcome.status, outcome.imported, outcome.already_held, outcome.rejected) == ("imported", 1956, 0, 0)
    assert tuple(line_totals(partner)) == (1956, CALDERDALE_PENCE)


def test_reimporting_the_same_file_never_double_counts(partner, real_file):
    path = real_file("calderdale-spend-2022-08.csv")
    run(partner, upload(partner, path))
    again = run(partner, upload(partner, path))
    assert (again.imported, again.already_held) == (0, 1956)
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
            ["02/04/2024", "T3", "Acme Ltd", "S60 1AE", "", "Goods"],
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
    assert "date" in problems[3].lower() and "amount is missing" in problems[4] and "ten pounds" in problems[5]


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
    assert (first.imported, second.imported, second.already_held) == (3, 0, 3)
    assert tuple(line_totals(partner)) == (3, 150_000)


def test_two_identical_lines_sharing_a_reference_are_two_payments(partner):
    rows = [HEADER, ["01/04/2024", "T1", "Acme", "", "5", ""], ["01/04/2024", "T1", "Acme", "", "5", ""],
            ["01/04/2024", "T1", "Acme", "", "7", ""]]
    outcome = run(partner, upload(partner, csv_bytes(rows), "a.csv"))
    assert (outcome.imported, outcome.already_held) == (3, 0)
    assert tuple(line_totals(partner)) == (3, 1_700)


def test_an_xlsx_file_imports_like_a_csv(partner, tmp_path):
    from datetime import date

    from openpyxl import Workbook

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
                            slow.supplier_name, slow.expense_type, slow.service_area, slow.category, slow.content_key)


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


def test_a_supplier_name_without_letters_is_an_unnamed_payee_and_still_counts(partner):
    rows = [HEADER, ["01/04/2024", "T1", "Acme Ltd", "", "5", ""], ["01/04/2024", "T2", "!!!", "", "5", ""]]
    outcome = run(partner, upload(partner, csv_bytes(rows), "a.csv"))
    assert (outcome.status, outcome.imported, outcome.rejected) == ("imported", 2, 0)
    with tenant_context(partner.id):
        line = db.session.scalar(select(SpendLine).where(SpendLine.transaction_ref == "T2"))
    assert (line.payee_unnamed, line.supplier_id, line.supplier_name) == (True, None, "!!!")


def test_lines_with_and_without_references_reimport_without_double_counting(partner):
    rows = [HEADER, ["01/04/2024", "T1", "Acme", "", "5", ""], ["01/04/2024", "", "Acme", "", "5", ""],
            ["01/04/2024", "", "Acme", "", "5", ""], ["02/04/2024", "", "Beta", "", "7", ""]]
    first = run(partner, upload(partner, csv_bytes(rows), "a.csv"))
    second = run(partner, upload(partner, csv_bytes(rows), "a.csv"))
    assert (first.imported, second.imported, second.already_held) == (4, 0, 4)
    assert tuple(line_totals(partner)) == (4, 2_200)
    with tenant_context(partner.id):
        identities = db.session.execute(select(SpendLine.transaction_ref, SpendLine.occurrence)).all()
    assert sorted(identities, key=str) == sorted([("T1", 1), (None, 1), (None, 2), (None, 1)], key=str)


# --- resolving a whole file's suppliers at once gives what one at a time gives ------------------

REGISTER_NAMES = ["acme", "rotherham building services", "rotherham buildings services", "beta care", "gamma trust",
                  "delta print", "delta prints", "epsilon", "zeta foods", "eta taxis", "theta legal", "iota homes"]
POSTCODES = ["S60 1AA", "S61 2BB", "M1 1AA", "HX1 1AA", "LS1 4AP"]
COMPANIES = ["01234567", "07654321", "SC123456", "00000042", "11111111"]
CHARITIES = ["1001001", "1002002", "SC000123", "1003003"]


def existing_register(partner):
    """The same starting register in each network: shared company numbers, nameless postcodes, an override."""
    network = partner.network
    suppliers = [
        Supplier(network_id=network.id, name="ACME LTD", normalised_name="acme", company_number="01234567", postcode="S60 1AA",
                 postcode_district="S60", kind="private", is_local=True),
        Supplier(network_id=network.id, name="Acme", normalised_name="acme", kind="unknown"),
        Supplier(network_id=network.id, name="Beta Care", normalised_name="beta care", charity_number="1001001", kind="vcse"),
        Supplier(network_id=network.id, name="Beta Care Two", normalised_name="beta care", company_number="01234567",
                 postcode="M1 1AA", postcode_district="M1", kind="private", is_local=False),
        Supplier(network_id=network.id, name="Delta Print", normalised_name="delta print", kind="unknown", local_override=True,
                 is_local=True),
        Supplier(network_id=network.id, name="Zeta", normalised_name="zeta foods", postcode="S61 2BB", postcode_district="S61",
                 kind="unknown", is_local=True),
        Supplier(network_id=network.id, name="Zeta Foods Too", normalised_name="zeta foods", postcode="HX1 1AA",
                 postcode_district="HX1", kind="unknown", is_local=False),
    ]
    db.session.add_all(suppliers)
    db.session.flush()
    db.session.add_all([
        SupplierAlias(network_id=network.id, supplier_id=suppliers[0].id, name_as_given="ACME LTD", normalised_name="acme",
                      postcode="S60 1AA"),
        SupplierAlias(network_id=network.id, supplier_id=suppliers[4].id, name_as_given="Delta Print", normalised_name="delta print",
                      postcode=""),
        SupplierAlias(network_id=network.id, supplier_id=suppliers[2].id, name_as_given="Beta Care", normalised_name="beta care",
                      postcode="S60 1AA"),
    ])
    db.session.commit()


def generated_keys(seed: int, count: int) -> list[SupplierKey]:
    rng = random.Random(seed)
    names = REGISTER_NAMES + [f"supplier {n}" for n in range(25)] + [f"supplier {n} ltd" for n in range(0, 25, 3)]
    keys = []
    for _ in range(count):
        normalised = rng.choice(names)
        postcode = rng.choice(POSTCODES + [None, None])
        keys.append(SupplierKey(
            name=rng.choice([normalised.title(), normalised.upper(), normalised + " Limited"]), normalised_name=normalised,
            postcode=postcode, postcode_district=postcode.split(" ")[0] if postcode else None,
            company_number=rng.choice(COMPANIES + [None] * 6), charity_number=rng.choice(CHARITIES + [None] * 8),
            vcse=rng.choice([True, False, None, None]),
        ))
    return keys


def register_snapshot(network_id, results):
    """The network's register and the keys' results, with ids replaced by their order in the register."""
    suppliers = db.session.scalars(select(Supplier).where(Supplier.network_id == network_id).order_by(Supplier.id)).all()
    aliases = db.session.scalars(select(SupplierAlias).where(SupplierAlias.network_id == network_id).order_by(SupplierAlias.id)).all()
    rank = {s.id: n for n, s in enumerate(suppliers)}
    alias_rank = {a.id: n for n, a in enumerate(aliases)}
    candidates = db.session.scalars(select(SupplierMatchCandidate).where(SupplierMatchCandidate.network_id == network_id)).all()
    return {
        "suppliers": [(s.name, s.normalised_name, s.company_number, s.charity_number, s.postcode, s.postcode_district, s.kind,
                       s.local_override, s.is_local) for s in suppliers],
        "aliases": [(rank[a.supplier_id], a.name_as_given, a.normalised_name, a.postcode) for a in aliases],
        "candidates": sorted((rank[c.supplier_id], rank[c.candidate_id], c.score, c.status) for c in candidates),
        "results": [(rank[s], alias_rank[a]) for s, a in results],
    }


@pytest.mark.parametrize("seed, one_at_a_time_first", [(1, 0), (2, 0), (3, 40)])
def test_resolving_a_file_at_once_gives_what_one_at_a_time_gives(partner, make_partner, make_network, seed, one_at_a_time_first):
    other = make_partner("Other Council", make_network("Twin network", local_area=("HX1", "HX2", "HX3", "LS1")))
    keys = generated_keys(seed, 400)
    snapshots = []
    for who, bulk in ((partner, False), (other, True)):
        existing_register(who)
        with tenant_context(who.id):
            resolver = SupplierResolver(db.session, who.network)
            if bulk:
                # Some keys one at a time first (the resolver's cache and pending rows), then the file at once.
                early = [resolver.resolve(key) for key in keys[:one_at_a_time_first]]
                results = early + resolver.resolve_all(keys[one_at_a_time_first:])
            else:
                results = [resolver.resolve(key) for key in keys]
            db.session.commit()
            snapshots.append(register_snapshot(who.network.id, results))
    one_by_one, at_once = snapshots
    assert at_once == one_by_one
    # The mix did exercise every rule: new suppliers, completed ones, and the review queue.
    assert len(one_by_one["suppliers"]) > 30 and len(one_by_one["candidates"]) > 5
    assert one_by_one["suppliers"][1][4] is not None  # the "acme" without a postcode learned one


def test_resolving_a_file_at_once_takes_a_handful_of_statements(partner):
    from sqlalchemy import event

    statements = []
    engine = db.session.get_bind()
    listener = lambda *args: statements.append(args[2])
    keys = generated_keys(7, 2000)
    with tenant_context(partner.id):
        event.listen(engine, "before_cursor_execute", listener)
        try:
            SupplierResolver(db.session, partner.network).resolve_all(keys)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        db.session.rollback()
    assert len(statements) <= 12, statements


def test_reading_a_row_by_position_gives_what_reading_it_by_name_gives(tmp_path):
    rows = [["Ref", "Date", "Supplier", "Net Amount", "Expense Type"], ["T1", "01/04/2024", "Acme", "5", "Food"],
            ["T2", "02/04/2024", "", "-1.00", ""], ["T3", "31/02/2024", "Beta", "x", "Care"], ["T4", "03/04/2024", "Acme", "5"],
            ["T5", "03/04/2024", "Acme", "5", "Food", "extra cell"]]
    path = tmp_path / "spend.csv"
    path.write_bytes(csv_bytes(rows))
    spend_file = read_spend_file(path, "spend.csv")
    mapping = {**spend_file.guess_mapping(), "category": "Not a column of this file"}
    by_position, by_name = lines.LineChecker(mapping, spend_file.headers), lines.LineChecker(mapping)
    for raw in spend_file.rows():
        assert _outcome(lambda: by_position.check_row(raw)) == _outcome(lambda: by_name.check(raw.line_number, raw.values))
        assert raw.cells is None or raw.values == dict(zip(spend_file.headers, raw.cells))
