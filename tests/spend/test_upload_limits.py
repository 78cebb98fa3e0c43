"""Does an upload too big, of the wrong type, or a zip bomb get a clear refusal, and is nothing
uploaded ever kept where the web server could serve or run it?"""
from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.spend import reading
from portal.spend.models import SpendImport
from tenants import tenant_context

GOOD = b"Date,Transaction Number,Supplier Name,Net Amount\n01/04/2024,T1,Acme Ltd,10.00\n"


def upload(client, content: bytes, name: str):
    return client.post("/spend/imports", data={"spend_file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def import_count(officer) -> int:
    with tenant_context(officer.memberships[0].organisation_id):
        return db.session.scalar(select(func.count(SpendImport.id)))


def test_a_body_over_the_upload_limit_gets_the_file_too_large_page_and_nothing_is_kept(app, officer, sign_in, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    response = upload(sign_in(officer), GOOD + b"9" * 8192, "big.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "The file is too large" in page and "govuk-heading-l" in page
    assert import_count(officer) == 0


def test_the_default_upload_limit_is_200_mb(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 200 * 1024 * 1024


def _bomb(size: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
            block = b"\0" * (1024 * 1024)
            for _ in range(size // len(block)):
                stream.write(block)
    return out.getvalue()


def test_a_zip_bomb_named_xlsx_is_refused_at_upload_with_a_reason(officer, sign_in):
    bomb = _bomb(20 * 1024 * 1024)
    assert len(bomb) < 100 * 1024  # 20 MB of zeros in a few kB
    response = upload(sign_in(officer), bomb, "april.xlsx")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "govuk-error-summary" in page and "zip bomb" in page
    assert import_count(officer) == 0


@pytest.mark.parametrize("content, name", [
    (b"%PDF-1.4\n%%EOF\n", "april.csv"),
    (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "april.xlsx"),
    (b"#!/bin/sh\nrm -rf /\n\x00", "april.csv"),
])
def test_a_file_whose_content_is_not_a_spend_file_is_refused_whatever_its_name(officer, sign_in, content, name):
    response = upload(sign_in(officer), content, name)
    assert response.status_code == 400 and "govuk-error-summary" in response.get_data(as_text=True)
    assert import_count(officer) == 0


def test_a_kept_spend_file_is_outside_the_served_folders_under_a_name_of_ours_and_not_executable(app, officer, sign_in):
    client = sign_in(officer)
    assert upload(client, GOOD, "../../portal/static/evil.csv").status_code == 302
    with tenant_context(officer.memberships[0].organisation_id):
        kept = db.session.scalar(select(SpendImport))
    instance = Path(app.config["INSTANCE_DIR"]).resolve()
    path = (instance / "uploads" / str(kept.organisation_id) / kept.stored_name).resolve()
    assert path.read_bytes() == GOOD
    assert kept.stored_name != kept.filename and "/" not in kept.stored_name and ".." not in kept.stored_name
    assert not path.is_relative_to(Path(app.static_folder).resolve())
    assert not path.is_relative_to(Path(app.config["ASSETS_DIR"]).resolve())
    assert not os.stat(path).st_mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    # No route of the app answers with it.
    for url in (f"/static/{kept.stored_name}", f"/spend/uploads/{kept.organisation_id}/{kept.stored_name}"):
        assert client.get(url).status_code == 404
    assert reading.MAX_UNCOMPRESSED_BYTES == 200 * 1024 * 1024
