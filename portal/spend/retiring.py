"""Lines that stop counting: replaced by a corrected file of their months, or withdrawn with their import.

They move, whole and with their ids, from spend_lines to retired_spend_lines: every query of
counted lines stays as it was, and nothing is lost.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, bindparam, text
from sqlalchemy.engine import Connection

_KEPT = """organisation_id, spend_import_id, transaction_ref, payment_date, month, amount_pence, supplier_name,
    supplier_id, expense_type, service_area, category, content_key, occurrence, payee_unnamed, created_at"""


def ids_in(connection: Connection, ids_sql: str) -> str:
    """``IN (ids_sql)``; on PostgreSQL ``= ANY(ARRAY(ids_sql))``: the few ids are read once and each line is found by
    its primary key, whatever the planner believes of spend_lines (under the row-level security policy it expects a
    handful of rows and may loop over the ids once per held line: 1.0 s for 312 ids among 20,000)."""
    return f"= ANY(ARRAY({ids_sql}))" if connection.dialect.name == "postgresql" else f"IN ({ids_sql})"


def retire_lines(connection: Connection, organisation_id: int, ids_sql: str, reason: str, by_import_id: int | None,
                 by_user_id: int | None, now: datetime) -> int:
    """Move the partner's lines whose ids ``ids_sql`` selects out of the counted lines; return how many moved."""
    return retire_where(connection, organisation_id, f"id {ids_in(connection, ids_sql)}", reason, by_import_id,
                        by_user_id, now)


def retire_where(connection: Connection, organisation_id: int, condition: str, reason: str, by_import_id: int | None,
                 by_user_id: int | None, now: datetime, params: dict | None = None) -> int:
    """Move the partner's lines that meet ``condition`` (SQL on spend_lines) out of the counted lines; return how many."""
    values = {"org": organisation_id, "reason": reason, "by_import": by_import_id, "by_user": by_user_id, "now": now,
              **(params or {})}
    moved = connection.execute(
        text(f"""INSERT INTO retired_spend_lines (id, {_KEPT}, reason, retired_by_import_id, retired_by_user_id, retired_at)
            SELECT id, {_KEPT}, :reason, :by_import, :by_user, :now FROM spend_lines
            WHERE organisation_id = :org AND {condition}""").bindparams(bindparam("now", type_=DateTime(timezone=True))),
        values,
    ).rowcount
    connection.execute(text(f"DELETE FROM spend_lines WHERE organisation_id = :org AND {condition}"), values)
    return moved
