"""Load an official register file whole, and swap it in: a failed load changes nothing.

Each table the file fills gets a fresh copy (``<table>_new``) filled from the stream
(PostgreSQL: ``COPY FROM STDIN``; SQLite: ``executemany`` in batches), indexed after
it is full, and then, in ONE transaction, compared with the old table for the keys
suppliers hold, dropped in over the old one and made read-only to the app again.
Until that transaction commits, readers see the old register; if anything fails
before it, the old tables are untouched and the copies are dropped.

The load writes as the OWNER role (``MIGRATION_DATABASE_URL``): the app role may only
read these tables. Progress goes to the ``register_loads`` row through the app's own
engine in short transactions of their own, so a page can show it while the load runs.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from portal.dbsetup import read_only_statement

from . import chunks
from .layouts import RANKED_AREAS, RegisterFileProblem
from .reading import TABLE_COLUMNS, RegisterFile, open_register_file

log = logging.getLogger(__name__)

PROGRESS_EVERY_ROWS = 50_000
PROGRESS_EVERY_SECONDS = 2.0
SQLITE_BATCH = 10_000
# Keys and indexes built at once after a PostgreSQL load (each a backend of its own).
INDEX_BUILDERS = 3
STAGING = "_new"

# register -> (its key column, the supplier columns that hold such keys): what "changed" is counted by.
CHANGE_KEYS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "companies": ("register_companies", "company_number", ("company_number",)),
    "charities": ("register_charities", "charity_number", ("charity_number",)),
    "mutuals": ("register_mutuals", "mutual_number", ("mutual_number",)),
    "postcodes": ("register_postcodes", "postcode", ("postcode", "branch_postcode")),
}


class RegisterLoadFailed(RuntimeError):
    """The load stopped; the old register stands. The message is for the person loading it."""


@dataclass(frozen=True)
class LoadResult:
    register: str
    load_id: int | None
    published_on: date | None
    rows_loaded: int
    rows_skipped: int
    # Keys suppliers hold (company, charity or society numbers; postcodes) whose register row
    # was added, removed or changed by this load: the suppliers to place again.
    changed_keys: frozenset[str]
    tables: tuple[str, ...]


def load_register(session_or_engine: Session | Engine, register: str, path: str | Path, load_id: int | None, *,
                  owner_url: str | None = None, published_on: date | None = None,
                  progress_every: int = PROGRESS_EVERY_ROWS) -> LoadResult:
    """Load ``path`` as ``register`` whole and swap it in; record progress on RegisterLoad ``load_id``.

    Raises RegisterLoadFailed (after marking the load failed) when the file is unusable or
    the load breaks; the old register is then exactly as it was.
    """
    # A session (or Flask-SQLAlchemy's scoped one) gives its engine; progress is written through it.
    engine = session_or_engine.get_bind() if hasattr(session_or_engine, "get_bind") else session_or_engine
    owner = _owner_engine(engine, owner_url)
    progress = _Progress(engine, load_id, progress_every)
    try:
        try:
            source = open_register_file(register, path, published_on)
            progress.start(source)
            if owner.dialect.name == "postgresql":
                counts, changed = _load_postgres(owner, source, progress)
            else:
                counts, changed = _load_sqlite(owner, source, progress)
        except RegisterFileProblem as problem:
            progress.fail(str(problem))
            raise RegisterLoadFailed(str(problem)) from problem
        except RegisterLoadFailed as refused:
            progress.fail(str(refused))
            raise
        except Exception as error:
            log.exception("register load %s (%s, %s) failed", load_id, register, path)
            message = _explain(error)
            progress.fail(message)
            raise RegisterLoadFailed(message) from error
        loaded = counts.get(source.tables[0], 0)
        progress.finish(source, loaded)
        return LoadResult(register, load_id, source.published_on, loaded, source.rows_skipped, frozenset(changed),
                          tuple(t for t in source.tables if t in counts))
    finally:
        if owner is not engine:
            owner.dispose()


def _owner_engine(engine: Engine, owner_url: str | None) -> Engine:
    """The owner role's engine: the given URL, else the app's MIGRATION_DATABASE_URL, else the engine itself."""
    if owner_url is None:
        from flask import current_app, has_app_context

        if has_app_context():
            owner_url = current_app.config.get("MIGRATION_DATABASE_URL")
    if not owner_url or owner_url == engine.url.render_as_string(hide_password=False):
        return engine
    return create_engine(owner_url)


def _explain(error: Exception) -> str:
    text_ = str(getattr(error, "orig", None) or error).strip().splitlines()
    detail = "; ".join(line.strip() for line in text_[:3] if line.strip())
    if "duplicate key" in detail or "UNIQUE constraint failed" in detail or "is duplicated" in detail:
        return f"The file lists one entry twice, so it cannot be the register: {detail}"
    if "permission denied" in detail:
        return ("The registers can only be loaded as the database's owner: give this process MIGRATION_DATABASE_URL "
                f"(the owner role), as migrations have. Nothing was changed. ({detail[:300]})")
    return f"The load stopped ({type(error).__name__}: {detail[:500]}). Nothing was changed."


class _Progress:
    """Writes progress to the RegisterLoad row in short transactions of its own (none without a load id)."""

    def __init__(self, engine: Engine, load_id: int | None, every: int):
        self.engine, self.load_id, self.every = engine, load_id, every
        self.rows = 0
        self._next_rows = every
        self._next_time = time.monotonic() + PROGRESS_EVERY_SECONDS

    def _update(self, **values) -> None:
        if self.load_id is None:
            return
        assignments = ", ".join(f"{name} = :{name}" for name in values)
        with self.engine.begin() as connection:
            connection.execute(text(f"UPDATE register_loads SET {assignments} WHERE id = :id"), {**values, "id": self.load_id})

    def start(self, source: RegisterFile) -> None:
        self.source = source
        values = {"status": "loading", "bytes_total": source.bytes_total, "bytes_read": 0, "rows_loaded": 0,
                  "rows_skipped": 0, "error": None, "finished_at": None}
        if source.published_on is not None:
            values["published_on"] = source.published_on
        self._update(**values)

    def counted(self, rows: int, force: bool = False) -> None:
        """Called as rows go in: write progress every ``every`` rows or few seconds."""
        self.rows = rows
        if force or rows >= self._next_rows or time.monotonic() >= self._next_time:
            self._next_rows = rows + self.every
            self._next_time = time.monotonic() + PROGRESS_EVERY_SECONDS
            self._update(bytes_read=self.source.bytes_read, rows_loaded=rows, rows_skipped=self.source.rows_skipped)

    def finish(self, source: RegisterFile, loaded: int) -> None:
        self._update(status="loaded", bytes_read=source.bytes_total, rows_loaded=loaded, rows_skipped=source.rows_skipped,
                     published_on=source.published_on, finished_at=datetime.now(UTC), error=None)

    def fail(self, message: str) -> None:
        message = message.replace("\x00", "")  # a binary file's bytes may be quoted in the message
        try:
            self._update(status="failed", error=message, finished_at=datetime.now(UTC))
        except Exception:  # the database itself may be what failed; the load's own error is raised
            log.exception("could not record that register load %s failed", self.load_id)


def _counting(source: RegisterFile, rows: Iterator[tuple[str, tuple]], progress: _Progress,
              counts: dict[str, int]) -> Iterator[tuple[str, tuple]]:
    """The file's rows, counting each table's and reporting progress by the first table's count."""
    first = source.tables[0]
    for table, row in rows:
        counts[table] = counts.get(table, 0) + 1
        if table == first and counts[first] % 1000 == 0:
            progress.counted(counts[first])
        yield table, row


def _refuse_empty(source: RegisterFile, counts: dict[str, int]) -> None:
    if not counts.get(source.tables[0]):
        raise RegisterFileProblem(
            f"The file holds no {source.register} at all, so loading it would empty the register. Nothing was changed.")


# --- what changed ----------------------------------------------------------------------------

def changed_keys_sql(register: str, dialect: str, new_suffix: str = STAGING) -> str:
    """SQL listing the keys suppliers hold whose row differs between the old table and its new copy."""
    table, key, supplier_columns = CHANGE_KEYS[register]
    held = " UNION ".join(f"SELECT {c} AS k FROM suppliers WHERE {c} IS NOT NULL" for c in supplier_columns)
    differs = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
    compared = " OR ".join(f"o.{c} {differs} n.{c}" for c in TABLE_COLUMNS[table] if c != key)
    return (
        f"SELECT h.k FROM ({held}) h "
        f"LEFT JOIN {table} o ON o.{key} = h.k LEFT JOIN {table}{new_suffix} n ON n.{key} = h.k "
        f"WHERE (o.{key} IS NULL) <> (n.{key} IS NULL) OR (o.{key} IS NOT NULL AND n.{key} IS NOT NULL AND ({compared}))"
    )


def _changed(connection: Connection, register: str, tables: tuple[str, ...]) -> set[str]:
    if CHANGE_KEYS[register][0] not in tables:
        return set()
    if connection.dialect.name == "postgresql":
        # The suppliers table shows its rows only to a transaction the app's scope code signed
        # (tenants/rls.py), the owner's included: sign this one, opening no partner's rows.
        from tenants import rls

        rls.sign_transaction(connection, None)
    return set(connection.exec_driver_sql(changed_keys_sql(register, connection.dialect.name)).scalars())


# --- PostgreSQL --------------------------------------------------------------------------------

def _load_postgres(owner: Engine, source: RegisterFile, progress: _Progress) -> tuple[dict[str, int], set[str]]:
    tables = source.tables
    counts: dict[str, int] = {}
    with owner.connect() as lock:
        # One load of a register at a time: a second would fight over the same copies.
        if not lock.exec_driver_sql(f"SELECT pg_try_advisory_lock(hashtext('register load {source.register}'))").scalar():
            raise RegisterLoadFailed(f"Another load of the {source.register} register is running; try again when it has finished.")
        lock.commit()  # the lock is the session's; no transaction need stay open for the load's length
        try:
            try:
                _copy_postgres(owner, source, progress, counts)
                _fix_deciles_postgres(owner, source)
                _index_postgres(owner, tables, counts)
                with owner.begin() as connection:
                    connection.exec_driver_sql("SET LOCAL lock_timeout = '120s'")
                    changed = _changed(connection, source.register, tuple(t for t in tables if t in counts))
                    for table in tables:
                        if table in counts:
                            _swap_postgres(connection, table)
            finally:
                _drop_copies_postgres(owner, tables)
        finally:
            lock.exec_driver_sql(f"SELECT pg_advisory_unlock(hashtext('register load {source.register}'))")
            lock.commit()
    return counts, changed


def _copy_postgres(owner: Engine, source: RegisterFile, progress: _Progress, counts: dict[str, int]) -> None:
    """Fill each table's fresh copy with COPY, one connection (and one COPY) per table, side by side."""
    connections = {table: owner.raw_connection() for table in source.tables}
    try:
        with ExitStack() as copying:
            copies = {}
            chunked = chunks.CHUNKED.get(source.register, ()) if chunks.handles(source) else ()
            for table, raw in connections.items():
                cursor = raw.driver_connection.cursor()
                copy = f"{table}{STAGING}"
                cursor.execute(f"DROP TABLE IF EXISTS {copy}")
                # INCLUDING DEFAULTS keeps a serial column's sequence; keys and indexes come after the copy.
                cursor.execute(f"CREATE TABLE {copy} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
                cursor.execute(read_only_statement(copy))
                columns = ", ".join(TABLE_COLUMNS[table])
                # FREEZE: the copy was made in this transaction, so its rows are written already frozen.
                statement = (chunks.copy_statement(table, copy) if table in chunked
                             else f"COPY {copy} ({columns}) FROM STDIN WITH (FREEZE)")
                copies[table] = copying.enter_context(cursor.copy(statement))
            if chunked:
                _copy_chunks(source, progress, counts, copies)
            rows = chunks.rows_after(source) if chunked else source.rows()
            for table, row in _counting(source, rows, progress, counts):
                copies[table].write_row(row)
        _refuse_empty(source, counts)
        for raw in connections.values():
            raw.commit()
        progress.counted(counts.get(source.tables[0], 0), force=True)
    finally:
        for raw in connections.values():
            raw.close()


def _copy_chunks(source: RegisterFile, progress: _Progress, counts: dict[str, int], copies: dict) -> None:
    """The big registers: chunks read in worker processes (chunks.py), their CSV passed on to the COPYs in order."""
    first = source.tables[0]
    for part in chunks.parts(source):
        for table, data in part.data.items():
            if part.counts[table]:  # a table stays out of counts until it has a row, as the row by row reading has it
                copies[table].write(data)
                counts[table] = counts.get(table, 0) + part.counts[table]
        progress.counted(counts.get(first, 0))


def _fix_deciles_postgres(owner: Engine, source: RegisterFile) -> None:
    """Deciles of a nation whose ranks run past the areas we know of: decided by the file's own highest rank."""
    fix = {c: r for c, r in source.highest_rank.items() if c and r > RANKED_AREAS.get(c, 0)}
    if not fix or "register_postcodes" not in source.tables:
        return
    with owner.begin() as connection:
        for country, highest in fix.items():
            connection.execute(text(
                f"UPDATE register_postcodes{STAGING} SET imd_decile = LEAST(10, GREATEST(1, CEIL(imd_rank * 10.0 / :n))) "
                "WHERE country_code = :c AND imd_rank IS NOT NULL"), {"n": highest, "c": country})


def _index_postgres(owner: Engine, tables: tuple[str, ...], counts: dict[str, int]) -> None:
    """Build each copy's keys and indexes now it is full (faster than keeping them up row by row), side by side.

    Every key and index is a CREATE INDEX of its own, on a connection of its own: they share no lock
    (a key's index is built first and then made the key, which is instant), so on two or more cores
    they build together instead of one after another.
    """
    builds, keys = [], []
    with owner.connect() as connection:
        for table in tables:
            if table not in counts:
                continue
            copy = f"{table}{STAGING}"
            for name, definition, kind in _key_indexes(connection, table):
                builds.append(_index_on_copy(name, definition, table))
                keys.append(f"ALTER TABLE {copy} ADD CONSTRAINT {name}{STAGING} {kind} USING INDEX {name}{STAGING}")
            for name, definition in _indexes(connection, table):
                builds.append(_index_on_copy(name, definition, table))

    def build(statement: str) -> None:
        with owner.connect() as connection:
            connection.exec_driver_sql("SET maintenance_work_mem = '512MB'")
            connection.exec_driver_sql(statement)
            connection.commit()

    with ThreadPoolExecutor(INDEX_BUILDERS) as builders:
        list(builders.map(build, builds))  # the first failure (a duplicate key) is raised here
    with owner.begin() as connection:
        for statement in keys:
            connection.exec_driver_sql(statement)
        for table in tables:
            if table in counts:
                connection.exec_driver_sql(f"ANALYZE {table}{STAGING}")


def _key_indexes(connection: Connection, table: str) -> list[tuple[str, str, str]]:
    """The table's primary key and unique constraints: (name, their index's definition, PRIMARY KEY or UNIQUE)."""
    return connection.exec_driver_sql(
        "SELECT conname, pg_get_indexdef(conindid), CASE contype WHEN 'p' THEN 'PRIMARY KEY' ELSE 'UNIQUE' END "
        f"FROM pg_constraint WHERE conrelid = '{table}'::regclass AND contype IN ('p', 'u') ORDER BY conname").all()


def _constraints(connection: Connection, table: str) -> list[tuple[str, str]]:
    return connection.exec_driver_sql(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        f"WHERE conrelid = '{table}'::regclass AND contype IN ('p', 'u') ORDER BY conname").all()


def _indexes(connection: Connection, table: str) -> list[tuple[str, str]]:
    """The table's indexes that no constraint owns (a key's index comes with its constraint)."""
    return connection.exec_driver_sql(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        f"WHERE x.indrelid = '{table}'::regclass "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) ORDER BY i.relname").all()


def _index_on_copy(name: str, definition: str, table: str) -> str:
    head, _, tail = definition.partition(" ON ")
    _relation, _, rest = tail.partition(" USING ")
    return f"{head.replace(name, name + STAGING, 1)} ON {table}{STAGING} USING {rest}"


def _swap_postgres(connection: Connection, table: str) -> None:
    """Inside the caller's transaction: the copy takes the table's place, names, readers and sequence."""
    copy = f"{table}{STAGING}"
    readers = connection.exec_driver_sql(
        "SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END "
        f"FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = '{table}'::regclass "
        "AND a.grantee <> c.relowner AND a.privilege_type = 'SELECT'").scalars().all()
    constraints, indexes = _constraints(connection, table), _indexes(connection, table)
    sequences = connection.exec_driver_sql(
        f"SELECT a.attname, pg_get_serial_sequence('{table}', a.attname) FROM pg_attribute a "
        f"WHERE a.attrelid = '{table}'::regclass AND a.attnum > 0 AND NOT a.attisdropped").all()
    for column, sequence in sequences:
        if sequence:
            # The sequence belongs to the old table's column: hand it over, or DROP TABLE would take it.
            connection.exec_driver_sql(f"ALTER SEQUENCE {sequence} OWNED BY {copy}.{column}")
    connection.exec_driver_sql(f"DROP TABLE {table}")
    connection.exec_driver_sql(f"ALTER TABLE {copy} RENAME TO {table}")
    for name, _ in constraints:
        connection.exec_driver_sql(f"ALTER TABLE {table} RENAME CONSTRAINT {name}{STAGING} TO {name}")
    for name, _ in indexes:
        connection.exec_driver_sql(f"ALTER INDEX {name}{STAGING} RENAME TO {name}")
    for column, sequence in sequences:
        if sequence:
            connection.exec_driver_sql(
                f"SELECT setval('{sequence}', COALESCE((SELECT max({column}) FROM {table}), 0) + 1, false)")
    for reader in readers:
        connection.exec_driver_sql(f"GRANT SELECT ON {table} TO {reader}")
    connection.execute(text(read_only_statement(table)))


def _drop_copies_postgres(owner: Engine, tables: tuple[str, ...]) -> None:
    try:
        with owner.begin() as connection:
            for table in tables:
                connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table}{STAGING}")
    except Exception:
        log.exception("could not drop the copies of %s", ", ".join(tables))


# --- SQLite --------------------------------------------------------------------------------------

def _load_sqlite(owner: Engine, source: RegisterFile, progress: _Progress) -> tuple[dict[str, int], set[str]]:
    tables = source.tables
    counts: dict[str, int] = {}
    try:
        with owner.begin() as connection:
            for table in tables:
                ddl = connection.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar_one()
                connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table}{STAGING}")
                connection.exec_driver_sql(ddl.replace(table, f"{table}{STAGING}", 1))
        batches: dict[str, list[tuple]] = {table: [] for table in tables}
        inserts = {t: f"INSERT INTO {t}{STAGING} ({', '.join(TABLE_COLUMNS[t])}) "
                      f"VALUES ({', '.join('?' for _ in TABLE_COLUMNS[t])})" for t in tables}

        def flush() -> None:
            with owner.begin() as connection:
                for table, rows in batches.items():
                    if rows:
                        connection.exec_driver_sql(inserts[table], rows)
                        rows.clear()

        for table, row in _counting_batches(source, counts):
            batches[table].append(row)
            if len(batches[table]) >= SQLITE_BATCH:
                flush()
                progress.counted(counts.get(tables[0], 0))
        flush()
        _refuse_empty(source, counts)
        progress.counted(counts.get(tables[0], 0), force=True)
        _fix_deciles_sqlite(owner, source)
        with owner.begin() as connection:
            changed = _changed(connection, source.register, tuple(t for t in tables if t in counts))
            for table in tables:
                if table in counts:
                    _swap_sqlite(connection, table)
        return counts, changed
    finally:
        with owner.begin() as connection:
            for table in tables:
                connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table}{STAGING}")


def _counting_batches(source: RegisterFile, counts: dict[str, int]) -> Iterator[tuple[str, tuple]]:
    for table, row in source.rows():
        counts[table] = counts.get(table, 0) + 1
        yield table, row


def _fix_deciles_sqlite(owner: Engine, source: RegisterFile) -> None:
    fix = {c: r for c, r in source.highest_rank.items() if c and r > RANKED_AREAS.get(c, 0)}
    if not fix or "register_postcodes" not in source.tables:
        return
    with owner.begin() as connection:
        for country, highest in fix.items():
            # ceil(rank * 10 / n) in integer arithmetic: (rank * 10 + n - 1) / n
            connection.exec_driver_sql(
                f"UPDATE register_postcodes{STAGING} SET imd_decile = MIN(10, MAX(1, (imd_rank * 10 + ? - 1) / ?)) "
                "WHERE country_code = ? AND imd_rank IS NOT NULL", (highest, highest, country))


def _swap_sqlite(connection: Connection, table: str) -> None:
    indexes = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table,)).scalars().all()
    connection.exec_driver_sql(f"DROP TABLE {table}")
    connection.exec_driver_sql(f"ALTER TABLE {table}{STAGING} RENAME TO {table}")
    for ddl in indexes:
        connection.exec_driver_sql(ddl)

