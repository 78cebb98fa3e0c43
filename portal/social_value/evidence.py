"""Evidence files kept with a delivery report.

Stored as ``<instance>/evidence/<organisation id>/<random uuid>``: the name is
ours, never the uploader's, and cannot be guessed. The type is sniffed from the
content (the filename and the browser's word are not trusted) and must be one
of PDF, PNG, JPEG (by magic bytes, puremagic), XLSX, DOCX (an Office zip that
passes the spend import's zip bomb check) or CSV (text that parses into columns);
HTML, SVG and XML are refused whatever they are called. Each file is at most
``MAX_BYTES``; a refused file is deleted before the upload is answered.
Opening a file for download works only in the owning partner's own tenant
context, not a network-wide one.
"""
from __future__ import annotations

import csv
import hashlib
import io
import itertools
import re
import uuid
import zipfile
from pathlib import Path
from typing import BinaryIO

import puremagic
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


# What puremagic (magic bytes) may call a file we keep; anything else binary is refused.
BY_MAGIC = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpeg"}
# Markup a browser would run if it were ever shown inline: never kept, whatever it is called.
MARKUP = re.compile(rb"<\s*(?:html|svg|script|iframe|body|object|embed|!doctype|\?xml)\b", re.IGNORECASE)
CSV_DELIMITERS = (",", ";", "\t", "|")
CSV_ROWS_CHECKED = 50


def sniff(path: Path) -> str | None:
    """The kind of file (a key of ALLOWED) its content shows, or None.

    Raises SocialValueProblem, with the reason, for markup (HTML, SVG, XML) and for an
    Excel or Word file that would unpack too far (the spend import's zip bomb check).
    """
    with open(path, "rb") as handle:
        head = handle.read(8192)
    if head.startswith(b"PK\x03\x04"):
        return _office_file(path)
    kinds = _magic_types(head)
    for mime_type, kind in BY_MAGIC.items():
        if mime_type in kinds:
            return kind
    if MARKUP.search(head) or kinds & {"text/html", "image/svg+xml", "application/xml", "text/xml"}:
        raise SocialValueProblem("The file is a web page or an image made of markup (HTML, SVG or XML): "
                                 "save it as PDF and upload that")
    return "csv" if _reads_as_csv(head) else None


def _magic_types(head: bytes) -> set[str]:
    try:
        return {match.mime_type for match in puremagic.magic_string(head)} if head else set()
    except puremagic.PureError:  # no signature known: plain text, or a type we do not keep
        return set()


def _office_file(path: Path) -> str | None:
    from portal.spend.reading import SpendFileProblem, refuse_zip_bomb

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    names = {member.filename for member in members}
    kind = None
    if "[Content_Types].xml" in names:
        kind = "xlsx" if "xl/workbook.xml" in names else "docx" if "word/document.xml" in names else None
    if kind is None:
        return None
    try:
        refuse_zip_bomb(members, "The file", "an Excel or Word file")
    except SpendFileProblem as problem:
        raise SocialValueProblem(str(problem)) from None
    return kind


def _reads_as_csv(head: bytes) -> bool:
    """Text (UTF-8 or Windows-1252, no NUL) whose rows split into two or more columns on one delimiter."""
    if not head or b"\x00" in head:
        return False
    # The last character, or the last row, may be cut in two by the 8 KB read.
    body = head if len(head) < 8192 else head[: head.rfind(b"\n") + 1] or head[:-4]
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        return False
    if any(ord(c) < 32 and c not in "\t\r\n" for c in text):
        return False
    for delimiter in CSV_DELIMITERS:
        try:
            rows = [row for row in itertools.islice(csv.reader(io.StringIO(text), delimiter=delimiter, strict=True),
                                                    CSV_ROWS_CHECKED) if row]
        except csv.Error:
            continue
        if rows and len(rows[0]) >= 2 and all(len(row) >= 2 for row in rows):
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
            raise SocialValueProblem("The file must be a PDF, PNG, JPEG, Excel (.xlsx), Word (.docx) or CSV file "
                                     "(a CSV file: text in two or more columns)")
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
