"""Does Salford's real contracts register import exactly: every line, every value, its mis-encoded header, "Various" unknown?

The expectations are computed here from the file with the csv module and rules of this test's
own (ISO dates, plain decimal values, Yes/No), never with the portal's parsers.
"""
from __future__ import annotations

import csv
import re
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from portal.extensions import db
from portal.social_value.models import Contract
from tenants import tenant_context

SALFORD = "salford-contracts-2022-07.csv"
UK_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}")


def _day(text):
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError:
        return None


def _pence(text):
    text = text.strip()
    if text in ("", "-"):
        return None
    return int(Decimal(text) * 100)


def _flag(text):
    return {"yes": True, "no": False, "1": True, "0": False}.get(text.strip().lower())


def _company(text):
    text = text.strip()
    if text.isdigit() and text.strip("0"):
        return text.zfill(8)
    if re.fullmatch(r"(IP|SP|NP)[0-9]{5}R|[A-Z]{2}[0-9]{6}", text):
        return text
    return None


def _postcode(text):
    squeezed = "".join(text.upper().split())  # "SK67GH" is SK6 7GH written without its space
    text = f"{squeezed[:-3]} {squeezed[-3:]}"
    return text if UK_POSTCODE.fullmatch(text) else None


def _expected(path):
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    assert header[0] == "\u00ef\u00bb\u00bfDirectorate Name", "the file's first header carries a mis-encoded BOM"
    header[0] = "Directorate Name"
    expected = {}
    for number, cells in enumerate(rows[1:], start=2):
        row = dict(zip(header, cells))
        start, end = _day(row["Start Date"]), _day(row["End Date"])
        if start and end and end < start:
            end = None

        def text(name, row=row):
            return " ".join(row[name].split()) or None

        expected[number] = {
            "as_given": row,
            "reference": text("Contract Reference") or "",
            "title": text("Contract Title"),
            "description": text("Contract Description"),
            "supplier_name_as_given": text("Supplier Company Name"),
            "supplier_postcode": _postcode(row["Supplier Postcode"]),
            "supplier_company_number": _company(row["Company Number"]),
            "annual_value_pence": _pence(row["Annual Value"]),
            "value_pence": _pence(row["Total Contract Value (including extensions)"]),
            "start_date": start,
            "end_date": end,
            "expiry_date": _day(row["Current Expiry Date"]),
            "is_sme": _flag(row["SME Supplier?"]),
            "ojeu_fts": _flag(row["OJEU/FTS?"]),
            "category": text("ProClass Classification"),
            "category_description": text("ProClass Description"),
            "directorate": text("Directorate Name"),
            "procurement_process": text("Process Used"),
            "purchasing_body": text("Purchasing Body"),
            "extension_1_taken": _flag(row["Extension 1 Taken?"]),
            "extension_2_taken": _flag(row["Extension 2 Taken?"]),
        }
    return expected


def test_salfords_register_imports_every_line_and_every_value(council, register, real_file):
    path = real_file(SALFORD)
    expected = _expected(path)
    result = register(council, path)
    assert result.status == "imported", result.failure_reason
    assert (result.line_count, result.error_count, result.added_count) == (360, 0, 360)
    with tenant_context(council.id):
        contracts = {c.line_number: c for c in db.session.scalars(select(Contract))}
    assert sorted(contracts) == sorted(expected), "one contract per line, none lost, none added"
    for number, values in expected.items():
        contract = contracts[number]
        got = {name: getattr(contract, name) for name in values}
        assert got == values, f"line {number}"


def test_various_in_the_sme_flag_is_kept_as_unknown(council, register, real_file):
    path = real_file(SALFORD)
    with open(path, encoding="utf-8", newline="") as handle:
        flags = [row["SME Supplier?"] for row in csv.DictReader(handle)]
    register(council, path)
    with tenant_context(council.id):
        counts = dict(db.session.execute(select(Contract.is_sme, func.count()).group_by(Contract.is_sme)).all())
        various = db.session.scalars(select(Contract).where(Contract.as_given["SME Supplier?"].as_string() == "Various")).all()
    assert flags.count("Various") == 5
    assert counts == {True: flags.count("Yes"), False: flags.count("No"), None: flags.count("Various") + flags.count("")}
    assert len(various) == 5 and all(c.is_sme is None for c in various)


def test_repeated_references_are_separate_contracts(council, register, real_file):
    path = real_file(SALFORD)
    register(council, path)
    with tenant_context(council.id):
        s1161 = db.session.scalar(select(func.count()).where(Contract.reference == "S1161"))
        blank = db.session.scalar(select(func.count()).where(Contract.reference == ""))
    assert (s1161, blank) == (9, 28)


def test_importing_salfords_register_again_changes_nothing(council, register, real_file):
    path = real_file(SALFORD)
    register(council, path)
    with tenant_context(council.id):
        before = [(c.id, c.content_key, c.occurrence, c.title) for c in db.session.scalars(select(Contract).order_by(Contract.id))]
    again = register(council, path)
    assert again.status == "imported"
    assert (again.unchanged_count, again.added_count, again.removed_count, again.changed_count) == (360, 0, 0, 0)
    with tenant_context(council.id):
        after = [(c.id, c.content_key, c.occurrence, c.title) for c in db.session.scalars(select(Contract).order_by(Contract.id))]
    assert after == before


def test_unreadable_values_are_reported_with_their_line_numbers(council, register, real_file):
    from portal.contract_registers.models import ContractRegisterProblem

    result = register(council, real_file(SALFORD))
    with tenant_context(council.id):
        notes = db.session.scalars(select(ContractRegisterProblem).where(ContractRegisterProblem.import_id == result.id)).all()
    assert all(n.severity == "note" for n in notes)
    said = {(n.line_number, n.reason.split(" '")[0]) for n in notes}
    assert (118, "End date") in said, "2022-09-31 does not exist"
    assert (210, "Advertised in OJEU / Find a Tender (yes or no)") in said, "'Noo'"
