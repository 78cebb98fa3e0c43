"""PostgreSQL row-level security: the second wall behind the ORM filter.

Every tenant table gets a policy that shows and accepts only rows of the
organisations listed in the per-transaction setting ``app.tenant_ids``. The
setting is made with ``set_config(..., true)`` (transaction-local) at the start
of every transaction and again whenever the scope changes inside one, so a
pooled connection never carries one tenant's scope into the next request.
Tables are ``FORCE``d so that even their owner is bound; the app connects as a
role that owns nothing.
"""
from __future__ import annotations

from flask import has_app_context
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from .context import TenantScope, current_scope, on_scope_change

SETTING = "app.tenant_ids"
BUSINESS_SETTING = "app.business_ids"
BUSINESS_NETWORK_SETTING = "app.business_network_ids"


def _list_function(name: str, setting: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS integer[]
LANGUAGE sql STABLE AS $$
  SELECT string_to_array(NULLIF(current_setting('{setting}', true), ''), ',')::integer[]
$$
"""


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

_PARTNER_SIDE = "organisation_id = ANY (app_visible_organisations())"
_BUSINESS_SIDE = "(business_id = ANY (app_visible_businesses()) OR network_id = ANY (app_business_networks()))"
# Who may see and write rows of each kind of tenant table (tenants/scoping.py has the ORM twin).
POLICIES = {
    "partner": (_PARTNER_SIDE, _PARTNER_SIDE),
    "business": (_BUSINESS_SIDE, _BUSINESS_SIDE),
    # Both parties read a shared row; either may write it (the ORM layer narrows further).
    "shared": (f"{_PARTNER_SIDE} OR {_BUSINESS_SIDE}", f"{_PARTNER_SIDE} OR {_BUSINESS_SIDE}"),
}


def enable_statements(table: str, kind: str = "partner") -> list[str]:
    """SQL that puts a tenant table behind row-level security."""
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


def _setting_value(scope: TenantScope | None) -> str:
    return ",".join(str(i) for i in scope.visible_ids) if scope else ""


def _ids(values) -> str:
    return ",".join(str(i) for i in values)


def _apply(connection, scope: TenantScope | None) -> None:
    connection.execute(
        text(
            "SELECT set_config(:name, :value, true), set_config(:b_name, :b_value, true), "
            "set_config(:n_name, :n_value, true)"
        ),
        {
            "name": SETTING,
            "value": _setting_value(scope),
            "b_name": BUSINESS_SETTING,
            "b_value": _ids(scope.business_ids) if scope else "",
            "n_name": BUSINESS_NETWORK_SETTING,
            "n_value": _ids(scope.business_network_ids) if scope else "",
        },
    )


def install(session_class=Session) -> None:
    """Set the scope on every PostgreSQL transaction any session begins."""

    @event.listens_for(session_class, "after_begin")
    def _scope_transaction(session, transaction, connection) -> None:
        if connection.dialect.name == "postgresql":
            _apply(connection, current_scope())

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
        _apply(connection, scope)


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


def protect_tables(op, tables, kind: str = "partner") -> None:
    """In a migration's upgrade: put these tenant tables behind RLS (PostgreSQL only).

    ``kind`` is "partner" (TenantScoped), "business" (BusinessScoped) or "shared" (SharedScoped).
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
