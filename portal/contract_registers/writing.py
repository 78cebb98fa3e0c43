"""Writing a checked register's changes into the partner's contracts, in bulk."""
from __future__ import annotations

import json
from operator import itemgetter

from sqlalchemy import update
from sqlalchemy.orm import Session

from portal.social_value.models import Contract
from tenants.models import Organisation, utcnow

from .lines import ContractLine
from .suppliers import find_suppliers

# A line's field -> the contract's column.
COLUMNS = {
    "reference": "reference", "title": "title", "description": "description",
    "supplier_name": "supplier_name_as_given", "supplier_postcode": "supplier_postcode",
    "company_number": "supplier_company_number", "annual_value": "annual_value_pence", "total_value": "value_pence",
    "start_date": "start_date", "end_date": "end_date", "expiry_date": "expiry_date", "sme": "is_sme",
    "category": "category", "category_description": "category_description", "ojeu_fts": "ojeu_fts",
    "directorate": "directorate", "procurement_process": "procurement_process", "purchasing_body": "purchasing_body",
    "duration_months": "duration_months", "extension_option_months": "extension_option_months",
    "extension_count": "extension_count", "extension_1_taken": "extension_1_taken",
    "extension_2_taken": "extension_2_taken",
}
INSERT_BATCH = 5000


def contract_values(line: ContractLine) -> dict:
    """The contract's columns as the line gives them (a field the file does not map is unknown)."""
    values = {column: line.values.get(name) for name, column in COLUMNS.items()}
    values["reference"] = values["reference"] or ""
    values["title"] = values["title"] or ""
    values.update(ocid=line.ocid, content_key=line.key, occurrence=line.occurrence, line_number=line.line_number,
                  as_given=line.as_given, left_register_at=None)
    return values


def changed_fields(session: Session, contract_id: int, line: ContractLine) -> list[str]:
    """The names of the contract's columns the line would change."""
    contract = session.get(Contract, contract_id)
    new = contract_values(line)
    return [column for column in COLUMNS.values() if getattr(contract, column) != new[column]]


def apply_plan(session: Session, organisation: Organisation, register_import, result) -> None:
    """Insert the added lines, update the changed contracts, mark the removed ones; the caller commits."""
    lines = [line for line, _ in result.added] + [line for line, _ in result.changed]
    supplier_ids = find_suppliers(session, organisation.network_id,
                                  [(line.values.get("company_number"), line.values.get("supplier_name")) for line in lines])
    found = dict(zip((id(line) for line in lines), supplier_ids))
    now = utcnow()
    fixed = (organisation.id, "procurement", False, "unknown", 1, now, register_import.id)
    new_rows, back = [], []
    for line, back_id in result.added:
        if back_id is not None:  # the register lists it again
            back.append({"id": back_id, **contract_values(line), "supplier_id": found[id(line)],
                         "register_import_id": register_import.id})
        else:
            new_rows.append(_new_row(line, fixed, found[id(line)]))
    insert_contracts(session, new_rows)
    changed = [{"id": row.id, **contract_values(line), "supplier_id": found[id(line)],
                "register_import_id": register_import.id} for line, row in result.changed]
    for rows in (back, changed):
        if rows:
            session.execute(update(Contract), rows)
    removed = [row.id for row in result.removed]
    for start in range(0, len(removed), INSERT_BATCH):
        session.execute(update(Contract).where(Contract.id.in_(removed[start:start + INSERT_BATCH]))
                        .values(left_register_at=now), execution_options={"synchronize_session": False})
    session.expire_all()


# The columns of a new contract, in the order _new_row gives them (a tuple per contract, not a dict: 50,000 of them).
NEW_COLUMNS = ("organisation_id", "route", "rlw_in_scope", "supplier_pays_rlw", "supplier_link_version", "created_at",
               "register_import_id", "supplier_id", "ocid", "content_key", "occurrence", "line_number", "as_given",
               *COLUMNS.values())
_values_of = itemgetter(*COLUMNS)  # a line's values hold every field (lines.NO_VALUES)


def _new_row(line: ContractLine, fixed: tuple, supplier_id: int | None) -> tuple:
    values = list(_values_of(line.values))
    values[0] = values[0] or ""  # reference
    values[1] = values[1] or ""  # title
    return (*fixed, supplier_id, line.ocid, line.key, line.occurrence, line.line_number, line.as_given, *values)


def insert_contracts(session: Session, rows: list[tuple]) -> None:
    """Insert new contracts (tuples in NEW_COLUMNS' order): on PostgreSQL through COPY into a temporary table,
    then one INSERT ... SELECT.

    COPY cannot write into a table with row-level security, so it fills a temporary table of the
    same columns, and the INSERT goes through the policy like any other.
    """
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        for start in range(0, len(rows), INSERT_BATCH):
            connection.execute(Contract.__table__.insert(),
                               [dict(zip(NEW_COLUMNS, row)) for row in rows[start:start + INSERT_BATCH]])
        return
    names = ", ".join(NEW_COLUMNS)
    connection.exec_driver_sql("DROP TABLE IF EXISTS contract_staging")
    connection.exec_driver_sql(
        f"CREATE TEMPORARY TABLE contract_staging ON COMMIT DROP AS SELECT {names} FROM sv_contracts WITH NO DATA")
    as_json = NEW_COLUMNS.index("as_given")
    dumps = json.dumps
    cursor = connection.connection.driver_connection.cursor()
    with cursor, cursor.copy(f"COPY contract_staging ({names}) FROM STDIN") as copy:
        write = copy.write_row
        for row in rows:
            given = row[as_json]
            write((*row[:as_json], None if given is None else dumps(given), *row[as_json + 1:]))
    connection.exec_driver_sql(f"INSERT INTO sv_contracts ({names}) SELECT {names} FROM contract_staging")
    connection.exec_driver_sql("DROP TABLE contract_staging")
