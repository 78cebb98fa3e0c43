"""Are evidence files kept under names no one can guess, and out of every other tenant's reach?"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest

from portal.extensions import db
from portal.social_value import commitments, contracts, delivery, evidence
from portal.social_value.problems import SocialValueProblem
from tenants import network_wide, tenant_context

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def report(partners, make_contract, measure):
    council, _ = partners
    contract_id = make_contract(council)
    with tenant_context(council.id):
        contract = contracts.get_contract(db.session, contract_id)
        c = commitments.record_commitment(db.session, contract, measure("DEMO-02"), committed_on=date(2024, 4, 1), quantity=52)
        r = delivery.record_delivery(db.session, c, period_start=date(2024, 4, 1), period_end=date(2024, 6, 30), quantity=10)
        db.session.commit()
        return r.id


def store(partner, report_id, name, content):
    with tenant_context(partner.id):
        r = delivery.get_report(db.session, report_id)
        kept = evidence.store_evidence(db.session, r, name, io.BytesIO(content))
        db.session.commit()
        return kept.id, kept.stored_name, kept.content_type


def test_a_file_is_stored_under_a_random_name_with_its_type_sniffed(app, partners, report, app_ctx):
    council, _ = partners
    evidence_id, stored_name, content_type = store(council, report, "../../etc/timesheets.pdf", PDF)
    assert re.fullmatch(r"[0-9a-f]{32}", stored_name) and content_type == "application/pdf"
    path = Path(app.config["INSTANCE_DIR"]) / "evidence" / str(council.id) / stored_name
    assert path.read_bytes() == PDF
    with tenant_context(council.id):
        kept, handle = evidence.open_evidence(db.session, evidence_id)
        with handle:
            assert handle.read() == PDF
        assert kept.original_filename == "timesheets.pdf" and kept.size_bytes == len(PDF) and len(kept.sha256) == 64


def test_another_partner_a_network_wide_read_or_no_tenant_cannot_open_it(partners, report, app_ctx):
    council, police = partners
    evidence_id, _, _ = store(council, report, "t.pdf", PDF)
    for scope in (tenant_context(police.id), network_wide([council.id, police.id], "test")):
        with scope, pytest.raises(evidence.EvidenceNotFound):
            evidence.open_evidence(db.session, evidence_id)
    with pytest.raises(evidence.EvidenceNotFound):
        evidence.open_evidence(db.session, evidence_id)


def test_office_files_images_and_csv_are_accepted_by_content_and_others_refused(partners, report, app_ctx):
    council, _ = partners
    xlsx = io.BytesIO()
    with zipfile.ZipFile(xlsx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert store(council, report, "a.xlsx", xlsx.getvalue())[2].endswith("spreadsheetml.sheet")
    assert store(council, report, "a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20)[2] == "image/png"
    assert store(council, report, "a.csv", b"ward,count\nHoyland,3\n")[2] == "text/csv"
    for name, content in (("a.exe", b"MZ\x90\x00\x03\x00"), ("a.zip", b"PK\x03\x04junk"), ("e.pdf", b"")):
        with pytest.raises(SocialValueProblem):
            store(council, report, name, content)


def test_a_file_over_the_size_limit_is_refused_and_leaves_nothing(app, partners, report, app_ctx, monkeypatch):
    council, _ = partners
    monkeypatch.setattr(evidence, "MAX_BYTES", 1000)
    folder = Path(app.config["INSTANCE_DIR"]) / "evidence" / str(council.id)
    before = set(folder.iterdir()) if folder.exists() else set()
    with pytest.raises(SocialValueProblem, match="larger than"):
        store(council, report, "big.pdf", PDF + b"0" * 2000)
    assert set(folder.iterdir()) == before
