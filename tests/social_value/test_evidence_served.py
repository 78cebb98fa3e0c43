"""Is evidence a partner uploads only ever downloaded, never shown or run in the browser?"""
from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest

from portal.extensions import db
from portal.social_value import delivery, evidence
from portal.social_value.problems import SocialValueProblem
from tenants import tenant_context

from .test_evidence import PDF, report, store  # noqa: F401 (report is a fixture)

HTML_AS_TEXT = b"<html><body><script>alert(document.cookie)</script></body></html>\n"
SVG_AS_TEXT = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>\n'


@pytest.mark.parametrize("name, content", [
    ("timesheets.pdf", PDF),
    ("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + b"0" * 20),
    ("attendance.csv", b"ward,count\nHoyland,3\n"),
])
def test_every_evidence_file_downloads_as_an_attachment_the_browser_may_not_sniff_or_run(
        partners, report, make_user, sign_in, name, content):
    council, _ = partners
    evidence_id, _, content_type = store(council, report, name, content)
    assert content_type in evidence.ALLOWED.values() and "html" not in content_type and "svg" not in content_type
    response = sign_in(make_user(council, "viewer")).get(f"/social-value/evidence/{evidence_id}")
    assert response.status_code == 200 and response.data == content
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Type"].split(";")[0] == content_type
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize("content", [
    b"MZ\x90\x00\x03" + b"\x00" * 100,          # a Windows program
    b"\x7fELF\x02\x01\x01" + b"\x00" * 100,      # a Linux program
    b"GIF89a" + b"\x00" * 100,                   # an image type not allowed
])
def test_programs_and_other_types_are_refused_whatever_their_name(partners, report, content):
    council, _ = partners
    with pytest.raises(SocialValueProblem):
        store(council, report, "timesheets.pdf", content)


def test_kept_evidence_is_outside_the_served_folders_and_not_executable(app, partners, report, app_ctx):
    council, _ = partners
    # A script that is also a well-formed CSV is kept: never as a program.
    _, stored_name, _ = store(council, report, "run-me.sh", b"#!/bin/sh,echo hello\nrm,-rf\n")
    path = (Path(app.config["INSTANCE_DIR"]) / "evidence" / str(council.id) / stored_name).resolve()
    assert path.exists() and not path.is_relative_to(Path(app.static_folder).resolve())
    assert not os.stat(path).st_mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
