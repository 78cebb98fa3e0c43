"""Importing a spend file: check every line, then place the good ones in one transaction.

Pass 1 streams the file, checks each line (``LineChecker``: each distinct date and
supplier is checked once) and spools the good lines to a temporary CSV file in the
staging table's columns, writing nothing to the database but progress (so a rejected
file changes nothing, and SQLite's single writer is never held while we read).
Pass 2 resolves the file's distinct named suppliers into a small table, loads the spool
into a staging table (a plain ``COPY`` of the spool on PostgreSQL; ``COPY FROM`` is refused
on tables with row-level security, so it cannot go straight into spend_lines), then
``portal.spend.comparing`` places it: straight in when the partner holds nothing for the
file's months, else compared with what it holds. A line is identified by its content and
its occurrence among identical lines (``portal.spend.identity``), never by its reference.
bench/README.md says where the time goes.
"""
from __future__ import annotations

import csv
import hashlib
import os
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from portal.suppliers.services import SupplierResolver
from tenants.models import AuditEvent, Network, Organisation, utcnow

from . import comparing
from .lines import LineChecker, LineProblem
from .models import SpendColumnMapping, SpendImport, SpendImportProblem
from .reading import EXTRA, SpendFileProblem, guess_mapping, read_spend_file

PROGRESS_EVERY_ROWS = 2000
PROGRESS_EVERY_SECONDS = 1.0
STAGING_BATCH = 5000

_staging_metadata = MetaData()
# The spool's columns, in its order: pass 1 writes CSV that PostgreSQL's COPY reads as it is.
STAGING = Table(
    "spend_staging",
    _staging_metadata,
    Column("line_number", Integer),
    Column("transaction_ref", String(120)),
    Column("content_key", String(24)),
    Column("payment_date", Date),
    Column("month", Date),
    Column("amount_pence", BigInteger),
    Column("supplier_index", Integer),
    Column("expense_type", String(200)),
    Column("service_area", String(200)),
    Column("category", String(200)),
    prefixes=["TEMPORARY"],
)
STAGING_COLUMNS = [c.name for c in STAGING.columns]
# The file's distinct suppliers (each spelling as written, and where pass 2 resolved it): the
# spool is written before the register is touched, copied without rewriting a million lines to
# put ids in, and does not repeat a supplier's name on every line.
STAGING_SUPPLIERS = Table(
    "spend_staging_suppliers",
    _staging_metadata,
    Column("supplier_index", Integer, primary_key=True),
    Column("supplier_id", Integer),
    Column("supplier_alias_id", Integer),
    Column("supplier_name", String(300)),
    Column("payee_unnamed", Boolean),
    prefixes=["TEMPORARY"],
)

class ImportRefused(ValueError):
    """The upload cannot be imported at all; the message says why."""


@dataclass
class ImportOutcome:
    status: str
    imported: int = 0
    already_held: int = 0
    rejected: int = 0
    # The months whose counted lines this import changed: their totals are due a refresh.
    months: list[date] = field(default_factory=list)
    # Settled before this run began: a redelivered task (its worker died after the import's commit).
    settled_before: bool = False


# An import in one of these states is not run again: its lines are placed, or wait for the officer.
SETTLED = ("imported", "withdrawn", "needs_choice")


def _settled(spend_import: SpendImport) -> ImportOutcome:
    return ImportOutcome(spend_import.status, spend_import.imported_count, spend_import.already_held_count,
                         spend_import.rejected_count, settled_before=True)


def uploads_dir(organisation_id: int) -> Path:
    path = Path(current_app.config["INSTANCE_DIR"]) / "uploads" / str(organisation_id)
    path.mkdir(parents=True, exist_ok=True)
    return path


def stored_path(spend_import: SpendImport) -> Path:
    return uploads_dir(spend_import.organisation_id) / spend_import.stored_name


def header_signature(headers: list[str]) -> str:
    return hashlib.sha256("\x1f".join(h.strip().lower() for h in headers).encode()).hexdigest()


def write_upload(path: Path, stream) -> tuple[str, int]:
    """Copy an uploaded file to ``path`` a megabyte at a time; its SHA-256 (hex) and size in bytes.

    Every kind of import (spend, contracts registers, bulk social value) keeps its uploads this way.
    """
    digest, size = hashlib.sha256(), 0
    with open(path, "wb") as out:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return digest.hexdigest(), size


def store_upload(session: Session, organisation: Organisation, user, filename: str, stream) -> SpendImport:
    """Keep an uploaded file under a name of our own and check it can be read at all."""
    suffix = Path(filename).suffix.lower()
    if suffix not in (".csv", ".xlsx", ".txt"):
        raise ImportRefused("The file must be a CSV or an Excel (.xlsx) file")
    stored_name = f"{uuid.uuid4().hex}{suffix}"
    path = uploads_dir(organisation.id) / stored_name
    sha256, size = write_upload(path, stream)
    if size == 0:
        path.unlink(missing_ok=True)
        raise ImportRefused("The file is empty")
    try:
        read_spend_file(path, filename).headers
    except SpendFileProblem as problem:
        path.unlink(missing_ok=True)
        raise ImportRefused(str(problem)) from None
    spend_import = SpendImport(
        filename=Path(filename).name[:255], stored_name=stored_name, sha256=sha256, size_bytes=size,
        uploaded_by_id=user.id if user else None, status="uploaded",
    )
    session.add(spend_import)
    session.flush()
    return spend_import


def proposed_mapping(session: Session, spend_import: SpendImport) -> tuple[list[str], dict]:
    """The file's headers and a mapping: the one this partner saved for this layout, else a guess."""
    headers = read_spend_file(stored_path(spend_import), spend_import.filename).headers
    remembered = session.scalar(
        select(SpendColumnMapping).where(SpendColumnMapping.header_signature == header_signature(headers))
    )
    if remembered is not None:
        return headers, {k: v for k, v in remembered.mapping.items() if v in headers}
    return headers, dict(guess_mapping(headers))


def remember_mapping(session: Session, headers: list[str], mapping: dict) -> None:
    signature = header_signature(headers)

    def remembered() -> SpendColumnMapping | None:
        return session.scalar(select(SpendColumnMapping).where(SpendColumnMapping.header_signature == signature))

    existing = remembered()
    if existing is None:
        # Two officers confirming files of the same layout at once both find nothing; the
        # second insert then loses on the unique key, and updates the winner's row instead.
        try:
            with session.begin_nested():
                session.add(SpendColumnMapping(header_signature=signature, mapping=mapping))
            return
        except IntegrityError:
            existing = remembered()
    existing.mapping = mapping


class _Progress:
    """Writes rows done to the import in its own short transactions, so the page sees it live."""

    def __init__(self, session: Session, import_id: int):
        self._factory = sessionmaker(bind=session.get_bind())
        self.import_id = import_id
        self._last = 0.0

    def update(self, force: bool = False, **values) -> None:
        now = time.monotonic()
        if not force and now - self._last < PROGRESS_EVERY_SECONDS:
            return
        self._last = now
        with self._factory() as session:
            # Never over a settled import: the same import run twice at once must not set the first's
            # result back to "running" (the second would then place its lines again).
            session.execute(update(SpendImport).where(SpendImport.id == self.import_id,
                                                      SpendImport.status.not_in(SETTLED)).values(**values))
            session.commit()


def run_import(session: Session, import_id: int) -> ImportOutcome:
    """Import one uploaded file; call inside its partner's tenant context. The caller commits."""
    spend_import = session.get(SpendImport, import_id)
    if spend_import is None:
        raise LookupError(f"no spend import {import_id} for this partner")
    if spend_import.status in SETTLED:
        return _settled(spend_import)
    organisation = session.get(Organisation, spend_import.organisation_id)
    network = session.get(Network, organisation.network_id)
    progress = _Progress(session, import_id)
    path = stored_path(spend_import)
    session.commit()  # nothing of ours is pending; pass 1 must not hold a write transaction

    spool_dir = Path(current_app.config["INSTANCE_DIR"]) / "tmp"
    spool_dir.mkdir(exist_ok=True)
    # Nameless (unlinked at once on Linux): a worker killed mid-import leaves no spool behind.
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="", dir=spool_dir, suffix=".csv") as spool:
        checked = _check_lines(path, spend_import, spool, progress)
        if checked.problems and not spend_import.import_good_lines:
            return _reject(session, spend_import, checked)
        spool.seek(0)
        return _load(session, spend_import, network, spool, checked)


@dataclass
class _Checked:
    rows: int = 0
    good: int = 0
    problems: list[tuple[int, str, dict]] = field(default_factory=list)
    # SupplierKey (or the name as written, for a payee not named) -> index
    suppliers: dict = field(default_factory=dict)
    months: set = field(default_factory=set)
    net_total_pence: int = 0
    total_lines: list = field(default_factory=list)  # rows that add up the file, not payments


def _check_lines(path: Path, spend_import: SpendImport, spool, progress: _Progress) -> _Checked:
    spend_file = read_spend_file(path, spend_import.filename)
    checker = LineChecker(spend_import.column_mapping, spend_file.headers)
    checked = _Checked()
    suppliers = checked.suppliers
    write = csv.writer(spool).writerow
    estimate = _estimate_rows(path)
    progress.update(force=True, status="running", phase="checking", started_at=utcnow(), total_rows=estimate, rows_done=0)
    months, rows, good, net = checked.months, 0, 0, 0  # locals: this loop runs a million times
    for raw in spend_file.rows():
        rows += 1
        try:
            if raw.problem:
                raise LineProblem(raw.problem)
            ref, day, month, amount, supplier, name, expense, service, category, key = checker.check_row(raw)
        except LineProblem as problem:
            if raw.is_total:  # the file adding itself up: counting it would count every line twice
                checked.total_lines.append(raw.line_number)
                continue
            checked.problems.append((raw.line_number, str(problem)[:500], {k: v for k, v in raw.values.items() if k != EXTRA}))
        else:
            index = suppliers.setdefault(name if supplier is None else supplier, len(suppliers))
            months.add(month)
            net += amount
            # csv writes None as an empty cell, which COPY reads as NULL; dates print as ISO.
            write((raw.line_number, ref, key, day, month, amount, index, expense, service, category))
            good += 1
        if rows % PROGRESS_EVERY_ROWS == 0:
            progress.update(rows_done=rows, total_rows=max(estimate, rows))
    checked.rows, checked.good, checked.net_total_pence = rows, good, net
    spool.flush()
    # The next step holds the network's lock (on SQLite, the database's): say so now, it cannot later.
    progress.update(force=True, rows_done=checked.rows, total_rows=checked.rows, phase="placing")
    if checked.rows == 0:
        checked.problems.append((0, "The file has a header but no lines", {}))
    return checked


def _estimate_rows(path: Path) -> int:
    """Rows in the file, counted cheaply, for the progress bar until the real count is known."""
    if path.suffix.lower() == ".xlsx":
        return max(1, os.path.getsize(path) // 60)
    count = 0
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            count += chunk.count(b"\n")
    return max(1, count - 1)


def _record_problems(session: Session, spend_import: SpendImport, problems) -> None:
    session.execute(delete(SpendImportProblem).where(SpendImportProblem.spend_import_id == spend_import.id))
    if problems:
        session.execute(
            SpendImportProblem.__table__.insert(),
            [
                {"organisation_id": spend_import.organisation_id, "spend_import_id": spend_import.id,
                 "line_number": n, "reason": reason, "raw": raw}
                for n, reason, raw in problems
            ],
        )


def _reject(session: Session, spend_import: SpendImport, checked: _Checked) -> ImportOutcome:
    _record_problems(session, spend_import, checked.problems)
    session.expire(spend_import, ["phase"])  # _Progress set it on its own connection: the value held here is stale
    spend_import.status = "rejected"
    spend_import.phase = None
    spend_import.total_lines = checked.total_lines[:100]
    spend_import.rejected_count = len(checked.problems)
    spend_import.imported_count = spend_import.already_held_count = 0
    spend_import.total_rows = spend_import.rows_done = checked.rows
    spend_import.finished_at = utcnow()
    session.flush()
    return ImportOutcome("rejected", rejected=len(checked.problems))


def _load(session: Session, spend_import: SpendImport, network: Network, spool, checked: _Checked) -> ImportOutcome:
    # Two partners' imports may meet the same new supplier at once: the register is
    # the network's, so loads into one network take turns (a row lock on the network,
    # held to commit; on SQLite this takes the write lock before we read the register).
    # The same lock makes comparing a file with the months already held, and placing it, one step.
    session.execute(update(Network).where(Network.id == network.id).values(id=Network.id))
    # The same import run twice at once (an officer's choice sent twice, a task delivered twice) reads the
    # file twice but places it once: the second finds it settled once it holds the lock.
    session.refresh(spend_import)
    if spend_import.status in SETTLED:
        return _settled(spend_import)
    # The file's distinct suppliers, in index order (the order pass 1 met them), resolved at once;
    # a payee not named (a str key) never enters the register.
    keys = list(checked.suppliers)
    named = [key for key in keys if not isinstance(key, str)]
    ids = iter(SupplierResolver(session, network).resolve_all(named))
    staged_suppliers = []
    for index, key in enumerate(keys):
        if isinstance(key, str):
            staged_suppliers.append({"supplier_index": index, "supplier_id": None, "supplier_alias_id": None,
                                     "supplier_name": key, "payee_unnamed": True})
        else:
            supplier_id, alias_id = next(ids)
            staged_suppliers.append({"supplier_index": index, "supplier_id": supplier_id, "supplier_alias_id": alias_id,
                                     "supplier_name": key.name, "payee_unnamed": False})
    connection = session.connection()
    _drop_staging(connection)
    _staging_metadata.create_all(connection)
    try:
        if staged_suppliers:
            connection.execute(STAGING_SUPPLIERS.insert(), staged_suppliers)
        if connection.dialect.name == "postgresql":
            _copy_into_staging(connection, spool)
            # Temp tables have no statistics: without them the planner sorts a million lines
            # to merge-join the suppliers, where a hash join keeps the file's order.
            connection.execute(text("ANALYZE spend_staging"))
            connection.execute(text("ANALYZE spend_staging_suppliers"))
        else:
            _insert_into_staging(connection, spool)
        placed = comparing.place_staged_lines(connection, spend_import, sorted(checked.months), utcnow())
    finally:
        # Not on a connection that died: the rollback that follows ends its temp tables anyway, and a
        # statement here would raise PendingRollbackError in place of the OperationalError the task
        # retries on (seen once in the worker fault tests, 2026-11-26).
        if not connection.invalidated:
            _drop_staging(connection)
            comparing.drop_work_tables(connection)
    _record_problems(session, spend_import, checked.problems)
    spend_import.status = placed.status
    spend_import.imported_count = placed.imported
    spend_import.already_held_count = placed.already_held
    spend_import.replaced_count = placed.replaced
    spend_import.new_count, spend_import.missing_count, spend_import.changed_count = placed.new, placed.missing, placed.changed
    spend_import.shared_reference_lines = placed.shared_reference_lines
    spend_import.rejected_count = len(checked.problems)
    spend_import.net_total_pence = checked.net_total_pence
    spend_import.total_lines = checked.total_lines[:100]
    spend_import.months = [m.isoformat() for m in sorted(checked.months)]
    spend_import.total_rows = spend_import.rows_done = checked.rows
    spend_import.finished_at = utcnow()
    spend_import.failure_reason = None
    session.expire(spend_import, ["phase"])  # _Progress set it on its own connection: the value held here is stale
    spend_import.phase = None
    if placed.replaced:  # by the officer who chose to replace those months, in the worker
        session.add(AuditEvent(action="spend_import.lines_replaced", user_id=spend_import.choice_by_id, detail={
            "import_id": spend_import.id, "filename": spend_import.filename, "lines": placed.replaced,
            "months": spend_import.months}))
    session.flush()
    changed = sorted(checked.months) if placed.imported or placed.replaced else []
    return ImportOutcome(placed.status, placed.imported, placed.already_held, len(checked.problems), changed)


def _drop_staging(connection) -> None:
    for table in (STAGING, STAGING_SUPPLIERS):
        table.drop(connection, checkfirst=True)


def _copy_into_staging(connection, spool) -> None:
    # The spool is already CSV in the staging table's columns: hand it over as it is.
    dbapi = connection.connection.driver_connection
    columns = ", ".join(STAGING_COLUMNS)
    with dbapi.cursor() as cursor:
        with cursor.copy(f"COPY spend_staging ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
            while chunk := spool.read(1024 * 1024):
                copy.write(chunk)


def _insert_into_staging(connection, spool) -> None:
    batch = []
    for row in csv.reader(spool):
        line_number, ref, key, day, month, amount, supplier_index, expense, service, category = row
        batch.append({
            "line_number": int(line_number), "transaction_ref": ref or None, "content_key": key,
            "payment_date": date.fromisoformat(day), "month": date.fromisoformat(month), "amount_pence": int(amount),
            "supplier_index": int(supplier_index), "expense_type": expense or None,
            "service_area": service or None, "category": category or None,
        })
        if len(batch) >= STAGING_BATCH:
            connection.execute(STAGING.insert(), batch)
            batch = []
    if batch:
        connection.execute(STAGING.insert(), batch)


def fail_import(session: Session, import_id: int, reason: str) -> None:
    """Mark an import failed with a reason the officer can read; nothing of it was kept."""
    session.execute(
        update(SpendImport).where(SpendImport.id == import_id).values(status="failed", failure_reason=reason, finished_at=utcnow())
    )
