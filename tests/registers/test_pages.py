"""Can a network lead see the registers, upload a file and watch it load, and is everyone else kept out?"""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from portal.extensions import db
from portal.registers import samples
from portal.registers.models import RegisterLoad
from portal.registers.tasks import load_register_file

from .conftest import rows


@pytest.fixture
def lead(make_network, make_user):
    return make_user(lead_of=make_network(), email="lead@network.org")


def _upload(client, register, path, name=None):
    return client.post("/network/registers", data={"register": register, "register_file": (io.BytesIO(path.read_bytes()),
                                                                                            name or path.name)},
                       content_type="multipart/form-data")


def test_the_lead_sees_each_register_and_where_to_download_it(lead, sign_in):
    page = sign_in(lead).get("/network/registers").get_data(as_text=True)
    for url in ("https://download.companieshouse.gov.uk/en_output.html",
                "https://register-of-charities.charitycommission.gov.uk/en/register/full-register-download",
                "https://geoportal.statistics.gov.uk", "https://mutuals.fca.org.uk"):
        assert f'href="{url}"' in page
    assert page.count("None loaded yet") == 4 and "Open Government Licence" in page


def test_an_upload_is_stored_queued_then_loaded_and_shown(lead, sign_in, tmp_path, app, monkeypatch):
    queued = []
    monkeypatch.setattr(load_register_file, "apply_async", lambda args=(), kwargs=None, **_: queued.append(args))
    client = sign_in(lead)
    path = samples.write_companies(tmp_path / "BasicCompanyDataAsOneFile-2026-11-01.zip",
                                   [{"name": "ACME LTD", "number": "1"}, {"name": "BETA LTD", "number": "2"}])
    response = _upload(client, "companies", path)
    assert response.status_code == 302
    load_id = int(re.search(r"/loads/(\d+)$", response.headers["Location"]).group(1))
    [(queued_id, stored)] = queued
    assert queued_id == load_id and Path(stored).read_bytes() == path.read_bytes()
    assert Path(stored).is_relative_to(Path(app.instance_path))
    waiting = client.get(f"/network/registers/loads/{load_id}").get_data(as_text=True)
    assert "Waiting for a worker" in waiting and "Check the progress again" in waiting
    record = db.session.get(RegisterLoad, load_id)
    assert (record.register, record.status, record.published_on.isoformat(), record.bytes_total) == (
        "companies", "queued", "2026-11-01", path.stat().st_size)
    assert record.started_by_id == lead.id

    outcome = load_register_file(load_id, stored)  # what the worker runs
    assert outcome["status"] == "loaded" and not Path(stored).exists()
    assert rows("SELECT company_number FROM register_companies ORDER BY 1") == [("00000001",), ("00000002",)]
    done = client.get(f"/network/registers/loads/{load_id}").get_data(as_text=True)
    assert "Register loaded" in done and "2 entries now in use" in done and "<progress" not in done
    index = client.get("/network/registers").get_data(as_text=True)
    assert "BasicCompanyDataAsOneFile-2026-11-01.zip" in index and "1 November 2026" in index


def test_a_load_under_way_shows_how_far_it_has_got(lead, sign_in):
    record = RegisterLoad(register="postcodes", file_name="NSPL_MAY_2024_UK.zip", status="loading",
                          bytes_total=2_000_000, bytes_read=500_000, rows_loaded=640_000)
    db.session.add(record)
    db.session.commit()
    page = sign_in(lead).get(f"/network/registers/loads/{record.id}").get_data(as_text=True)
    assert "Read 500,000 of 2,000,000 bytes (25%): 640,000 entries so far" in page
    assert '<progress class="app-progress" max="2000000" value="500000"' in page


def test_a_failed_load_says_the_register_did_not_change_and_why(lead, sign_in, tmp_path, monkeypatch):
    monkeypatch.setattr(load_register_file, "apply_async", lambda *a, **k: None)
    client = sign_in(lead)
    bad = tmp_path / "NSPL_MAY_2024_UK.csv"
    bad.write_text("pcds,laua\nS60 1AA,E08000018\n")
    response = _upload(client, "postcodes", bad)
    load_id = int(response.headers["Location"].rsplit("/", 1)[1])
    stored = next((Path(client.application.instance_path) / "register_uploads").glob("*NSPL_MAY_2024_UK.csv"))
    assert load_register_file(load_id, str(stored))["status"] == "failed"
    page = client.get(f"/network/registers/loads/{load_id}").get_data(as_text=True)
    assert "The load failed and the register in use has not changed" in page and "no column for ward_code" in page


def test_an_upload_without_a_file_or_of_the_wrong_kind_is_refused(lead, sign_in, tmp_path):
    client = sign_in(lead)
    response = client.post("/network/registers", data={"register": "companies"}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Select the register file" in response.get_data(as_text=True)
    odd = tmp_path / "companies.exe"
    odd.write_bytes(b"MZ")
    response = _upload(client, "companies", odd)
    assert response.status_code == 400 and "must be a zip, CSV or text file" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(RegisterLoad)) == 0


@pytest.mark.parametrize("who", ["partner_admin", "sme"])
def test_people_who_lead_no_network_are_refused(who, make_partner, make_user, make_business, sign_in, tmp_path):
    record = RegisterLoad(register="companies", file_name="x.zip", status="loaded")
    db.session.add(record)
    db.session.commit()
    user = make_user(make_partner(), "admin") if who == "partner_admin" else make_business().owner
    client = sign_in(user)
    assert client.get("/network/registers").status_code == 403
    assert client.get(f"/network/registers/loads/{record.id}").status_code == 403
    path = samples.write_mutuals(tmp_path / "mutuals.csv", [{"number": "1R", "name": "M"}])
    assert _upload(client, "mutuals", path).status_code == 403
    assert db.session.scalar(db.select(db.func.count()).select_from(RegisterLoad)) == 1


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/network/registers")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
