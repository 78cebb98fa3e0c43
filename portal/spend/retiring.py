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


def retire_lines(connection: Connection, organisation_id: int, ids_sql: str, reason: str, by_import_id: int | None,
                 by_user_id: int | None, now: datetime, params: dict | None = None) -> int:
    """Move the partner's lines whose ids ``ids_sql`` selects out of the counted lines; return how many moved."""
    values = {"org": organisation_id, "reason": reason, "by_import": by_import_id, "by_user": by_user_id, "now": now,
              **(params or {})}
    moved = connection.execute(
        text(f"""INSERT INTO retired_spend_lines (id, {_KEPT}, reason, retired_by_import_id, retired_by_user_id, retired_at)
            SELECT id, {_KEPT}, :reason, :by_import, :by_user, :now FROM spend_lines
            WHERE organisation_id = :org AND id IN ({ids_sql})""").bindparams(bindparam("now", type_=DateTime(timezone=True))),
        values,
    ).rowcount
    connection.execute(text(f"DELETE FROM spend_lines WHERE organisation_id = :org AND id IN ({ids_sql})"), values)
    return moved
