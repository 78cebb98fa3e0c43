"""Evidence files kept with a delivery report.

Stored as ``<instance>/evidence/<organisation id>/<random uuid>``: the name is
ours, never the uploader's, and cannot be guessed. The type is sniffed from the
content (the filename and the browser's word are not trusted) and must be one
of PDF, PNG, JPEG, XLSX, DOCX or CSV; each file is at most ``MAX_BYTES``.
Opening a file for download works only in the owning partner's own tenant
context, not a network-wide one.
"""
from __future__ import annotations

import hashlib
import uuid
import zipfile
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from tenants.context import current_scope

from .models import DeliveryReport, EvidenceFile
from .problems import SocialValueProblem

MAX_BYTES = 10 * 1024 * 1024
CHUNK = 1024 * 1024
ALLOWED = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv",
}


class EvidenceNotFound(LookupError):
    """No such file in this partner's context (views answer 404)."""


def evidence_root(root: Path | None = None) -> Path:
    return Path(root) if root is not None else Path(current_app.config["INSTANCE_DIR"]) / "evidence"


def sniff(path: Path) -> str | None:
    """The kind of file (a key of ALLOWED) its content shows, or None."""
    with open(path, "rb") as handle:
        head = handle.read(8192)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "word/document.xml" in names:
                return "docx"
        return None
    return "csv" if _looks_like_text(head) else None


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    for encoding in ("utf-8", "cp1252"):
        try:
            # The last character may be cut in two by the 8 KB read.
            head.decode(encoding) if len(head) < 8192 else head[:-4].decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def store_evidence(
    session: Session, report: DeliveryReport, filename: str, stream: BinaryIO, *, uploaded_by=None, root: Path | None = None,
) -> EvidenceFile:
    """Keep a file with a report, under a random name; refuse a file too big or of a type not allowed."""
    original = Path((filename or "").replace("\\", "/")).name.strip()[:255] or "evidence"
    stored_name = uuid.uuid4().hex
    folder = evidence_root(root) / str(report.organisation_id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / stored_name
    digest, size = hashlib.sha256(), 0
    try:
        with open(path, "xb") as out:
            for chunk in iter(lambda: stream.read(CHUNK), b""):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise SocialValueProblem(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB")
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise SocialValueProblem("The file is empty")
        kind = sniff(path)
        if kind is None:
            raise SocialValueProblem("The file must be a PDF, PNG, JPEG, Excel (.xlsx), Word (.docx) or CSV file")
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    evidence = EvidenceFile(
        organisation_id=report.organisation_id, delivery_report_id=report.id, stored_name=stored_name,
        original_filename=original, content_type=ALLOWED[kind], size_bytes=size, sha256=digest.hexdigest(),
        uploaded_by_id=uploaded_by.id if uploaded_by is not None else None,
    )
    session.add(evidence)
    session.flush()
    return evidence


def open_evidence(session: Session, evidence_id: int, *, root: Path | None = None) -> tuple[EvidenceFile, BinaryIO]:
    """The file's record and an open binary handle, for the owning partner only.

    Raises EvidenceNotFound outside the owner's own tenant context (another
    partner, a network-wide read, or none), or if the file has gone.
    """
    scope = current_scope()
    if scope is None or scope.organisation_id is None:
        raise EvidenceNotFound(evidence_id)
    evidence = session.scalars(select(EvidenceFile).where(EvidenceFile.id == evidence_id)).first()
    if evidence is None or evidence.organisation_id != scope.organisation_id:
        raise EvidenceNotFound(evidence_id)
    folder = (evidence_root(root) / str(evidence.organisation_id)).resolve()
    path = (folder / evidence.stored_name).resolve()
    if path.parent != folder or not path.is_file():
        raise EvidenceNotFound(evidence_id)
    return evidence, open(path, "rb")


def delete_evidence(session: Session, evidence: EvidenceFile, *, root: Path | None = None) -> None:
    """Remove a file and its record (the owning partner's context)."""
    path = evidence_root(root) / str(evidence.organisation_id) / evidence.stored_name
    session.delete(evidence)
    session.flush()
    path.unlink(missing_ok=True)


__all__ = ["ALLOWED", "MAX_BYTES", "EvidenceNotFound", "delete_evidence", "open_evidence", "sniff", "store_evidence"]
