"""Importing a contracts register: store it, check every line, show the differences, then apply them.

Checking reads the whole file and writes nothing but its findings: every error with its line
number (an import with errors changes no contract), every value kept as unknown (a note), and
how the register differs from the contracts earlier imports hold (added, removed, changed).
Applying re-reads the file, compares again and, if the register and the contracts held are as
they were when checked, makes those changes in one transaction. Contracts entered by hand are
never compared or touched. A removed contract is kept (its commitments with it) and marked as
no longer on the register; a changed one is updated in place, keeping its id.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.social_value.models import Contract
from portal.spend.importing import header_signature, write_upload
from portal.spend.reading import SpendFileProblem, read_spend_file
from tenants.models import AuditEvent, Organisation, utcnow

from . import ocds, writing
from .headers import HEADER_RULE, guess_mapping, missing_required
from .lines import ContractLine, register_lines
from .models import (
    ContractRegisterColumnMapping,
    ContractRegisterDifference,
    ContractRegisterImport,
    ContractRegisterProblem,
)

PROGRESS_EVERY_ROWS = 1000


class ImportRefused(ValueError):
    """The upload cannot be imported at all; the message says why."""


def uploads_dir(organisation_id: int) -> Path:
    path = Path(current_app.config["INSTANCE_DIR"]) / "uploads" / str(organisation_id) / "contracts"
    path.mkdir(parents=True, exist_ok=True)
    return path


def stored_path(register_import: ContractRegisterImport) -> Path:
    return uploads_dir(register_import.organisation_id) / register_import.stored_name


def store_upload(session: Session, organisation: Organisation, user, filename: str, stream) -> ContractRegisterImport:
    """Keep an uploaded register (CSV, XLSX) or OCDS package (JSON) and check it can be read at all."""
    suffix = Path(filename).suffix.lower()
    if suffix not in (".csv", ".xlsx", ".txt", ".json"):
        raise ImportRefused("The file must be a CSV or Excel (.xlsx) register, or an OCDS release package (.json)")
    stored_name = f"{uuid.uuid4().hex}{suffix}"
    path = uploads_dir(organisation.id) / stored_name
    sha256, size = write_upload(path, stream)
    if size == 0:
        path.unlink(missing_ok=True)
        raise ImportRefused("The file is empty")
    kind = "ocds" if suffix == ".json" else "register"
    try:
        if kind == "ocds":
            ocds.read_package(path, filename)
        else:
            read_spend_file(path, filename, HEADER_RULE)  # finds the header row, or says why it cannot
    except (SpendFileProblem, ocds.PackageProblem) as problem:
        path.unlink(missing_ok=True)
        raise ImportRefused(str(problem)) from None
    register_import = ContractRegisterImport(
        kind=kind, filename=Path(filename).name[:255], stored_name=stored_name, sha256=sha256,
        size_bytes=size, uploaded_by_id=user.id if user else None, status="uploaded",
    )
    session.add(register_import)
    session.flush()
    return register_import


def headers_and_guess(register_import: ContractRegisterImport, session: Session | None = None) -> tuple[list[str], dict]:
    """The register's column names and the columns proposed for each field: the ones this partner chose
    for registers laid out like this one (given a session), else those the Transparency Code names suggest."""
    headers = read_spend_file(stored_path(register_import), register_import.filename, HEADER_RULE).headers
    if session is not None:
        remembered = session.scalar(select(ContractRegisterColumnMapping)
                                    .where(ContractRegisterColumnMapping.header_signature == header_signature(headers)))
        if remembered is not None:
            return headers, {k: v for k, v in remembered.mapping.items() if v in headers}
    return headers, guess_mapping(headers)


def choose_columns(session: Session, register_import: ContractRegisterImport, mapping: dict,
                   headers: list[str] | None = None) -> None:
    """Record the officer's columns (remembered for registers laid out alike) and queue the check."""
    if missing := missing_required(mapping):
        raise ImportRefused(f"Choose the column that holds the {', '.join(missing)}")
    if len(set(mapping.values())) != len(mapping):
        raise ImportRefused("Each column can be used for one field only")
    register_import.column_mapping = mapping
    if headers is not None:
        _remember(session, headers, mapping)
    queue(session, register_import, "check")


def _remember(session: Session, headers: list[str], mapping: dict) -> None:
    signature = header_signature(headers)

    def remembered() -> ContractRegisterColumnMapping | None:
        return session.scalar(select(ContractRegisterColumnMapping)
                              .where(ContractRegisterColumnMapping.header_signature == signature))

    existing = remembered()
    if existing is None:
        # Two officers confirming registers of one layout at once: the second insert loses on the unique key.
        try:
            with session.begin_nested():
                session.add(ContractRegisterColumnMapping(header_signature=signature, mapping=mapping))
            return
        except IntegrityError:
            existing = remembered()
    existing.mapping = mapping


def queue(session: Session, register_import: ContractRegisterImport, step: str, user=None) -> None:
    """Have a worker check (or apply) the import once this transaction commits."""
    from workers import enqueue_after_commit

    from .tasks import apply_contract_register, check_contract_register

    register_import.status = "queued" if step == "check" else "applying"
    register_import.failure_reason = None
    # The sweep (recovery.fail_stale_imports) measures a worker's silence from here until it first beats.
    register_import.queued_at, register_import.heartbeat_at = utcnow(), None
    session.flush()
    if step == "check":
        enqueue_after_commit(session, check_contract_register, register_import.organisation_id, register_import.id)
    else:
        enqueue_after_commit(session, apply_contract_register, register_import.organisation_id, register_import.id,
                             user.id if user else None)


@dataclass
class Plan:
    """What applying the register would change."""

    lines: int = 0
    errors: list = field(default_factory=list)  # (line number, reason, row)
    notes: list = field(default_factory=list)  # (line number, reason, row)
    unchanged: int = 0
    added: list = field(default_factory=list)  # (ContractLine, id of a contract back on the register or None)
    removed: list = field(default_factory=list)  # held rows
    changed: list = field(default_factory=list)  # (ContractLine, held row)
    nothing_held: bool = False  # the partner holds no contract from any register

    @property
    def counts(self) -> tuple[int, int, int, int]:
        return (self.unchanged, len(self.added), len(self.removed), len(self.changed))


def _lines(register_import: ContractRegisterImport):
    path = stored_path(register_import)
    if register_import.kind == "ocds":
        return ocds.package_lines(path, register_import.filename)
    return register_lines(path, register_import.filename, register_import.column_mapping)


_HELD = (Contract.id, Contract.content_key, Contract.occurrence, Contract.reference, Contract.title,
         Contract.supplier_name_as_given, Contract.value_pence, Contract.left_register_at)


def plan(session: Session, register_import: ContractRegisterImport, progress=None) -> Plan:
    """Read every line and compare the register with the contracts earlier imports hold."""
    result = Plan()
    good: list[ContractLine] = []
    for line in _lines(register_import):
        if isinstance(line, tuple):
            result.errors.append(line)
        else:
            good.append(line)
            if line.notes:
                result.notes.extend((line.line_number, note, line.as_given) for note in line.notes)
        result.lines += 1
        if progress and result.lines % PROGRESS_EVERY_ROWS == 0:
            progress(result.lines)
    if result.errors:
        return result
    held = session.execute(select(*_HELD).where(Contract.content_key.is_not(None))).all()
    result.nothing_held = not held
    on_register = {(row.content_key, row.occurrence): row for row in held if row.left_register_at is None}
    left = {(row.content_key, row.occurrence): row for row in held if row.left_register_at is not None}
    in_file = set()
    for line in good:
        identity = (line.key, line.occurrence)
        in_file.add(identity)
        if identity in on_register:
            result.unchanged += 1
        else:
            back = left.get(identity)
            result.added.append((line, back.id if back else None))
    removed = [row for identity, row in on_register.items() if identity not in in_file]
    # A removed and an added line with the same reference are one contract changed: pair them in order.
    removed_by_reference: dict[str, list] = {}
    for row in sorted(removed, key=lambda r: r.id):
        if row.reference:
            removed_by_reference.setdefault(row.reference, []).append(row)
    still_added = []
    for line, back in result.added:
        candidates = removed_by_reference.get(line.reference) if back is None and line.reference else None
        if candidates:
            result.changed.append((line, candidates.pop(0)))
        else:
            still_added.append((line, back))
    paired = {row.id for _, row in result.changed}
    result.added = still_added
    result.removed = [row for row in removed if row.id not in paired]
    return result


def _record(session: Session, register_import: ContractRegisterImport, result: Plan, differences: bool = True) -> None:
    for model in (ContractRegisterProblem, ContractRegisterDifference):
        session.execute(delete(model).where(model.import_id == register_import.id))
    organisation_id = register_import.organisation_id
    problems = [{"severity": "error", "line_number": n, "reason": reason[:500], "raw": raw} for n, reason, raw in result.errors]
    problems += [{"severity": "note", "line_number": n, "reason": reason[:500], "raw": raw} for n, reason, raw in result.notes]
    if problems:
        session.execute(ContractRegisterProblem.__table__.insert(),
                        [{"organisation_id": organisation_id, "import_id": register_import.id, **p} for p in problems])
    rows = []
    for line, back in result.added if differences else ():
        rows.append({"kind": "added", "line_number": line.line_number, "reference": line.reference or None,
                     "title": line.values.get("title"), "supplier_name": line.values.get("supplier_name"),
                     "value_pence": line.values.get("total_value"), "contract_id": back})
    for row in result.removed:
        rows.append({"kind": "removed", "reference": row.reference or None, "contract_id": row.id,
                     "held_title": row.title, "held_supplier_name": row.supplier_name_as_given,
                     "held_value_pence": row.value_pence})
    for line, row in result.changed:
        rows.append({"kind": "changed", "line_number": line.line_number, "reference": line.reference or None,
                     "title": line.values.get("title"), "supplier_name": line.values.get("supplier_name"),
                     "value_pence": line.values.get("total_value"), "contract_id": row.id, "held_title": row.title,
                     "held_supplier_name": row.supplier_name_as_given, "held_value_pence": row.value_pence,
                     "fields": writing.changed_fields(session, row.id, line)})
    if rows:
        blank = {"line_number": None, "reference": None, "title": None, "supplier_name": None, "value_pence": None,
                 "contract_id": None, "held_title": None, "held_supplier_name": None, "held_value_pence": None,
                 "fields": []}
        session.execute(ContractRegisterDifference.__table__.insert(),
                        [{"organisation_id": organisation_id, "import_id": register_import.id, **blank, **d}
                         for d in rows])
    register_import.line_count = result.lines - len(result.errors)
    register_import.error_count = len(result.errors)
    register_import.note_count = len(result.notes)
    (register_import.unchanged_count, register_import.added_count, register_import.removed_count,
     register_import.changed_count) = result.counts
    register_import.total_rows = register_import.rows_done = result.lines


def _lock_partner(session: Session, organisation_id: int) -> None:
    """One write to a partner's contracts from registers at a time: the partner's row is the lock, held to commit."""
    session.execute(update(Organisation).where(Organisation.id == organisation_id).values(id=Organisation.id))


def check_import(session: Session, import_id: int, progress=None) -> str:
    """Check an import's every line and record what applying it would change; returns the new status."""
    register_import = session.get(ContractRegisterImport, import_id)
    if register_import is None:
        raise LookupError(f"no contracts register import {import_id} for this partner")
    if register_import.status in ("imported", "applying"):
        return register_import.status
    result = plan(session, register_import, progress)
    if result.lines == 0:
        result.errors.append((0, "The file has no lines", {}))
    if not result.errors and result.nothing_held:
        # Another import of the partner's may have gone straight in meanwhile: hold the partner's lock, look again.
        _lock_partner(session, register_import.organisation_id)
        if session.scalar(select(Contract.id).where(Contract.content_key.is_not(None)).limit(1)) is not None:
            result = plan(session, register_import)
    if not result.errors and result.nothing_held:
        # The partner's first register: nothing it holds can differ, so, as spend does for months it does
        # not hold, the lines go straight in (in this transaction) and no officer is asked to apply them.
        organisation = session.get(Organisation, register_import.organisation_id)
        _record(session, register_import, result, differences=False)
        writing.apply_plan(session, organisation, register_import, result)
        register_import.status = "imported"
        register_import.applied_at = register_import.finished_at = utcnow()
        session.flush()
        return register_import.status
    _record(session, register_import, result)
    if result.errors:
        register_import.status = "rejected"
    elif register_import.differs:
        register_import.status = "checked"
    else:  # the same register again: nothing to change, nothing to ask
        register_import.status = "imported"
        register_import.applied_at = utcnow()
    register_import.finished_at = utcnow()
    session.flush()
    return register_import.status


def apply_import(session: Session, import_id: int, user_id: int | None) -> str:
    """Make the checked changes, if the register and the contracts held are as they were when checked."""
    register_import = session.get(ContractRegisterImport, import_id)
    if register_import is None:
        raise LookupError(f"no contracts register import {import_id} for this partner")
    if register_import.status not in ("checked", "applying"):
        return register_import.status  # applied already, or nothing checked to apply
    _lock_partner(session, register_import.organisation_id)
    expected = (register_import.unchanged_count, register_import.added_count, register_import.removed_count,
                register_import.changed_count)
    result = plan(session, register_import)
    if result.errors or result.counts != expected:
        # Someone changed the contracts held since the check: show the new differences instead.
        _record(session, register_import, result)
        register_import.status = "rejected" if result.errors else "checked"
        session.flush()
        return "changed"
    organisation = session.get(Organisation, register_import.organisation_id)
    writing.apply_plan(session, organisation, register_import, result)
    register_import.status = "imported"
    register_import.applied_at = register_import.finished_at = utcnow()
    register_import.applied_by_id = user_id
    session.add(AuditEvent(action="contract_register.applied", user_id=user_id, detail={
        "import_id": register_import.id, "filename": register_import.filename, "added": len(result.added),
        "removed": len(result.removed), "changed": len(result.changed)}))
    session.flush()
    return "imported"


def fail_import(session: Session, import_id: int, reason: str) -> None:
    """Mark an import failed with a reason the officer can read; no contract was changed."""
    session.execute(update(ContractRegisterImport).where(ContractRegisterImport.id == import_id)
                    .values(status="failed", failure_reason=reason, finished_at=utcnow()))
