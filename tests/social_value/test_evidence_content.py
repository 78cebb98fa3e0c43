"""Is evidence judged by what it is: markup refused, a CSV that parses, no zip bomb ever kept?"""
from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from portal.social_value.problems import SocialValueProblem
from portal.spend import reading

from .test_evidence import report, store  # noqa: F401 (report is a fixture)
from .test_evidence_served import HTML_AS_TEXT, SVG_AS_TEXT


def _kept(app, partner) -> set:
    folder = Path(app.config["INSTANCE_DIR"]) / "evidence" / str(partner.id)
    return set(folder.iterdir()) if folder.exists() else set()


@pytest.mark.parametrize("name, content", [
    ("attendance.csv", HTML_AS_TEXT),
    ("attendance.csv", SVG_AS_TEXT),
    ("page.html", HTML_AS_TEXT),
    ("logo.svg", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("list.csv", b"name,count\nHoyland,3\n<script>alert(1)</script>,4\n"),
    ("list.csv", b"\xef\xbb\xbf  <!DOCTYPE html><p>hello</p>"),
])
def test_html_and_svg_are_refused_whatever_they_are_called_and_nothing_is_kept(app, partners, report, name, content):
    council, _ = partners
    before = _kept(app, council)
    with pytest.raises(SocialValueProblem, match="HTML, SVG or XML"):
        store(council, report, name, content)
    assert _kept(app, council) == before


@pytest.mark.parametrize("content", [
    b"Just a sentence of prose, not a table\nand another line\n",   # text, but one column
    b"a,b\n\x01\x02\x03,\x04\n",                                     # control characters
    b"\x00\x01\x02\x03" * 100,                                        # binary
    b'a,"b\n',                                                        # an unclosed quote
])
def test_a_csv_must_be_text_that_parses_into_columns(partners, report, content):
    council, _ = partners
    with pytest.raises(SocialValueProblem):
        store(council, report, "attendance.csv", content)


@pytest.mark.parametrize("content", [
    b"ward,count\r\nHoyland,3\r\n",
    b"ward;count\nHoyland;3\n",
    "Ward\tCount\nHoyland Milton\t3\nCaf\u00e9 \u2013 \u00e9t\u00e9\t4\n".encode("cp1252"),
])
def test_real_csv_files_are_kept(partners, report, content):
    council, _ = partners
    assert store(council, report, "attendance.csv", content)[2] == "text/csv"


def _office(kind: str, payload: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml" if kind == "xlsx" else "word/document.xml", "<x/>")
        archive.writestr("xl/worksheets/sheet1.xml" if kind == "xlsx" else "word/media/blob.bin", payload)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_an_office_file_compressed_like_a_zip_bomb_is_refused_and_never_stored(app, partners, report, kind):
    council, _ = partners
    before = _kept(app, council)
    bomb = _office(kind, b"\x00" * (4 * 1024 * 1024))  # 4 MB of zeros in a few kB
    assert len(bomb) < 64 * 1024
    with pytest.raises(SocialValueProblem, match="zip bomb"):
        store(council, report, f"figures.{kind}", bomb)
    assert _kept(app, council) == before


def test_an_office_file_too_big_unpacked_is_refused_with_the_spend_imports_limit(app, partners, report, monkeypatch):
    council, _ = partners
    monkeypatch.setattr(reading, "MAX_UNCOMPRESSED_BYTES", 256 * 1024)  # the one check, its limit lowered
    before = _kept(app, council)
    with pytest.raises(SocialValueProblem, match="would unpack to"):
        store(council, report, "figures.xlsx", _office("xlsx", os.urandom(300 * 1024)))
    assert _kept(app, council) == before
    assert store(council, report, "small.xlsx", _office("xlsx", os.urandom(10 * 1024)))[2].endswith("spreadsheetml.sheet")
