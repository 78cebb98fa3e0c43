"""Spend pushed through the API: into the page's own import pipeline, and its progress read back.

A file goes to ``importing.store_upload`` exactly as the page's upload does; JSON lines are
first written as a CSV file whose columns are the portal's own field names, so both take the
same path: the proposed column mapping, ``services.queue_import``, the worker's identity and
correction rules (portal/spend/identity.py, comparing.py). Plain functions; the caller commits.
"""
from __future__ import annotations

import csv
import io
import json
import tempfile

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.spend import importing, services
from portal.spend.forms import FIELD_LABELS
from portal.spend.headers import missing_required
from portal.spend.models import SpendImport, SpendImportProblem
from portal.spend.reading import SpendFileProblem
from tenants.models import Organisation

from .schemas import pounds

PROBLEMS_SHOWN = 1000
MAX_JSON_LINE_ERRORS = 20
# A JSON line may carry the amount as pounds ("1234.56", as a spend file would) or as whole pence.
JSON_FIELDS = tuple(FIELD_LABELS)


class ApiProblem(ValueError):
    """The request cannot be done; ``problems`` holds details per field or line when there are some."""

    def __init__(self, message: str, problems: dict | None = None, status: int = 400):
        super().__init__(message)
        self.problems = problems or {}
        self.status = status


def store_file(session: Session, organisation: Organisation, filename: str, stream) -> SpendImport:
    """Keep a pushed file as the page keeps an upload, and start it if its columns are clear."""
    try:
        spend_import = importing.store_upload(session, organisation, None, filename or "spend.csv", stream)
    except importing.ImportRefused as problem:
        raise ApiProblem(str(problem)) from None
    start_if_clear(session, spend_import)
    return spend_import


def json_lines_as_csv(stream, out) -> list[str]:
    """Write JSON lines (one object a line) to ``out`` as a CSV file whose columns are the portal's field names.

    Written as read (a month of a large partner's spend need not fit in memory); returns the
    fields the lines used. :raise ApiProblem: naming each line that is not a JSON object of known
    fields (the first 20), so a caller never has half a push imported.
    """
    errors, used, count = {}, set(), 0
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    writer = csv.DictWriter(text, fieldnames=JSON_FIELDS, lineterminator="\n")
    writer.writeheader()
    for number, raw in enumerate(io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace"), start=1):
        if not raw.strip():
            continue
        line, problem = _json_line(raw)
        if problem:
            errors[f"line {number}"] = problem
            if len(errors) >= MAX_JSON_LINE_ERRORS:
                break
            continue
        used.update(line)
        count += 1
        if not errors:
            writer.writerow({k: "" if v is None else str(v).lower() if isinstance(v, bool) else str(v)
                             for k, v in line.items()})
    text.flush()
    text.detach()  # the caller's file stays open
    if errors:
        raise ApiProblem("Some lines could not be read; nothing was imported.", errors)
    if not count:
        raise ApiProblem("There were no lines: send one JSON object a line.")
    return [f for f in JSON_FIELDS if f in used]


def _json_line(raw: str) -> tuple[dict, str | None]:
    """One line as the fields it gives, or what is wrong with it."""
    try:
        line = json.loads(raw)
    except json.JSONDecodeError as error:
        return {}, f"not JSON: {error.msg}"
    if not isinstance(line, dict):
        return {}, "each line must be one JSON object"
    if "amount_pence" in line:
        pence = line.pop("amount_pence")
        if not isinstance(pence, int) or isinstance(pence, bool) or "amount" in line:
            return {}, "amount_pence must be a whole number of pence (and no amount beside it)"
        line["amount"] = pounds(pence)
    unknown = sorted(set(line) - set(JSON_FIELDS))
    if unknown:
        return {}, f"unknown fields {', '.join(unknown)}; the fields are {', '.join(JSON_FIELDS)} and amount_pence"
    if any(isinstance(v, (dict, list, float)) for v in line.values()):
        # A float amount may already have lost pence: ask for the text or for pence.
        return {}, "give each value as text (amounts as \"1234.56\") or amount_pence as a whole number"
    return line, None


def store_json_lines(session: Session, organisation: Organisation, stream) -> SpendImport:
    """Keep pushed JSON lines as a spend file and queue it (its columns are the portal's own names)."""
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        used = json_lines_as_csv(stream, spool)
        spool.seek(0)
        try:
            spend_import = importing.store_upload(session, organisation, None, "api-lines.csv", spool)
        except importing.ImportRefused as problem:
            raise ApiProblem(str(problem)) from None
    spend_import.column_mapping = {field: field for field in used}
    services.queue_import(session, spend_import)
    return spend_import


def _headers_and_proposal(session: Session, spend_import: SpendImport) -> tuple[list[str], dict]:
    try:
        return importing.proposed_mapping(session, spend_import)
    except SpendFileProblem as problem:
        raise ApiProblem(f"The stored file can no longer be read: {problem}", status=409) from None


def start_if_clear(session: Session, spend_import: SpendImport) -> bool:
    """Queue the import with the proposed columns when every required field has one; else it waits for a mapping."""
    _headers, proposed = _headers_and_proposal(session, spend_import)
    if missing_required(proposed):
        return False
    spend_import.column_mapping = proposed
    services.queue_import(session, spend_import)
    return True


def give_mapping(session: Session, spend_import: SpendImport, mapping: dict) -> None:
    """The caller's columns for a file waiting for them, checked as the page checks them; then queued."""
    if spend_import.status != "uploaded":
        raise ApiProblem("This import is not waiting for its columns.", status=409)
    headers, _proposed = _headers_and_proposal(session, spend_import)
    mapping = {field: column for field, column in mapping.items() if column}
    problems = {field: f"the file has no column {column!r}" for field, column in mapping.items() if column not in headers}
    problems.update({field: f"choose the column that holds the {FIELD_LABELS[field].lower()}"
                     for field in missing_required(mapping)})
    columns = list(mapping.values())
    if len(columns) != len(set(columns)):
        problems["mapping"] = "each column can be used for one field only"
    if problems:
        raise ApiProblem("The columns given cannot be used.", problems)
    spend_import.column_mapping = mapping
    importing.remember_mapping(session, headers, mapping)
    services.queue_import(session, spend_import)


def choose(session: Session, spend_import: SpendImport, choice: str) -> None:
    """Replace the months the file holds, or add only its new lines (the page's choice, with no person: the token)."""
    try:
        services.choose_for_held_months(session, spend_import, choice, None)
    except services.CannotChoose as problem:
        raise ApiProblem(str(problem), status=409) from None


NEXT_STEPS = {
    "uploaded": "Give the file's columns: PUT {columns} with a mapping of field to column.",
    "queued": "Wait: the import is queued. Ask again in a few seconds.",
    "running": "Wait: the import is running. Ask again in a few seconds.",
    "needs_choice": "The file holds months already held, with differences: POST {choice} with replace or add.",
    "rejected": "Some lines could not be read (see problems): nothing was imported. Correct the file and push it again.",
    "failed": "The import stopped: push the file again; if it fails again, tell the portal's administrators.",
}


def import_status(session: Session, spend_import: SpendImport, links: dict) -> dict:
    """What the API shows of an import: its status, counts, problems and what to do next."""
    status = "needs_mapping" if spend_import.status == "uploaded" else spend_import.status
    shown = {
        "id": spend_import.id, "filename": spend_import.filename, "status": status,
        "next_step": NEXT_STEPS.get(spend_import.status, "").format(**links) or None,
        "column_mapping": spend_import.column_mapping, "total_rows": spend_import.total_rows,
        "imported": spend_import.imported_count or 0, "already_held": spend_import.already_held_count or 0,
        "rejected": spend_import.rejected_count or 0,
        "months": [str(m) for m in (spend_import.months or [])], "failure_reason": spend_import.failure_reason,
        "links": links,
    }
    if spend_import.status == "uploaded":
        headers, proposed = _headers_and_proposal(session, spend_import)
        shown.update(headers=headers, proposed_mapping=proposed, missing_fields=missing_required(proposed))
    problems = select(SpendImportProblem).where(SpendImportProblem.spend_import_id == spend_import.id)
    shown["problems"] = list(session.scalars(problems.order_by(SpendImportProblem.line_number).limit(PROBLEMS_SHOWN)))
    shown["problems_total"] = session.scalar(select(func.count()).select_from(problems.subquery()))
    return shown
