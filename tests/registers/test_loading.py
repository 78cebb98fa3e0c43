"""Is a register loaded whole and swapped in, so a failed load changes nothing and a refresh replaces it?"""
from __future__ import annotations

import zipfile

import pytest

from portal.extensions import db
from portal.registers import chunks, loading, samples
from portal.registers.loading import RegisterLoadFailed, changed_keys_sql
from portal.suppliers.models import Supplier

from .conftest import latest_load, rows

ACME = {"name": "ACME WIDGETS LIMITED", "number": "01234567", "postcode": "S60 1AA", "previous_names": ["ACME TOOLS LTD"]}
BETA = {"name": "BETA BUILDERS LTD", "number": "07654321", "postcode": "S61 2BB", "accounts_category": "FULL"}
GONE = {"name": "GONE AWAY LTD", "number": "SC123456", "postcode": "EH1 1AA", "status": "Dissolved"}


def _companies(tmp_path, rows_, name="BasicCompanyDataAsOneFile-2026-11-01.zip"):
    return samples.write_companies(tmp_path / name, rows_)


def test_a_companies_file_fills_the_companies_and_their_names(load, tmp_path):
    result = load("companies", _companies(tmp_path, [ACME, BETA, GONE]))
    assert (result.rows_loaded, result.rows_skipped) == (3, 0)
    assert rows("SELECT company_number, name, postcode, status FROM register_companies ORDER BY company_number") == [
        ("01234567", "ACME WIDGETS LIMITED", "S60 1AA", "Active"), ("07654321", "BETA BUILDERS LTD", "S61 2BB", "Active"),
        ("SC123456", "GONE AWAY LTD", "EH1 1AA", "Dissolved")]
    assert rows("SELECT company_number, normalised_name, is_current FROM register_company_names ORDER BY id") == [
        ("01234567", "acme widgets", True), ("01234567", "acme tools", False), ("07654321", "beta builders", True),
        ("SC123456", "gone away", True)]
    # The indexes come back with their names after the swap.
    assert rows("SELECT count(*) FROM register_company_names WHERE normalised_name = 'acme tools'") == [(1,)]


def test_loading_next_months_file_replaces_the_register_whole(load, tmp_path):
    load("companies", _companies(tmp_path, [ACME, BETA, GONE]))
    renamed = dict(BETA, name="BETA CONSTRUCTION LTD", previous_names=["BETA BUILDERS LTD"])
    result = load("companies", _companies(tmp_path, [renamed], "BasicCompanyDataAsOneFile-2026-12-01.zip"))
    assert result.published_on.isoformat() == "2026-12-01"
    assert rows("SELECT company_number, name FROM register_companies") == [("07654321", "BETA CONSTRUCTION LTD")]
    assert rows("SELECT normalised_name, is_current FROM register_company_names ORDER BY id") == [
        ("beta construction", True), ("beta builders", False)]
    # A third load still finds the names' id sequence and indexes in place.
    load("companies", _companies(tmp_path, [ACME], "BasicCompanyDataAsOneFile-2027-01-01.zip"))
    assert rows("SELECT company_number FROM register_companies") == [("01234567",)]


def test_a_file_that_breaks_half_way_changes_nothing(load, tmp_path, monkeypatch):
    load("companies", _companies(tmp_path, [ACME, BETA]))
    many = [{"name": f"FIRM {n} LTD", "number": str(10_000_000 + n), "postcode": "S60 1AA"} for n in range(3000)]
    path = tmp_path / "BasicCompanyDataAsOneFile-2026-12-01.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("BasicCompanyDataAsOneFile-2026-12-01.csv", samples.companies_csv(many))
    # Garble the compressed data in the middle (the zip's directory stays whole), as a bad disk or copy would.
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 200] = bytes(200)
    path.write_bytes(bytes(data))
    seen = []
    monkeypatch.setattr(loading._Progress, "counted", lambda self, rows, force=False: seen.append(rows))
    monkeypatch.setattr(loading, "SQLITE_BATCH", 500)
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 16 << 10)  # PostgreSQL reads the file in chunks: several here
    with pytest.raises(RegisterLoadFailed):
        load("companies", path)
    assert seen and seen[-1] > 0  # rows had gone into the copy before the break
    assert rows("SELECT company_number FROM register_companies ORDER BY 1") == [("01234567",), ("07654321",)]
    assert rows("SELECT count(*) FROM register_company_names") == [(3,)]
    failed = latest_load()
    assert failed.status == "failed" and failed.error and failed.finished_at is not None
    assert not _copies_left()


def test_a_download_cut_short_is_refused_as_damaged(load, tmp_path):
    load("companies", _companies(tmp_path, [ACME]))
    path = _companies(tmp_path, [BETA, GONE], "BasicCompanyDataAsOneFile-2026-12-01.zip")
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(RegisterLoadFailed, match="damaged or incomplete zip"):
        load("companies", path)
    assert rows("SELECT company_number FROM register_companies") == [("01234567",)]
    assert latest_load().status == "failed"


def test_a_file_that_fails_after_it_is_read_changes_nothing_either(load, tmp_path):
    load("companies", _companies(tmp_path, [ACME]))
    # The same company twice: found only when the key is built, after every row is in the copy.
    with pytest.raises(RegisterLoadFailed, match="lists one entry twice"):
        load("companies", _companies(tmp_path, [BETA, GONE, BETA], "BasicCompanyDataAsOneFile-2026-12-01.zip"))
    assert rows("SELECT company_number FROM register_companies") == [("01234567",)]
    assert "twice" in latest_load().error
    assert not _copies_left()


def test_an_empty_file_is_refused_rather_than_emptying_the_register(load, tmp_path):
    load("companies", _companies(tmp_path, [ACME]))
    with pytest.raises(RegisterLoadFailed, match="holds no companies"):
        load("companies", _companies(tmp_path, [], "BasicCompanyDataAsOneFile-2026-12-01.zip"))
    assert rows("SELECT count(*) FROM register_companies") == [(1,)]


def test_a_directory_missing_a_column_fails_the_load_with_the_reason(load, tmp_path):
    path = tmp_path / "NSPL_MAY_2024_UK.csv"
    path.write_text("pcds,laua,ward\nS60 1AA,E08000018,E05014887\n")
    with pytest.raises(RegisterLoadFailed, match="no column for lsoa_code"):
        load("postcodes", path)
    assert "The file's columns are: pcds, laua, ward" in latest_load().error


def _copies_left():
    inspector = db.inspect(db.engine)
    return [t for t in inspector.get_table_names() if t.endswith(loading.STAGING)]


def test_progress_is_recorded_as_the_rows_go_in(load, tmp_path, monkeypatch):
    seen = []
    original = loading._Progress._update

    def spy(self, **values):
        seen.append(values)
        original(self, **values)

    monkeypatch.setattr(loading._Progress, "_update", spy)
    monkeypatch.setattr(loading, "SQLITE_BATCH", 500)
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 16 << 10)
    many = [{"name": f"FIRM {n} LTD", "number": str(10_000_000 + n)} for n in range(2500)]
    path = _companies(tmp_path, many)
    load("companies", path, progress_every=1000)
    loaded = [v["rows_loaded"] for v in seen if "rows_loaded" in v and "status" not in v]
    assert loaded and loaded == sorted(loaded) and 0 < loaded[0] < 2500
    assert seen[0]["status"] == "loading" and seen[0]["bytes_total"] == path.stat().st_size
    record = latest_load()
    assert (record.status, record.rows_loaded, record.rows_skipped) == ("loaded", 2500, 0)
    assert record.bytes_read == record.bytes_total == path.stat().st_size
    assert record.published_on.isoformat() == "2026-11-01" and record.finished_at is not None


def _supplier(network, **numbers):
    supplier = Supplier(network_id=network.id, name="S", normalised_name="s", **numbers)
    db.session.add(supplier)
    db.session.commit()
    return supplier


def test_the_changed_keys_are_the_suppliers_numbers_whose_register_row_changed(load, tmp_path, make_network):
    network = make_network()
    load("companies", _companies(tmp_path, [ACME, BETA, GONE, {"name": "UNHELD LTD", "number": "00000009"}]))
    for number in ("01234567", "07654321", "SC123456", "00000042", "00000077"):
        _supplier(network, company_number=number)
    moved = dict(ACME, postcode="S1 2AB")           # held, changed
    new = {"name": "NEWLY MADE LTD", "number": "00000042"}  # held, added
    unheld = {"name": "UNHELD LTD", "number": "00000009", "postcode": "S1 1AA"}  # changed, but no supplier holds it
    result = load("companies", _companies(tmp_path, [moved, BETA, new, unheld], "BasicCompanyDataAsOneFile-2026-12-01.zip"))
    # BETA is unchanged, GONE was removed, 00000077 is in neither file.
    assert result.changed_keys == {"01234567", "00000042", "SC123456"}


def test_postcode_changes_count_a_branch_postcode_too(load, tmp_path, make_network):
    network = make_network()
    place = {"district": "E08000018", "ward": "E05014887", "lsoa": "E01007634", "region": "E12000003",
             "country": "E92000001", "imd": 5000}
    load("postcodes", samples.write_postcodes(tmp_path / "NSPL_MAY_2024_UK.zip", [
        dict(place, postcode="S60 1AA"), dict(place, postcode="S60 2BB"), dict(place, postcode="S60 3CC")]))
    _supplier(network, postcode="S60 1AA")
    _supplier(network, postcode="S99 9ZZ", branch_postcode="S60 2BB")
    _supplier(network, postcode="S60 3CC")
    result = load("postcodes", samples.write_postcodes(tmp_path / "NSPL_AUG_2024_UK.zip", [
        dict(place, postcode="S60 1AA"), dict(place, postcode="S60 2BB", ward="E05014888"),
        dict(place, postcode="S60 3CC", terminated=True)]))
    assert result.changed_keys == {"S60 2BB", "S60 3CC"}
    # A postcode the directory does not hold places nothing.
    assert rows("SELECT count(*) FROM register_postcodes WHERE postcode = 'S99 9ZZ'") == [(0,)]


def test_a_directory_with_no_names_files_keeps_the_area_names_it_had(load, tmp_path):
    place = {"postcode": "S60 1AA", "district": "E08000018", "country": "E92000001"}
    load("postcodes", samples.write_postcodes(tmp_path / "NSPL_MAY_2024_UK.zip", [place],
                                              area_names={"LA_UA names and codes UK as at 04_24.csv": [("E08000018", "Rotherham")]}))
    result = load("postcodes", samples.write_postcodes(tmp_path / "NSPL_AUG_2024_UK.csv", [place]))
    assert result.tables == ("register_postcodes",)
    assert rows("SELECT code, name FROM register_area_names") == [("E08000018", "Rotherham")]


def test_a_newer_index_ranking_more_areas_takes_its_deciles_from_its_own_ranks(load, tmp_path):
    place = {"district": "E08000018", "country": "E92000001"}
    load("postcodes", samples.write_postcodes(tmp_path / "ONSPD_FEB_2026_UK.zip", [
        dict(place, postcode="S60 1AA", imd=1), dict(place, postcode="S60 2BB", imd=20_000),
        dict(place, postcode="S60 3CC", imd=40_000)], layout="onspd"))
    assert rows("SELECT postcode, imd_decile FROM register_postcodes ORDER BY postcode") == [
        ("S60 1AA", 1), ("S60 2BB", 5), ("S60 3CC", 10)]


def test_charities_and_mutuals_load_and_report_their_changed_numbers(load, tmp_path, make_network):
    network = make_network()
    _supplier(network, charity_number="1123456")
    _supplier(network, mutual_number="IP29627R")
    load("charities", samples.write_charities(tmp_path / "publicextract.charity.zip", [
        {"number": "1123456", "name": "Rotherham Food Bank", "postcode": "S60 2AB"}]))
    result = load("charities", samples.write_charities(tmp_path / "publicextract.charity.zip", [
        {"number": "1123456", "name": "Rotherham Food Bank", "postcode": "S60 2AB", "status": "Removed"}]))
    assert result.changed_keys == {"1123456"}
    assert rows("SELECT charity_number, status FROM register_charities") == [("1123456", "Removed")]
    result = load("mutuals", samples.write_mutuals(tmp_path / "mutuals.csv", [
        {"number": "29627R", "name": "Sheffield Bakers Co-operative Limited", "postcode": "S1 2AB"}]))
    assert result.changed_keys == {"IP29627R"}
    assert rows("SELECT mutual_number, postcode FROM register_mutuals") == [("IP29627R", "S1 2AB")]


def test_the_changed_keys_query_compares_every_column_but_the_key():
    sql = changed_keys_sql("companies", "postgresql")
    for column in ("name", "postcode", "address", "category", "status", "accounts_category", "sic_codes", "incorporated_on"):
        assert f"o.{column} IS DISTINCT FROM n.{column}" in sql
    assert "o.company_number IS DISTINCT FROM" not in sql
    assert "branch_postcode" in changed_keys_sql("postcodes", "sqlite")
