"""A proposed rewrite of portal.spend.comparing's comparison, for measuring only (the portal never imports this).

    .venv/bin/python bench/compare_vs_except.py --proposal

``compare_vs_except.py --proposal`` puts ``place_staged_lines`` below in place of the portal's
for every other comparison run (current, proposal, current, ...) and for the "replace", and
checks that both record the same counts, already-held ranges and differences, line for line.

What changes, and why (EXPLAIN ANALYZE and per-statement times, 1M lines against 1M held):
the portal's comparison materialises every matched pair (``spend_matched``, ~985,000 rows of
1M) and then anti-joins seven statements against it (``spend_changed`` twice, the "new" and
"missing" differences, the choice, and ``retire_lines``' INSERT and DELETE), each a hash of
1M rows. Here the two ranked sides are joined once, with a FULL JOIN that keeps only the
lines left over on either side (``spend_unmatched``: ~30,000 rows), and every later statement
reads those. The already-held ranges are the gaps between the file's unmatched lines. Held
lines are fetched by their primary key from the few ids left over (``= ANY(ARRAY(...))`` on
PostgreSQL: the planner, which under the row-level security policy believes spend_lines holds
a handful of rows, cannot then loop over the leftovers once per held line), and the occurrences
of the chosen lines continue from the held ones read through the unique (organisation_id,
content_key, occurrence) index for each chosen line, instead of a GROUP BY over every held line
of the months. Separately, ``--work-mem 64MB`` measures a
``SET LOCAL work_mem`` before the comparison (either version), so that the ranking sorts and
the join stay in memory. Same statements on SQLite (FULL JOIN needs SQLite 3.39).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import DateTime, bindparam, text
from sqlalchemy.engine import Connection

from portal.spend import retiring
from portal.spend.comparing import (
    _DIFFERENCE_COLUMNS,
    _LINE_COLUMNS,
    _STAGED_VALUES,
    CLEAR_DIFFERENCES,
    COMPARE,
    HELD_COUNT,
    INSERT_EVERY_LINE,
    MAX_RANGES,
    SHARED_REFERENCE_LINES,
    Placed,
)

WORK_TABLES = ("spend_file_ranked", "spend_held_ranked", "spend_unmatched", "spend_changed", "spend_to_add")

FILE_RANKED, HELD_RANKED = COMPARE[0], COMPARE[1]  # unchanged
# The one join: matched pairs are only counted; the lines left over on either side are kept.
UNMATCHED = text("""CREATE TEMPORARY TABLE spend_unmatched AS
    SELECT f.line_number, f.position, h.id AS held_id, COALESCE(f.transaction_ref, h.transaction_ref) AS transaction_ref
    FROM spend_file_ranked f FULL JOIN spend_held_ranked h
        ON h.content_key = f.content_key AND h.occurrence = f.occurrence
    WHERE f.line_number IS NULL OR h.id IS NULL""")
CHANGED = text("""CREATE TEMPORARY TABLE spend_changed AS
    WITH file_left AS (
        SELECT line_number, transaction_ref,
            row_number() OVER (PARTITION BY transaction_ref ORDER BY line_number) AS pair
        FROM spend_unmatched WHERE held_id IS NULL AND transaction_ref IS NOT NULL
    ), held_left AS (
        SELECT held_id, transaction_ref,
            row_number() OVER (PARTITION BY transaction_ref ORDER BY held_id) AS pair
        FROM spend_unmatched WHERE line_number IS NULL AND transaction_ref IS NOT NULL
    )
    SELECT f.line_number, h.held_id
    FROM file_left f JOIN held_left h ON h.transaction_ref = f.transaction_ref AND h.pair = f.pair""")
COUNTS = text("""SELECT
    (SELECT count(*) FROM spend_file_ranked),
    (SELECT count(*) FROM spend_held_ranked),
    (SELECT count(*) FROM spend_unmatched WHERE held_id IS NULL),
    (SELECT count(*) FROM spend_unmatched WHERE line_number IS NULL),
    (SELECT count(*) FROM spend_changed)""")
# Runs of already-held lines: the gaps between the file's unmatched lines, by position among its good lines.
ALREADY_HELD_RANGES = text("""
    WITH cuts AS (
        SELECT position FROM spend_unmatched WHERE held_id IS NULL
        UNION ALL SELECT :file_lines + 1
    ), gaps AS (
        SELECT COALESCE(lag(position) OVER (ORDER BY position), 0) + 1 AS first, position - 1 AS last FROM cuts
    )
    SELECT a.line_number, b.line_number FROM gaps g
    JOIN spend_file_ranked a ON a.position = g.first
    JOIN spend_file_ranked b ON b.position = g.last
    WHERE g.first <= g.last ORDER BY g.first
""")
def _ids(connection: Connection, ids_sql: str) -> str:
    """``IN (ids_sql)``; on PostgreSQL ``= ANY(ARRAY(ids_sql))``: the few ids are fetched once and looked up by the
    primary key, whatever the planner believes of spend_lines (under the row-level security policy it estimates a
    handful of rows, and may loop over the leftovers once per held line: 1.0 s for 312 ids among 20,000)."""
    return f"= ANY(ARRAY({ids_sql}))" if connection.dialect.name == "postgresql" else f"IN ({ids_sql})"


def record_differences(connection: Connection) -> list:
    changed_held = _ids(connection, "SELECT held_id FROM spend_changed")
    missing = _ids(connection, """SELECT u.held_id FROM spend_unmatched u WHERE u.line_number IS NULL
              AND NOT EXISTS (SELECT 1 FROM spend_changed c WHERE c.held_id = u.held_id)""")
    return [
        text(f"""INSERT INTO spend_import_differences ({_DIFFERENCE_COLUMNS})
            SELECT :org, :import_id, 'new', s.line_number, s.transaction_ref, s.payment_date, s.amount_pence, m.supplier_name,
                NULL, NULL, NULL, NULL
            FROM spend_unmatched u
            JOIN spend_staging s ON s.line_number = u.line_number
            JOIN spend_staging_suppliers m ON m.supplier_index = s.supplier_index
            WHERE u.held_id IS NULL AND NOT EXISTS (SELECT 1 FROM spend_changed c WHERE c.line_number = u.line_number)"""),
        text(f"""INSERT INTO spend_import_differences ({_DIFFERENCE_COLUMNS})
            SELECT :org, :import_id, 'changed', s.line_number, s.transaction_ref, s.payment_date, s.amount_pence,
                m.supplier_name, h.id, h.payment_date, h.amount_pence, h.supplier_name
            FROM spend_changed c
            JOIN spend_staging s ON s.line_number = c.line_number
            JOIN spend_staging_suppliers m ON m.supplier_index = s.supplier_index
            JOIN (SELECT id, payment_date, amount_pence, supplier_name FROM spend_lines WHERE id {changed_held}) h
                ON h.id = c.held_id"""),
        text(f"""INSERT INTO spend_import_differences ({_DIFFERENCE_COLUMNS})
            SELECT :org, :import_id, 'missing', NULL, h.transaction_ref, NULL, NULL, NULL,
                h.id, h.payment_date, h.amount_pence, h.supplier_name
            FROM spend_lines h WHERE h.id {missing}"""),
    ]


CHOOSE_UNHELD = text("""CREATE TEMPORARY TABLE spend_to_add AS
    SELECT line_number FROM spend_unmatched WHERE held_id IS NULL""")
CHOOSE_NEW = text("""CREATE TEMPORARY TABLE spend_to_add AS
    SELECT u.line_number FROM spend_unmatched u
    WHERE u.held_id IS NULL AND NOT EXISTS (SELECT 1 FROM spend_changed c WHERE c.line_number = u.line_number)""")
HELD_NOT_IN_FILE = "SELECT held_id FROM spend_unmatched WHERE line_number IS NULL"
# The chosen lines go in numbered after the identical lines still held: for each, the top occurrence of its
# content is read through the unique (organisation_id, content_key, occurrence) index (a line's key fixes its
# date, so its month), instead of a GROUP BY over every held line of the months.
INSERT_CHOSEN_LINES = text(f"""
    INSERT INTO spend_lines ({_LINE_COLUMNS})
    SELECT {_STAGED_VALUES},
        COALESCE((SELECT max(h.occurrence) FROM spend_lines h
                  WHERE h.organisation_id = :org AND h.content_key = s.content_key), 0)
            + row_number() OVER (PARTITION BY s.content_key ORDER BY s.line_number), m.payee_unnamed, :now
    FROM spend_staging s
    JOIN spend_to_add a ON a.line_number = s.line_number
    JOIN spend_staging_suppliers m ON m.supplier_index = s.supplier_index
""").bindparams(bindparam("now", type_=DateTime(timezone=True)))

_KEPT = retiring._KEPT


def retire_lines(connection: Connection, organisation_id: int, ids_sql: str, reason: str, by_import_id: int | None,
                 by_user_id: int | None, now: datetime) -> int:
    """portal.spend.retiring.retire_lines, with its ids looked up as ``_ids`` says."""
    values = {"org": organisation_id, "reason": reason, "by_import": by_import_id, "by_user": by_user_id, "now": now}
    ids = _ids(connection, ids_sql)
    moved = connection.execute(
        text(f"""INSERT INTO retired_spend_lines (id, {_KEPT}, reason, retired_by_import_id, retired_by_user_id, retired_at)
            SELECT id, {_KEPT}, :reason, :by_import, :by_user, :now FROM spend_lines
            WHERE organisation_id = :org AND id {ids}""").bindparams(bindparam("now", type_=DateTime(timezone=True))),
        values,
    ).rowcount
    connection.execute(text(f"DELETE FROM spend_lines WHERE organisation_id = :org AND id {ids}"), values)
    return moved


def _analyze(connection: Connection, *tables: str) -> None:
    if connection.dialect.name == "postgresql":
        for table in tables:
            connection.execute(text(f"ANALYZE {table}"))


def place_staged_lines(connection: Connection, spend_import, months: list[date], now: datetime) -> Placed:
    """As portal.spend.comparing.place_staged_lines, the same results, reading the leftovers instead of the matches."""
    org, import_id = spend_import.organisation_id, spend_import.id
    ids = {"org": org, "import_id": import_id}
    shared = connection.scalar(SHARED_REFERENCE_LINES)
    connection.execute(CLEAR_DIFFERENCES, ids)
    if not months or not connection.scalar(HELD_COUNT, {"org": org, "months": months}):
        imported = connection.execute(INSERT_EVERY_LINE, {**ids, "months": months, "now": now}).rowcount
        return Placed("imported", imported=imported, shared_reference_lines=shared)

    connection.execute(FILE_RANKED)
    connection.execute(HELD_RANKED, {"org": org, "months": months})
    connection.execute(UNMATCHED)
    _analyze(connection, "spend_unmatched")
    connection.execute(CHANGED)
    _analyze(connection, "spend_changed")
    file_lines, held_lines, file_left, held_left, changed = connection.execute(COUNTS).one()
    already = file_lines - file_left
    assert already == held_lines - held_left, (file_lines, file_left, held_lines, held_left)
    placed = Placed(
        "imported", already_held=already, new=file_left - changed, missing=held_left - changed, changed=changed,
        already_held_ranges=_ranges(connection, file_lines), shared_reference_lines=shared,
    )
    for statement in record_differences(connection):
        connection.execute(statement, ids)

    if placed.new == 0 and placed.missing == 0 and placed.changed == 0:
        return placed
    choice = spend_import.overlap_choice
    if placed.missing == 0 and placed.changed == 0:
        choice = "add"
    if choice is None:
        placed.status = "needs_choice"
        return placed
    if choice == "replace":
        placed.replaced = retire_lines(connection, org, HELD_NOT_IN_FILE, "replaced", import_id, None, now)
        connection.execute(CHOOSE_UNHELD)
    else:
        connection.execute(CHOOSE_NEW)
    _analyze(connection, "spend_to_add")
    placed.imported = connection.execute(INSERT_CHOSEN_LINES, {**ids, "now": now}).rowcount
    return placed


def _ranges(connection: Connection, file_lines: int) -> list[list[int]]:
    ranges = []
    for first, last in connection.execute(ALREADY_HELD_RANGES, {"file_lines": file_lines}):
        if len(ranges) >= MAX_RANGES:
            break
        ranges.append([first, last])
    return ranges


def drop_work_tables(connection: Connection) -> None:
    for table in WORK_TABLES + ("spend_matched",):
        connection.execute(text(f"DROP TABLE IF EXISTS {table}"))
