"""PostgreSQL row-level security: the second wall behind the ORM filter.

Every tenant table gets a policy that shows and accepts only rows of the
organisations listed in the per-transaction setting ``app.tenant_ids`` (and the
businesses in ``app.business_ids`` / ``app.business_network_ids``). The settings
are made with ``set_config(..., true)`` (transaction-local) at the start of every
transaction and again whenever the scope changes inside one, so a pooled
connection never carries one tenant's scope into the next request.

A setting the app role can write is no wall on its own, so the scope is signed:
``app.scope_signature`` is an HMAC-SHA256, keyed with ``RLS_SCOPE_KEY``, of the ids
and of the transaction (the backend's pid and the transaction's start, ``now()``).
The policies' functions show ids only when ``app_scope_is_signed()``, a SECURITY
DEFINER function of the owner role, finds the signature right with the key it
reads from ``portal_private.scope_key``, which the app role cannot read. A scope
copied from another transaction, ids set by hand, or none at all: no row.
``flask db upgrade`` writes the key there (``store_key``, from migrations/env.py).

This module is the one place scoping reaches the database. Tables are ``FORCE``d
so that even their owner is bound; the app connects as a role that owns nothing.
"""
from __future__ import annotations

import hashlib
import hmac
from contextlib import contextmanager

from flask import current_app, has_app_context
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from .context import TenantScope, current_scope, on_scope_change

SETTING = "app.tenant_ids"
BUSINESS_SETTING = "app.business_ids"
BUSINESS_NETWORK_SETTING = "app.business_network_ids"
SIGNATURE_SETTING = "app.scope_signature"
SIGNATURE_VERSION = "v1"

# The owner's own schema: the key table lives there, and the app role has no USAGE on it.
PRIVATE_SCHEMA = "portal_private"
KEY_TABLE = f"{PRIVATE_SCHEMA}.scope_key"

# The transaction the scope is bound to: this backend, and the moment its transaction began
# (now() is fixed for a transaction), in whole microseconds so both sides print it alike.
TRANSACTION_SQL = "SELECT pg_backend_pid(), (extract(epoch FROM now()) * 1000000)::bigint"
_MESSAGE_SQL = f"""concat_ws('|', '{SIGNATURE_VERSION}',
      coalesce(current_setting('{SETTING}', true), ''),
      coalesce(current_setting('{BUSINESS_SETTING}', true), ''),
      coalesce(current_setting('{BUSINESS_NETWORK_SETTING}', true), ''),
      pg_backend_pid()::text,
      ((extract(epoch FROM now()) * 1000000)::bigint)::text)"""

# Checked once per statement (policies call the list functions as `(SELECT f())`, an InitPlan).
# SECURITY DEFINER so it may read the key the app role cannot; pg_catalog first in its
# search_path so no object of the app role's can stand in for a built-in. PL/pgSQL, not SQL:
# it keeps its plan for the session (a SQL function with SET is planned at every call:
# 250 µs a call against 43 µs, bench/README.md).
CREATE_SIGNED_FUNCTION = f"""
CREATE OR REPLACE FUNCTION public.app_scope_is_signed() RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, {PRIVATE_SCHEMA}, public
AS $$
DECLARE
  signing_key bytea;
BEGIN
  SELECT k.key INTO signing_key FROM {KEY_TABLE} k;
  IF signing_key IS NULL THEN
    RETURN false;
  END IF;
  RETURN coalesce(
    encode(hmac(convert_to({_MESSAGE_SQL}, 'UTF8'), signing_key, 'sha256'), 'hex')
      = current_setting('{SIGNATURE_SETTING}', true),
    false);
END
$$"""


def _list_function(name: str, setting: str, signed: bool = False) -> str:
    ids = f"string_to_array(NULLIF(current_setting('{setting}', true), ''), ',')::integer[]"
    body = f"CASE WHEN public.app_scope_is_signed() THEN coalesce({ids}, '{{}}') ELSE '{{}}'::integer[] END" if signed else ids
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS integer[]
LANGUAGE sql STABLE AS $$
  SELECT {body}
$$
"""


# The functions as the first migrations made them (they trusted the setting); the
# signed-scope migration replaces their bodies with SIGNED_LIST_FUNCTIONS.
CREATE_VISIBLE_FUNCTION = _list_function("app_visible_organisations", SETTING)
DROP_VISIBLE_FUNCTION = "DROP FUNCTION IF EXISTS app_visible_organisations()"
CREATE_BUSINESS_FUNCTIONS = [
    _list_function("app_visible_businesses", BUSINESS_SETTING),
    _list_function("app_business_networks", BUSINESS_NETWORK_SETTING),
]
DROP_BUSINESS_FUNCTIONS = [
    "DROP FUNCTION IF EXISTS app_visible_businesses()",
    "DROP FUNCTION IF EXISTS app_business_networks()",
]
SIGNED_LIST_FUNCTIONS = [
    _list_function("app_visible_organisations", SETTING, signed=True),
    _list_function("app_visible_businesses", BUSINESS_SETTING, signed=True),
    _list_function("app_business_networks", BUSINESS_NETWORK_SETTING, signed=True),
]

# `(SELECT f())::integer[]`, not `f()`: an uncorrelated sub-select is an InitPlan, run once per
# statement, where a bare call would check the signature for every row (the cast keeps
# `= ANY (...)` an array comparison rather than a sub-query one).
_PARTNER_SIDE = "organisation_id = ANY ((SELECT app_visible_organisations())::integer[])"
_BUSINESS_SIDE = (
    "(business_id = ANY ((SELECT app_visible_businesses())::integer[]) OR network_id = ANY ((SELECT app_business_networks())::integer[]))"
)
# Rows that are no one tenant's (people, partners, networks, the network's suppliers and
# combined figures, the outbox): only a transaction the app's scope code signed sees or writes them.
_SIGNED = "(SELECT app_scope_is_signed())"
# A combined row only one partner's figures went into is that partner's own (network_spend_totals):
# it shows to a scope holding that partner only (the partner, or code opened over the network's
# partners to suppress or compare). A row of several partners shows to any signed transaction
# (the public summary suppresses by measure itself). Written only for a network of the scope's partners.
_VISIBLE_PARTNERS = "(SELECT app_visible_organisations())::integer[]"
_COMBINED_READ = f"(({_SIGNED} AND partner_count > 1) OR sole_partner_id = ANY ({_VISIBLE_PARTNERS}))"
_COMBINED_WRITE = (
    f"network_id IN (SELECT o.network_id FROM organisations o WHERE o.id = ANY ({_VISIBLE_PARTNERS}))"
    f" AND (sole_partner_id IS NULL OR sole_partner_id = ANY ({_VISIBLE_PARTNERS}))"
)
# A row of the network's own (the lead's benchmarks): shown to and written by a signed scope holding one
# of the network's partners (a partner reads its network's; the lead's pages open the network's partners).
# That only the lead writes is the pages' rule: no scope names the lead.
_NETWORK_SIDE = f"network_id IN (SELECT o.network_id FROM organisations o WHERE o.id = ANY ({_VISIBLE_PARTNERS}))"
# Who may see and write rows of each kind of table (tenants/scoping.py has the ORM twin of the first three).
POLICIES = {
    "partner": (_PARTNER_SIDE, _PARTNER_SIDE),
    "business": (_BUSINESS_SIDE, _BUSINESS_SIDE),
    # Both parties read a shared row; either may write it (the ORM layer narrows further).
    "shared": (f"{_PARTNER_SIDE} OR {_BUSINESS_SIDE}", f"{_PARTNER_SIDE} OR {_BUSINESS_SIDE}"),
    "signed": (_SIGNED, _SIGNED),
    "combined": (_COMBINED_READ, _COMBINED_WRITE),
    "network": (_NETWORK_SIDE, _NETWORK_SIDE),
}


def enable_statements(table: str, kind: str = "partner") -> list[str]:
    """SQL that puts a table behind row-level security."""
    using, check = POLICIES[kind]
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY tenant_isolation ON {table} USING ({using}) WITH CHECK ({check})",
    ]


def disable_statements(table: str) -> list[str]:
    return [
        f"DROP POLICY IF EXISTS tenant_isolation ON {table}",
        f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY",
    ]


def _ids(values) -> str:
    return ",".join(str(i) for i in values)


def scope_settings(scope: TenantScope | None) -> tuple[str, str, str]:
    """The three id lists of a scope, as the settings carry them."""
    if scope is None:
        return "", "", ""
    return _ids(scope.visible_ids), _ids(scope.business_ids), _ids(scope.business_network_ids)


def signature(key: str, settings: tuple[str, str, str], backend_pid: int, transaction_start: int) -> str:
    """HMAC-SHA256 of the scope's ids and its transaction (backend, start), as app_scope_is_signed() computes it."""
    message = "|".join((SIGNATURE_VERSION, *settings, str(backend_pid), str(transaction_start)))
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def _scope_key() -> str | None:
    return current_app.config.get("RLS_SCOPE_KEY") if has_app_context() else None


def sign_transaction(connection, scope: TenantScope | None, key: str | None = None) -> None:
    """Set ``scope`` on the connection's open transaction, signed for this transaction only.

    One round trip reads the transaction's backend and start; the second sets the ids and
    their signature. Without a key (no app) nothing is signed, and the policies show nothing.
    """
    key = key or _scope_key()
    transaction = tuple(connection.execute(text(TRANSACTION_SQL)).one())
    connection.info["rls_transaction"] = transaction
    _apply(connection, scope, key, transaction)


def _apply(connection, scope: TenantScope | None, key: str | None, transaction) -> None:
    settings = scope_settings(scope)
    connection.execute(
        text(
            "SELECT set_config(:name, :value, true), set_config(:b_name, :b_value, true), "
            "set_config(:n_name, :n_value, true), set_config(:s_name, :s_value, true)"
        ),
        {
            "name": SETTING,
            "value": settings[0],
            "b_name": BUSINESS_SETTING,
            "b_value": settings[1],
            "n_name": BUSINESS_NETWORK_SETTING,
            "n_value": settings[2],
            "s_name": SIGNATURE_SETTING,
            "s_value": signature(key, settings, *transaction) if key else "",
        },
    )


def install(session_class=Session) -> None:
    """Set the scope on every PostgreSQL transaction any session begins."""

    @event.listens_for(session_class, "after_begin")
    def _scope_transaction(session, transaction, connection) -> None:
        if connection.dialect.name == "postgresql":
            sign_transaction(connection, current_scope())

    on_scope_change(_rescope_open_transaction)


def _rescope_open_transaction(scope: TenantScope | None) -> None:
    """A scope change inside an open transaction must reach the database too."""
    if not has_app_context():
        return
    from portal.extensions import db

    session = db.session()
    transaction = session.get_transaction()
    if transaction is None or not transaction.is_active:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql" and not _failed(connection):
        # The transaction's backend and start were read as it began (sign_transaction).
        transaction = connection.info.get("rls_transaction")
        if transaction is None:
            sign_transaction(connection, scope)
        else:
            _apply(connection, scope, _scope_key(), transaction)


def _failed(connection) -> bool:
    """The transaction lost its connection or a statement failed: it runs nothing more until rolled back.

    Its scope no longer matters (the rollback ends it, and the next transaction is
    scoped as it begins), and trying to set it would raise in place of the error that
    failed it: a dropped connection would surface as PendingRollbackError, which the
    tasks' retry on OperationalError does not catch (found by the worker fault tests).
    """
    if connection.invalidated:
        return True
    from psycopg.pq import TransactionStatus

    return connection.connection.dbapi_connection.info.transaction_status == TransactionStatus.INERROR


def store_key(connection, key: str) -> None:
    """As the owner: make ``key`` the one app_scope_is_signed() checks (run by every ``flask db upgrade``)."""
    if connection.dialect.name != "postgresql" or not key:
        return
    if connection.scalar(text("SELECT to_regclass(:t)"), {"t": KEY_TABLE}) is None:
        return  # an older schema: the migration that makes the table writes it
    connection.execute(
        text(
            f"INSERT INTO {KEY_TABLE} (id, key, set_at) VALUES (true, convert_to(:key, 'UTF8'), now()) "
            "ON CONFLICT (id) DO UPDATE SET key = EXCLUDED.key, set_at = EXCLUDED.set_at "
            f"WHERE {KEY_TABLE}.key IS DISTINCT FROM EXCLUDED.key"
        ),
        {"key": key},
    )


def protect_tables(op, tables, kind: str = "partner") -> None:
    """In a migration's upgrade: put these tenant tables behind RLS (PostgreSQL only).

    ``kind`` is "partner" (TenantScoped), "business" (BusinessScoped), "shared" (SharedScoped), or one of
    the other POLICIES ("signed", "combined", "network").
    """
    if op.get_bind().dialect.name == "postgresql":
        for table in tables:
            for statement in enable_statements(table, kind):
                op.execute(statement)


def unprotect_tables(op, tables) -> None:
    """In a migration's downgrade: the reverse of protect_tables."""
    if op.get_bind().dialect.name == "postgresql":
        for table in tables:
            for statement in disable_statements(table):
                op.execute(statement)


@contextmanager
def owner_unbound(op, tables):
    """In a migration: lift FORCE on these tables for the statements inside, so the owner may fill or
    fix their rows (forced row-level security binds the owner too), and put it back after."""
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        for table in tables:
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    yield
    if postgres:
        for table in tables:
            op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
