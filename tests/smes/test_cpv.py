"""Does the CPV catalogue read codes, show their hierarchy, find them by words or digits, and take the full list?"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook

from portal import cpv
from portal.cpv.importing import CpvFileProblem, read_cpv_file


def test_codes_are_read_with_or_without_their_check_digit():
    assert cpv.parse_code("45210000-2") == cpv.parse_code(" 45210000 ") == "45210000"
    for bad in ("4521", "45210000-22", "abcdefgh", "", "00100000"):
        with pytest.raises(cpv.InvalidCpvCode):
            cpv.parse_code(bad)


def test_the_shipped_catalogue_has_groups_and_classes_of_the_divisions_small_firms_work_in():
    labels = cpv.catalogue()
    for division in ("45", "50", "55", "60", "71", "72", "77", "79", "80", "85", "90", "92", "98", "15", "22", "39"):
        below = [code for code in labels if code.startswith(division) and code != division + "000000"]
        assert below, f"no groups or classes under division {division}"
        assert all(cpv.ancestors(code)[0] in labels for code in below), "every code's division is labelled"
    assert labels["90911200"] == "Building-cleaning services"
    assert labels["45261000"] == "Erection and related works of roof frames and coverings"


def test_the_shipped_files_are_well_formed():
    here = Path(cpv.__file__).parent
    for path in here.glob("*.csv"):
        with path.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        codes = [row["code"] for row in rows]
        assert len(codes) == len(set(codes)), f"{path.name} repeats a code"
        assert all(cpv.parse_code(code) == code and row["label"].strip() for code, row in zip(codes, rows))


def test_the_hierarchy_is_shown_in_words_from_the_division_down():
    assert cpv.hierarchy("45261000") == [
        ("45000000", "Construction work"),
        ("45200000", "Works for complete or part construction and civil engineering work"),
        ("45260000", "Roof works and other special trade construction works"),
        ("45261000", "Erection and related works of roof frames and coverings"),
    ]
    # A code we have no label for falls back to its nearest labelled ancestor.
    assert cpv.hierarchy("45261210")[-1] == ("45261000", "Erection and related works of roof frames and coverings")
    assert cpv.label("45261210") == "Erection and related works of roof frames and coverings (45261210)"


def test_search_by_the_first_digits_lists_the_broadest_first():
    found = [code for code, _ in cpv.search("4526")]
    assert found[0] == "45260000" and "45261000" in found and all(code.startswith("4526") for code in found)
    assert [code for code, _ in cpv.search("45261000-4")] == ["45261000"]


def test_search_by_words_matches_the_start_of_words_in_any_order():
    found = [code for code, _ in cpv.search("cleaning window")]
    assert found == ["90911000", "90911300"]
    assert "90610000" in [code for code, _ in cpv.search("clean")]  # Street-cleaning
    assert not [code for code, name in cpv.search("art") if "part" in name.lower() and "art" not in name.lower().split()]
    assert cpv.search("") == [] and cpv.search("zeppelins") == []
    assert len(cpv.search("services", limit=5)) == 5


# --- the full official list ------------------------------------------------------------------


@pytest.fixture
def instance_catalogue(app):
    with app.app_context():
        path = cpv.instance_catalogue_path()
    yield path
    path.unlink(missing_ok=True)


def _official_rows():
    return [
        ("CODE", "BG", "EN", "FR"),
        ("45261210-9", "x", "Roof-covering work", "Travaux de couverture"),
        ("45261000-4", "x", "Erection and related works of roof frames and coverings", "x"),
        ("not a code", "x", "Broken row", "x"),
        ("45262100-2", "x", "", "x"),
    ]


def test_the_official_spreadsheet_is_imported_into_the_installations_catalogue(app, tmp_path, instance_catalogue):
    workbook = Workbook()
    for row in _official_rows():
        workbook.active.append(row)
    spreadsheet = tmp_path / "cpv_2008_ver_2013.xlsx"
    workbook.save(spreadsheet)
    result = app.test_cli_runner().invoke(args=["cpv-import", str(spreadsheet)])
    assert result.exit_code == 0, result.output
    assert "Imported 2 CPV codes" in result.output
    assert "row 4" in result.output and "row 5: 45262100 has no English label" in result.output
    with app.app_context():
        assert cpv.label("45261210") == "Roof-covering work"
        assert cpv.search("452612") == [("45261210", "Roof-covering work")]
        assert "90911200" in cpv.catalogue()  # the shipped labels stay
    instance_catalogue.unlink()
    with app.app_context():
        assert "45261210" not in cpv.catalogue()


def test_a_semicolon_csv_with_a_label_column_is_read(tmp_path):
    path = tmp_path / "cpv.csv"
    path.write_text("Code;Label\n03000000-1;Agricultural, farming, fishing, forestry and related products\n", encoding="utf-8")
    assert read_cpv_file(path).labels == {"03000000": "Agricultural, farming, fishing, forestry and related products"}


def test_a_file_that_is_not_a_cpv_list_is_refused_with_a_reason(app, tmp_path, instance_catalogue):
    path = tmp_path / "suppliers.csv"
    path.write_text("Supplier,Amount\nAcme,12.00\n", encoding="utf-8")
    with pytest.raises(CpvFileProblem, match="no code"):
        read_cpv_file(path)
    result = app.test_cli_runner().invoke(args=["cpv-import", str(path)])
    assert result.exit_code != 0 and "no code (CODE) column" in result.output
    assert not instance_catalogue.exists()
    empty = tmp_path / "empty.csv"
    empty.write_text("CODE,EN\nnonsense,Thing\n", encoding="utf-8")
    with pytest.raises(CpvFileProblem, match="no CPV codes"):
        read_cpv_file(empty)
