"""Create the PostgreSQL roles and database the portal expects.

Two roles: an owner that migrations run as, and an app role that owns nothing
and cannot bypass row-level security, which the web app and workers use.
"""
from __future__ import annotations

import click
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


# Written once and never edited: the app role may INSERT and SELECT only.
APPEND_ONLY_TABLES = ("audit_events",)
# The migrations' own bookkeeping: the app role has no grant on it at all.
OWNER_ONLY_TABLES = ("alembic_version",)


def tables_without_policy() -> dict[str, str]:
    """Every table with no row-level-security policy, and why it needs none (docs/security.md cites this list).

    Every other table has a forced policy (tests/test_row_level_security.py checks both ways).
    """
    from portal.registers.models import REFERENCE_TABLES

    reasons = {table: "owner only: the app role has no grant on it" for table in OWNER_ONLY_TABLES}
    reasons.update({
        table: "public reference data (official registers), no tenant's; read-only to the app role"
        for table in REFERENCE_TABLES
    })
    reasons["register_loads"] = (
        "which public register file was loaded when, and how far a load has got: no tenant's; "
        "the owner's loads update it from connections with no tenant scope"
    )
    return reasons


def _revoke_statement(table: str, privileges: str) -> str:
    """SQL (run as the table's owner) that takes ``privileges`` on ``table`` from every role but the owner,
    whatever the app role is called; nothing if the table is not there yet."""
    return f"""
DO $$
DECLARE grantee text;
BEGIN
  IF to_regclass('{table}') IS NULL THEN RETURN; END IF;
  FOR grantee IN
    SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END
    FROM pg_class c, aclexplode(c.relacl) a
    WHERE c.oid = '{table}'::regclass AND a.grantee <> c.relowner
  LOOP
    EXECUTE format('REVOKE {privileges} ON {table} FROM %s', grantee);
  END LOOP;
END $$"""


def owner_only_statement(table: str) -> str:
    """Every privilege on ``table`` taken from every role but the owner."""
    return _revoke_statement(table, "ALL")


def append_only_statement(table: str) -> str:
    """Written once and never edited: UPDATE, DELETE and TRUNCATE taken from every role but the owner."""
    return _revoke_statement(table, "UPDATE, DELETE, TRUNCATE")


def read_only_statement(table: str) -> str:
    """The reference registers, which loads (run as the owner) replace whole: every role but the owner only reads."""
    return _revoke_statement(table, "INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER")


def editable_statement(table: str) -> str:
    """The reverse of append_only_statement: roles that may INSERT may UPDATE and DELETE again."""
    return f"""
DO $$
DECLARE grantee text;
BEGIN
  FOR grantee IN
    SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END
    FROM pg_class c, aclexplode(c.relacl) a
    WHERE c.oid = '{table}'::regclass AND a.grantee <> c.relowner AND a.privilege_type = 'INSERT'
  LOOP
    EXECUTE format('GRANT UPDATE, DELETE ON {table} TO %s', grantee);
  END LOOP;
END $$"""


def prepare_postgres(admin_url: str, database: str, owner: str, app_role: str, password: str | None = None, fresh: bool = False) -> tuple[str, str]:
    """Create (or, with ``fresh``, recreate) the database; return (owner URL, app URL)."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    secret = f" PASSWORD '{password}'" if password else ""
    with admin.connect() as conn:
        for role in (owner, app_role):
            if not conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}):
                conn.execute(text(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOBYPASSRLS{secret}'))
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": database})
        if exists and fresh:
            conn.execute(text(f'DROP DATABASE "{database}" WITH (FORCE)'))
            exists = False
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{database}" OWNER "{owner}"'))
    admin.dispose()

    base = make_url(admin_url).set(database=database)
    owner_url = base.set(username=owner, password=password)
    app_url = base.set(username=app_role, password=password)
    owner_engine = create_engine(owner_url, isolation_level="AUTOCOMMIT")
    with owner_engine.connect() as conn:
        conn.execute(text(f'REVOKE ALL ON SCHEMA public FROM PUBLIC'))
        conn.execute(text(f'GRANT USAGE ON SCHEMA public TO "{app_role}"'))
        conn.execute(text(
            f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner}" IN SCHEMA public '
            f'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "{app_role}"'
        ))
        conn.execute(text(
            f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner}" IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO "{app_role}"'
        ))
        conn.execute(text(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{app_role}"'))
        conn.execute(text(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{app_role}"'))
        # The grant above covers every table; take back what the app role may not do.
        for statement in take_back_statements():
            conn.execute(text(statement))
    owner_engine.dispose()
    render = lambda u: u.render_as_string(hide_password=False)  # noqa: E731
    return render(owner_url), render(app_url)


def take_back_statements() -> list[str]:
    """After a grant on every table: the log's edits, the owner's own tables, writes to the registers."""
    from portal.registers.models import REFERENCE_TABLES

    return ([append_only_statement(t) for t in APPEND_ONLY_TABLES] + [owner_only_statement(t) for t in OWNER_ONLY_TABLES]
            + [read_only_statement(t) for t in REFERENCE_TABLES])


@click.command("prepare-postgres")
@click.option("--admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres", show_default=True)
@click.option("--database", default="anchor_portal", show_default=True)
@click.option("--owner", default="portal_owner", show_default=True)
@click.option("--app-role", default="portal_app", show_default=True)
@click.option("--fresh", is_flag=True, help="Drop and recreate the database")
@click.option("--password", envvar="PORTAL_DB_PASSWORD", default=None,
              help="Give the two roles this password when creating them (over TCP; default: none, for local trust "
                   "or peer auth). Read from PORTAL_DB_PASSWORD when not given.")
def prepare_postgres_command(admin_url, database, owner, app_role, fresh, password):
    """Create the PostgreSQL database and its two roles; print the URLs to use."""
    owner_url, app_url = prepare_postgres(admin_url, database, owner, app_role, password=password or None, fresh=fresh)
    click.echo(f"MIGRATION_DATABASE_URL={owner_url}")
    click.echo(f"DATABASE_URL={app_url}")
