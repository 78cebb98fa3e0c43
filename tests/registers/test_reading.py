"""Does each official file read by its published header, and say clearly what is wrong when it does not?"""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pytest

from portal.registers import layouts, samples
from portal.registers.layouts import RegisterFileProblem
from portal.registers.reading import date_in_name, mutual_number, open_register_file


def _rows(register, path, **options):
    source = open_register_file(register, path, **options)
    return source, list(source.rows())


def test_the_companies_house_header_is_the_published_one_with_its_leading_spaces(tmp_path):
    path = samples.write_companies(tmp_path / "BasicCompanyDataAsOneFile-2026-11-01.zip", [{"name": "A", "number": "1"}])
    with zipfile.ZipFile(path) as archive:
        [member] = archive.namelist()
        header = archive.read(member).decode().splitlines()[0]
    assert member == "BasicCompanyDataAsOneFile-2026-11-01.csv"
    assert header.startswith("CompanyName, CompanyNumber,RegAddress.CareOf,RegAddress.POBox,RegAddress.AddressLine1,"
                             " RegAddress.AddressLine2,RegAddress.PostTown,")
    assert "URI,PreviousName_1.CONDATE, PreviousName_1.CompanyName, PreviousName_2.CONDATE," in header
    assert header.endswith(" PreviousName_10.CompanyName,ConfStmtNextDueDate, ConfStmtLastMadeUpDate")


def test_a_company_row_gives_its_number_name_place_class_and_every_name(tmp_path):
    path = samples.write_companies(tmp_path / "BasicCompanyDataAsOneFile-2026-11-01.zip", [
        {"name": "ACME WIDGETS LIMITED", "number": "01234567", "postcode": "s60  1aa", "address": "1 High St",
         "town": "ROTHERHAM", "category": "Private Limited Company", "status": "Active",
         "accounts_category": "SMALL", "sic": ["25990 - Manufacture of other fabricated metal products n.e.c.",
                                                "46900 - Non-specialised wholesale trade"],
         "previous_names": ["ACME TOOLS LTD", "Acme Widgets Ltd"], "incorporated_on": date(2001, 5, 17)},
        {"name": "OFFSHORE HOLDINGS LTD", "number": "FC012345", "postcode": "KY1-1102", "status": "Dissolved"},
    ])
    source, read = _rows("companies", path)
    companies = [row for table, row in read if table == "register_companies"]
    names = [row for table, row in read if table == "register_company_names"]
    assert source.published_on == date(2026, 11, 1)
    assert companies[0] == (
        "01234567", "ACME WIDGETS LIMITED", "S60 1AA", "1 High St, ROTHERHAM, ENGLAND", "Private Limited Company",
        "Active", "SMALL", "25990 - Manufacture of other fabricated metal products n.e.c.; 46900 - Non-specialised wholesale trade",
        date(2001, 5, 17))
    # A postcode that is not a UK one is no postcode at all; the dissolved company is kept, with its status.
    assert companies[1][0] == "FC012345" and companies[1][2] is None and companies[1][5] == "Dissolved"
    # The current name and each previous one, keyed as suppliers' names are; "Acme Widgets Ltd" is the current key again.
    assert [(n[1], n[2], n[4]) for n in names] == [
        ("01234567", "acme widgets", True), ("01234567", "acme tools", False), ("FC012345", "offshore holdings", True)]
    assert [n[0] for n in names] == [1, 2, 3]


def test_a_bare_csv_and_every_part_of_a_split_download_are_read(tmp_path):
    bare = samples.write_companies(tmp_path / "BasicCompanyDataAsOneFile-2026-11-01.csv", [{"name": "A", "number": "1"}],
                                   zipped=False)
    assert [row[0] for table, row in _rows("companies", bare)[1] if table == "register_companies"] == ["00000001"]
    for part in (1, 2):
        samples.write_companies(tmp_path / f"BasicCompanyData-2026-11-01-part{part}_2.zip",
                                [{"name": f"Part {part}", "number": str(part * 10)}])
    source, read = _rows("companies", tmp_path / "BasicCompanyData-2026-11-01-part2_2.zip")
    assert [row[0] for table, row in read if table == "register_companies"] == ["00000010", "00000020"]
    assert source.bytes_read == source.bytes_total > 0


def test_one_part_of_a_split_download_alone_is_refused(tmp_path):
    samples.write_companies(tmp_path / "BasicCompanyData-2026-11-01-part1_3.zip", [{"name": "A", "number": "1"}])
    with pytest.raises(RegisterFileProblem, match="part2_3.zip, BasicCompanyData-2026-11-01-part3_3.zip"):
        open_register_file("companies", tmp_path / "BasicCompanyData-2026-11-01-part1_3.zip")


def test_a_companies_file_missing_columns_names_them(tmp_path):
    path = tmp_path / "BasicCompanyDataAsOneFile-2026-11-01.csv"
    path.write_text("CompanyName, CompanyNumber,RegAddress.PostCode\n\"A\",\"1\",\"S60 1AA\"\n")
    with pytest.raises(RegisterFileProblem, match=r"no CompanyStatus|CompanyCategory, CompanyStatus") as refused:
        list(open_register_file("companies", path).rows())
    assert "PreviousName_10.CompanyName" in str(refused.value)


def test_the_charity_extract_gives_main_charities_with_their_company_numbers(tmp_path):
    path = samples.write_charities(tmp_path / "publicextract.charity.zip", [
        {"number": "1123456", "name": "Rotherham Food Bank", "postcode": "S60 2AB", "company_number": "6543210"},
        {"number": "1123456", "linked": "1", "name": "Rotherham Food Bank Shop"},
        {"number": "502010", "name": "Old Almshouse Trust", "status": "Removed", "postcode": ""},
    ], extract_date=date(2026, 10, 28))
    with zipfile.ZipFile(path) as archive:
        assert archive.read("publicextract.charity.txt").startswith("\ufeffdate_of_extract\torganisation_number".encode())
    source, read = _rows("charities", path)
    assert source.published_on == date(2026, 10, 28)
    assert [row for _, row in read] == [
        ("1123456", "Rotherham Food Bank", "rotherham food bank", "rotherham", "S60 2AB", "Registered", "06543210"),
        ("502010", "Old Almshouse Trust", "old almshouse trust", "old", None, "Removed", None),
    ]


def test_a_charity_whose_activities_break_across_lines_is_still_one_row(tmp_path):
    path = samples.write_charities(tmp_path / "publicextract.charity.txt", [
        {"number": "1000001", "name": "Lines Trust", "charity_activities": "Helps people.\nAlso runs a cafe."},
        {"number": "1000002", "name": "Next Trust"}])
    assert [row[0] for _, row in _rows("charities", path)[1]] == ["1000001", "1000002"]


@pytest.mark.parametrize("layout", ["nspl", "onspd"])
def test_two_directory_releases_map_their_different_column_names(tmp_path, layout):
    path = samples.write_postcodes(tmp_path / f"{layout.upper()}_FEB_2025_UK.zip", [
        {"postcode": "S60 1AA", "district": "E08000018", "ward": "E05014887", "lsoa": "E01007634",
         "region": "E12000003", "country": "E92000001", "imd": 1},
        {"postcode": "S601BB", "district": "E08000018", "ward": "E05014888", "lsoa": "E01007635",
         "region": "E12000003", "country": "E92000001", "imd": 32844},
        {"postcode": "CF10 1AA", "district": "W06000015", "ward": "W05001000", "lsoa": "W01001900",
         "region": "W99999999", "country": "W92000004", "imd": 400, "terminated": "202203"},
    ], layout=layout)
    header = zipfile.ZipFile(path).read(f"Data/{path.stem}.csv").decode().splitlines()[0].split(",")
    assert ("laua" in header) == (layout == "nspl") and ("lad25cd" in header) == (layout == "onspd")
    source, read = _rows("postcodes", path)
    assert source.published_on == date(2025, 2, 1)
    assert [row for _, row in read] == [
        ("S60 1AA", "E08000018", "E05014887", "E01007634", "E12000003", "E92000001", 1, 1, False),
        ("S60 1BB", "E08000018", "E05014888", "E01007635", "E12000003", "E92000001", 32844, 10, False),
        # Wales ranks its own 1,909 areas: rank 400 is in its third decile (in England's 32,844 it would be the first).
        ("CF10 1AA", "W06000015", "W05001000", "W01001900", "W99999999", "W92000004", 400, 3, True),
    ]


def test_a_directory_missing_a_column_says_what_is_missing_and_what_it_has(tmp_path):
    text = io.StringIO()
    header = [h for h in layouts.NSPL_HEADER if h != "imd"]
    csv.writer(text).writerow(header)
    path = tmp_path / "NSPL_MAY_2024_UK.csv"
    path.write_text(text.getvalue() + "S60 1AA,S60 1AA,S60 1AA\n")
    with pytest.raises(RegisterFileProblem) as refused:
        list(open_register_file("postcodes", path).rows())
    message = str(refused.value)
    assert "no column for imd_rank (one of imd, imd19ind" in message
    assert "The file's columns are: pcd, pcd2, pcds, dointr, doterm" in message and "laua" in message


def test_the_directory_names_files_give_area_names(tmp_path):
    path = samples.write_postcodes(tmp_path / "NSPL_MAY_2024_UK.zip", [{"postcode": "S60 1AA", "district": "E08000018"}],
                                   area_names={"LA_UA names and codes UK as at 04_24.csv": [("E08000018", "Rotherham")],
                                               "Ward names and codes UK as at 05_24.csv": [("E05014887", "Boston Castle")],
                                               "Region names and codes EN as at 12_20.csv": [("E12000003", "Yorkshire and The Humber")]})
    source, read = _rows("postcodes", path)
    assert source.tables == ("register_postcodes", "register_area_names")
    assert sorted(row for table, row in read if table == "register_area_names") == [
        ("E05014887", "Boston Castle"), ("E08000018", "Rotherham"), ("E12000003", "Yorkshire and The Humber")]


def test_the_mutuals_export_gives_society_numbers_as_spend_files_write_them(tmp_path):
    path = samples.write_mutuals(tmp_path / "mutuals.csv", [
        {"number": "29627R", "name": "Sheffield Bakers Co-operative Limited", "postcode": "S1 2AB"},
        {"number": "2398RS", "name": "Highland Hall Society", "society_type": "Registered Society - Community Benefit",
         "postcode": "", "address": "1 Main St, Inverness, IV1 1AA", "country": "Scotland"},
        {"number": "", "name": "No number"},
    ])
    source, read = _rows("mutuals", path)
    assert [row for _, row in read] == [
        ("IP29627R", "Sheffield Bakers Co-operative Limited", "sheffield bakers co operative", "sheffield", "S1 2AB",
         "Registered Society - Co-operative", "Registered"),
        ("SP02398R", "Highland Hall Society", "highland hall society", "highland", "IV1 1AA",
         "Registered Society - Community Benefit", "Registered"),
    ]
    assert source.rows_skipped == 1
    assert mutual_number("IP 29627R") == "IP29627R" and mutual_number("123R", "Northern Ireland") == "NP00123R"


def test_a_mutuals_file_without_the_columns_is_refused_clearly(tmp_path):
    path = tmp_path / "mutuals.csv"
    path.write_text("Firm,Town\nA,B\n")
    with pytest.raises(RegisterFileProblem, match="no column for number .* The file's columns are: Firm, Town"):
        list(open_register_file("mutuals", path).rows())


def test_publication_dates_come_from_the_file_names():
    assert date_in_name("BasicCompanyDataAsOneFile-2026-11-01.zip") == date(2026, 11, 1)
    assert date_in_name("NSPL_MAY_2024_UK.zip") == date(2024, 5, 1)
    assert date_in_name("ONSPD_FEB_2025.zip") == date(2025, 2, 1)
    assert date_in_name("publicextract.charity.zip") is None


def test_a_zip_bomb_is_refused_before_any_row_is_read(tmp_path):
    path = tmp_path / "BasicCompanyDataAsOneFile-2026-11-01.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("BasicCompanyDataAsOneFile-2026-11-01.csv", samples.companies_csv([]) + " " * (50 << 20))
    with pytest.raises(RegisterFileProblem, match="expands .* times"):
        list(open_register_file("companies", path).rows())


def test_cells_too_long_for_their_columns_are_skipped_not_fatal(tmp_path):
    path = samples.write_companies(tmp_path / "BasicCompanyDataAsOneFile-2026-11-01.zip", [
        {"name": "TOO LONG LTD", "number": "123456789"}, {"name": "FINE LTD", "number": "12345678"}])
    source, read = _rows("companies", path)
    assert [row[0] for table, row in read if table == "register_companies"] == ["12345678"]
    assert source.rows_skipped == 1
    path = samples.write_postcodes(tmp_path / "NSPL_MAY_2024_UK.csv", [{"postcode": "S60 1AA", "imd": "99999999999"}])
    assert [row[6] for _, row in _rows("postcodes", path)[1]] == [None]


@pytest.mark.parametrize("value", ["S60 1AA", " S60 1AA ", "\u00a0EC1A 1BB", "s60 1aa", "S601AA", "GIR 0AA", "W1A 0AX",
                                   "QQ1 1AA", "S60  1AA", "S60 1AAA", "M1 1AE\t", "ZZ"])
def test_a_plain_postcode_is_taken_as_it_is_only_when_normalising_would_give_it_back(value):
    from portal.registers.reading import _postcode
    from portal.spend.normalise import normalise_postcode

    try:
        expected = normalise_postcode(value)
    except ValueError:
        expected = None
    assert _postcode(value) == expected
