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


def read_lines(path: Path) -> tuple[list[str], list[list[str]]]:
    """The header and the lines, read with nothing of the portal's: a line with every cell empty is not a line."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    rows = csv.reader(text.splitlines())
    header = next(rows)
    return header, [row for row in rows if any(cell.strip() for cell in row)]


def pence_of(cell: str) -> int:
    return int(Decimal(cell.replace(",", "").replace("£", "").strip()) * 100)


def independent_truth(path: Path, amount_column: str) -> tuple[int, int]:
    """Lines and net total in pence of the file's own amount column."""
    header, rows = read_lines(path)
    at = header.index(amount_column)
    return len(rows), sum(pence_of(row[at]) for row in rows)


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


@pytest.mark.parametrize("name", ["manchester-spend-2022-04.csv", "calderdale-spend-2022-08.csv"])
def test_a_real_files_totals_equal_every_measure_worked_out_line_by_line(council, real_file, name):
    """Placed and classed by hand (the registers' work), do a real file's totals equal the rule applied line by line?"""
    from portal.spend import totals
    from portal.spend.models import SpendTotal
    from portal.suppliers.models import Supplier

    from .procurable_oracle import MEASURES, breakdown_keys, line_measures
    from .totals_fixtures import financial_periods

    import_as_proposed(council, real_file(name))
    network = council.network
    # Every supplier placed and classed by a rule of its id, as the registers would leave them.
    places = ("based", "branched", "wider", "region", "elsewhere", None)
    kinds = ("private", "private", "vcse", "public", "tax", "pension", "individual", "sole_trader", "unknown")
    suppliers = {}
    for supplier in db.session.scalars(select(Supplier).where(Supplier.network_id == network.id)):
        n = supplier.id
        values = {"locality": places[n % 6], "kind": kinds[n % 9], "is_sme": (True, False, None)[n % 3],
                  "employee_owned": n % 7 == 0, "living_wage_accredited": n % 4 == 0,
                  "district_code": None if n % 6 == 5 else f"E0800{n % 40:04d}",
                  "ward_code": None if n % 5 == 0 else f"E0500{n % 90:04d}",
                  "imd_decile": None if n % 8 == 0 else n % 10 + 1,
                  # The lead's word on a few: local, or not.
                  "local_override": (None, None, None, True, None, False, None)[n % 7]}
        for key, value in values.items():
            setattr(supplier, key, value)
        suppliers[n] = values
    db.session.commit()
    totals.recompute_all(db.session, network)
    db.session.commit()

    expected: dict = {}
    with tenant_context(council.id):
        lines = db.session.execute(select(SpendLine.month, SpendLine.amount_pence, SpendLine.supplier_id, SpendLine.category)).all()
        stored = {(r.period_type, r.period_start, r.breakdown, r.key): {m: getattr(r, m) for m in MEASURES}
                  for r in db.session.scalars(select(SpendTotal))}
    assert any(line.supplier_id is None for line in lines) == (name.startswith("manchester"))
    for line in lines:
        supplier = suppliers.get(line.supplier_id)
        measures = line_measures(line.amount_pence, supplier, network.excluded_kinds)
        for period_type, start in financial_periods(line.month, network.financial_year_start_month).items():
            for breakdown, key in breakdown_keys(supplier, line.category).items():
                row = expected.setdefault((period_type, start, breakdown, key), dict.fromkeys(MEASURES, 0))
                for measure, value in measures.items():
                    row[measure] += value
    assert stored == expected
    year = next(v for k, v in expected.items() if k[0] == "year" and k[2] == "all")
    assert 0 < year["procurable_pence"] < year["total_pence"] and all(year[m] for m in MEASURES)
