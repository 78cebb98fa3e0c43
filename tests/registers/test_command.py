"""Does ``flask load-register`` load a file, say what it did, and refuse a bad one clearly?"""
from __future__ import annotations

from portal.registers import samples

from .conftest import latest_load, rows


def test_the_command_loads_a_register_and_reports_it(app, app_ctx, tmp_path):
    path = samples.write_charities(tmp_path / "publicextract.charity.zip", [
        {"number": "1123456", "name": "Rotherham Food Bank", "postcode": "S60 2AB"},
        {"number": "", "name": "No number"}])
    result = app.test_cli_runner().invoke(args=["load-register", "charities", str(path), "--published-on", "2026-11-02"])
    assert result.exit_code == 0, result.output
    assert "Loaded 1 charities from publicextract.charity.zip (published 2 November 2026); 1 rows skipped." in result.output
    assert rows("SELECT charity_number FROM register_charities") == [("1123456",)]
    load = latest_load()
    assert (load.register, load.status, load.published_on.isoformat()) == ("charities", "loaded", "2026-11-02")


def test_the_command_refuses_a_file_that_is_not_the_register(app, app_ctx, tmp_path):
    path = tmp_path / "NSPL_MAY_2024_UK.csv"
    path.write_text("postcode,district\nS60 1AA,E08000018\n")
    result = app.test_cli_runner().invoke(args=["load-register", "postcodes", str(path)])
    assert result.exit_code == 1
    assert "no column for postcode (one of pcds, pcd" in result.output
    assert latest_load().status == "failed"
