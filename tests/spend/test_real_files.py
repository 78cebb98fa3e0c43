"""Does each real council file, imported with the columns the page proposes and nothing else, count to the penny?

The truth is computed here independently of the portal (the csv module, Decimal, the file's
own amount column) and checked against the figures ../shared/data/real/README.md gives.
"""
from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.spend import importing
from portal.spend.models import SpendImport, SpendLine
from tenants import tenant_context

# file: (lines, net total in pence as the README gives them, the amount column as published)
REAL_SPEND_FILES = {
    "calderdale-spend-2022-08.csv": (1_956, 1_590_150_875, "Net Amount"),
    "leeds-spend-2011-01.csv": (8_837, 6_548_394_563, "Net Amount"),
    "darlington-spend-2022-08.csv": (1_863, 1_283_649_433, "Invoice Line Value (net of VAT)"),
    "manchester-spend-2022-04.csv": (3_600, 8_547_471_885, "Net Amount"),
    "northtyneside-spend-2022-06_p.csv": (16_113, 36_491_457, "Net Amount"),
}


def independent_truth(path: Path, amount_column: str) -> tuple[int, int]:
    """Lines and net total in pence, read with nothing of the portal's: a line with every cell empty is not a line."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    rows = csv.reader(text.splitlines())
    header = next(rows)
    at = header.index(amount_column)
    lines, pence = 0, 0
    for row in rows:
        if not any(cell.strip() for cell in row):
            continue
        lines += 1
        pence += int(Decimal(row[at].replace(",", "").replace("£", "").strip()) * 100)
    return lines, pence


@pytest.fixture
def council(make_partner, make_network):
    return make_partner("A council", make_network("A network", local_area=("M1", "DL1", "NE29")))


def import_as_proposed(council, path: Path) -> int:
    """Upload, keep the mapping the page proposes, import: the officer's only choice is 'Import'."""
    with tenant_context(council.id):
        with open(path, "rb") as stream:
            spend_import = importing.store_upload(db.session, council, None, path.name, stream)
        _headers, proposed = importing.proposed_mapping(db.session, spend_import)
        spend_import.column_mapping = proposed
        spend_import.status = "queued"
        db.session.commit()
        importing.run_import(db.session, spend_import.id)
        db.session.commit()
        return spend_import.id


@pytest.mark.parametrize("name", sorted(REAL_SPEND_FILES))
def test_a_real_file_imports_every_line_to_the_penny_and_again_adds_nothing(council, real_file, name):
    path = real_file(name)
    lines, pence, amount_column = REAL_SPEND_FILES[name]
    assert independent_truth(path, amount_column) == (lines, pence)

    import_id = import_as_proposed(council, path)
    with tenant_context(council.id):
        spend_import = db.session.get(SpendImport, import_id)
        held = db.session.execute(select(func.count(SpendLine.id), func.sum(SpendLine.amount_pence))).one()
        assert (spend_import.status, spend_import.imported_count, spend_import.rejected_count) == ("imported", lines, 0)
        assert spend_import.already_held_count == 0 and spend_import.net_total_pence == pence
    assert tuple(held) == (lines, pence)

    again = import_as_proposed(council, path)
    with tenant_context(council.id):
        spend_import = db.session.get(SpendImport, again)
        assert (spend_import.status, spend_import.imported_count, spend_import.already_held_count) == ("imported", 0, lines)
        assert tuple(db.session.execute(select(func.count(SpendLine.id), func.sum(SpendLine.amount_pence))).one()) == (lines, pence)


def test_manchesters_redacted_payees_count_and_never_become_suppliers(council, real_file):
    from portal.suppliers.models import Supplier

    import_as_proposed(council, real_file("manchester-spend-2022-04.csv"))
    with tenant_context(council.id):
        unnamed = db.session.execute(
            select(func.count(SpendLine.id), func.count(SpendLine.supplier_id)).where(SpendLine.payee_unnamed)).one()
    assert tuple(unnamed) == (201, 0)
    assert not db.session.scalar(select(func.count(Supplier.id)).where(Supplier.name.ilike("%redacted%")))
