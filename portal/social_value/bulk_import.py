"""Importing a file of commitments or delivery reports: check every line, then place them all in one go.

Pass 1 reads the whole file and checks each line, writing nothing but progress, so a file
with any bad line is refused whole (every bad line listed with its number) and changes
nothing. Pass 2 inserts the good lines in the caller's transaction: on PostgreSQL by
``COPY`` into a temporary table and one ``INSERT ... SELECT`` (``COPY`` is refused on
tables with row-level security), elsewhere in batches. Lines already held (same content,
same occurrence) are counted and left alone, so importing the same file again adds nothing.
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from portal.spend.importing import write_upload
from tenants.models import Network, Organisation, utcnow

from . import beneficiaries, bulk_checks
from .bulk_files import LAYOUTS, BulkFileProblem, open_bulk_file
from .models import BulkImport, Commitment, DeliveryBeneficiaryCount, DeliveryReport
from .tasks import queue_totals_refresh

INSERT_BATCH = 5000
PROGRESS_EVERY_SECONDS = 1.0


class ImportRefused(ValueError):
    """The upload cannot be imported at all; the message says why."""


@dataclass
class Outcome:
    status: str
    imported: int = 0
    already_held: int = 0
    rejected: int = 0
    earliest_edition: int = 0


def uploads_dir(organisation_id: int) -> Path:
    path = Path(current_app.config["INSTANCE_DIR"]) / "uploads" / str(organisation_id) / "social-value"
    path.mkdir(parents=True, exist_ok=True)
    return path


def stored_path(bulk: BulkImport) -> Path:
    return uploads_dir(bulk.organisation_id) / bulk.stored_name


def store_upload(session: Session, kind: str, user, filename: str, stream, organisation_id: int) -> BulkImport:
    """Keep an uploaded file under a name of our own, once its header has the layout's columns."""
    if kind not in LAYOUTS:
        raise ImportRefused(f"There is no bulk import of {kind}")
    suffix = Path(filename).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ImportRefused("The file must be a CSV or an Excel (.xlsx) file")
    stored_name = f"{uuid.uuid4().hex}{suffix}"
    path = uploads_dir(organisation_id) / stored_name
    sha256, size = write_upload(path, stream)
    try:
        if size == 0:
            raise BulkFileProblem("The file is empty")
        open_bulk_file(path, filename, LAYOUTS[kind])
    except BulkFileProblem as problem:
        path.unlink(missing_ok=True)
        raise ImportRefused(str(problem)) from None
    bulk = BulkImport(
        organisation_id=organisation_id, kind=kind, filename=Path(filename).name[:255], stored_name=stored_name,
        sha256=sha256, size_bytes=size, uploaded_by_id=user.id if user else None, status="uploaded",
    )
    session.add(bulk)
    session.flush()
    return bulk


def preview(bulk: BulkImport, limit: int = 10) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The layout's columns and the first lines of the file as they will be read."""
    layout = LAYOUTS[bulk.kind]
    opened, positions = open_bulk_file(stored_path(bulk), bulk.filename, layout)
    shown = [h for h in layout.headers if h in positions]
    lines = []
    for raw in opened.rows():
        lines.append((raw.line_number, [raw.values[opened.headers[positions[h]]] for h in shown]))
        if len(lines) >= limit:
            break
    return shown, lines


class _Progress:
    """Rows checked so far, written in short transactions of their own so the progress page sees them."""

    def __init__(self, session: Session, import_id: int):
        self._factory = sessionmaker(bind=session.get_bind())
        self.import_id, self._last = import_id, 0.0

    def update(self, force: bool = False, **values) -> None:
        now = time.monotonic()
        if force or now - self._last >= PROGRESS_EVERY_SECONDS:
            self._last = now
            with self._factory() as session:
                # Never over a settled import: a second run of it must find the first's result.
                session.execute(update(BulkImport).where(BulkImport.id == self.import_id,
                                                         BulkImport.status.not_in(("imported", "rejected")))
                                .values(heartbeat_at=utcnow(), **values))
                session.commit()


def _counted(rows, progress: _Progress):
    for number, raw in enumerate(rows, start=1):
        if number % 1000 == 0:
            progress.update(rows_done=number)
        yield raw


def run_bulk_import(session: Session, import_id: int) -> Outcome:
    """Import one uploaded file inside its partner's tenant context; the caller commits.

    :raise LookupError: when the import is not the current partner's.
    """
    bulk = session.get(BulkImport, import_id)
    if bulk is None:
        raise LookupError(f"no social value import {import_id} for this partner")
    if bulk.status in ("imported", "rejected"):
        return Outcome(bulk.status, bulk.imported_count, bulk.already_held_count, len(bulk.problems or []))
    organisation = session.get(Organisation, bulk.organisation_id)
    progress = _Progress(session, import_id)
    layout = LAYOUTS[bulk.kind]
    opened, positions = open_bulk_file(stored_path(bulk), bulk.filename, layout)
    progress.update(force=True, status="running", rows_done=0)
    columns = {h: positions.get(h) for h in layout.headers}

    def cell(raw, header: str) -> str:
        index = columns[header]
        return "" if index is None else (raw.cells[index] if raw.cells is not None else raw.values[opened.headers[index]])

    catalogue = bulk_checks.Catalogue.load(session, organisation.network_id)
    rows = _counted(opened.rows(), progress)
    if bulk.kind == "commitments":
        checked = bulk_checks.check_commitments(session, catalogue, rows, cell, organisation.id)
    else:
        counts_given = any(columns[h] is not None for h in ("Ward", "Group", "Count"))
        choices = beneficiaries.choices(session, organisation.network) if counts_given else None
        checked = bulk_checks.check_delivery(session, catalogue, rows, cell, organisation.id, bulk.uploaded_by_id, choices)
    if checked.lines == 0:
        checked.problems.append([0, "The file has a header but no lines"])
    # The same import run twice at once (a task delivered twice) checks the file twice but places it
    # once: imports into one network take turns from here (a row lock on the network, held to commit),
    # and the second finds the first's result when its turn comes.
    session.execute(update(Network).where(Network.id == organisation.network_id).values(id=Network.id))
    session.refresh(bulk)  # also drops what _Progress wrote on its own connection
    if bulk.status in ("imported", "rejected"):
        return Outcome(bulk.status, bulk.imported_count, bulk.already_held_count, len(bulk.problems or []))
    bulk.total_rows = bulk.rows_done = checked.lines
    bulk.problems = checked.problems
    bulk.finished_at = utcnow()
    bulk.failure_reason = None
    if checked.problems:
        bulk.status = "rejected"
        bulk.imported_count = bulk.already_held_count = bulk.earliest_edition_count = 0
        session.flush()
        return Outcome("rejected", rejected=len(checked.problems))
    if bulk.kind == "commitments":
        place_rows(session, Commitment, bulk_checks.COMMITMENT_COLUMNS, checked.rows)
    else:
        place_rows(session, DeliveryReport, bulk_checks.DELIVERY_COLUMNS, checked.rows)
        place_beneficiaries(session, organisation.id, checked.beneficiaries)
    bulk.status = "imported"
    bulk.imported_count, bulk.already_held_count = len(checked.rows), checked.already_held
    bulk.earliest_edition_count = checked.earliest_edition
    session.flush()
    if bulk.kind == "commitments" and checked.rows:
        # Reported delivery counts only once verified: only new commitments move the totals.
        queue_totals_refresh(session, organisation.id, sorted(checked.days))
    return Outcome("imported", len(checked.rows), checked.already_held, 0, checked.earliest_edition)


def place_rows(session: Session, model, names: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert checked rows (tuples of the ``names`` columns) in the session's transaction."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        for start in range(0, len(rows), INSERT_BATCH):
            connection.execute(insert(model.__table__), [dict(zip(names, row)) for row in rows[start:start + INSERT_BATCH]])
        return
    table = model.__table__.name
    staging = f"{table}_staging"
    column_list = ", ".join(names)
    connection.execute(text(f"DROP TABLE IF EXISTS {staging}"))
    # The staging table takes the target's column types; it holds none of its rows.
    connection.execute(text(f"CREATE TEMPORARY TABLE {staging} AS SELECT {column_list} FROM {table} WITH NO DATA"))
    defaults = _insert_defaults(model, names)
    dbapi = connection.connection.driver_connection
    # write_row keeps None (NULL) apart from "" (a narrative left blank), which a CSV spool cannot.
    with dbapi.cursor() as cursor, cursor.copy(f"COPY {staging} ({column_list}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    extra_names = ", ".join(defaults)
    extra_values = ", ".join(f":{k}" for k in defaults)
    connection.execute(
        text(f"INSERT INTO {table} ({column_list}{', ' if defaults else ''}{extra_names}) "
             f"SELECT {column_list}{', ' if defaults else ''}{extra_values} FROM {staging}"),
        defaults,
    )
    connection.execute(text(f"DROP TABLE {staging}"))


BENEFICIARY_COLUMNS = ("organisation_id", "delivery_report_id", "ward", "protected_group", "count")


def place_beneficiaries(session: Session, organisation_id: int, counted: list[tuple]) -> None:
    """Insert the beneficiary counts of the reports just placed, found by their line keys."""
    if not counted:
        return
    report_ids = {}
    keys = [key for key, *_ in counted]
    for start in range(0, len(keys), INSERT_BATCH):
        report_ids.update(session.execute(select(DeliveryReport.line_key, DeliveryReport.id)
                                          .where(DeliveryReport.line_key.in_(keys[start:start + INSERT_BATCH]))).all())
    rows = [(organisation_id, report_ids[key], ward, group, count) for key, ward, group, count in counted]
    place_rows(session, DeliveryBeneficiaryCount, BENEFICIARY_COLUMNS, rows)


def _insert_defaults(model, names) -> dict:
    """Values for the columns the rows leave out that have a Python-side default (a COPY applies none)."""
    defaults = {}
    for column in model.__table__.columns:
        if column.name in names or column.name == "id" or column.default is None:
            continue
        # The only callable defaults on these tables are timestamps (utcnow).
        defaults[column.name] = utcnow() if column.default.is_callable else column.default.arg
    return defaults


def fail_import(session: Session, import_id: int, reason: str) -> None:
    """Mark an import failed with a reason the officer can read; nothing of it was kept."""
    session.execute(update(BulkImport).where(BulkImport.id == import_id)
                    .values(status="failed", failure_reason=reason, finished_at=utcnow()))
