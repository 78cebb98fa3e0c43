"""signed tenant scope: row-level security the app role cannot forge, on every table

The policies used to trust ``app.tenant_ids``, which the app role may set to anything.
Now each transaction's scope carries an HMAC of its ids and its transaction, checked by
``app_scope_is_signed()`` (SECURITY DEFINER, owner) with the key in
``portal_private.scope_key``, which only the owner reads; ``flask db upgrade`` writes
the key (migrations/env.py). The policies call the list functions as ``(SELECT f())``,
an InitPlan, so the signature is checked once per statement. Tables that are no one
tenant's (people, partners, networks, the network's suppliers and totals, the outbox)
get a policy too: only a signed transaction sees or writes them. ``alembic_version`` is
taken from the app role.

pgcrypto (for ``hmac()``) is a trusted extension since PostgreSQL 13: the database's
owner creates it, no superuser needed.

Revision ID: e8b4c61f0a27
Revises: c5e1d2a7b940
Create Date: 2026-12-03 10:05:00.000000

"""
from alembic import op

from tenants import rls

# revision identifiers, used by Alembic.
revision = 'e8b4c61f0a27'
down_revision = 'c5e1d2a7b940'
branch_labels = None
depends_on = None

# Had no policy; now only a transaction the app's scope code signed sees or writes them.
SIGNED_TABLES = (
    "businesses", "category_cpv", "companies_house_lookups", "matching_text_weights", "memberships",
    "network_leads", "network_spend_totals", "networks", "organisations", "outgoing_emails", "spend_periods",
    "supplier_aliases", "supplier_match_candidates", "supplier_register_candidates", "suppliers", "sv_measures",
    "sv_network_beneficiary_totals", "sv_network_targets", "sv_network_totals", "sv_outcomes", "sv_proxy_values",
    "sv_themes", "users",
)

_OLD = {
    "partner": "organisation_id = ANY (app_visible_organisations())",
    "business": "(business_id = ANY (app_visible_businesses()) OR network_id = ANY (app_business_networks()))",
}
_OLD["shared"] = f"{_OLD['partner']} OR {_OLD['business']}"


def _tenant_policies(bind) -> dict[str, str]:
    """Each table with a tenant policy, and its kind (read from the functions its policy calls)."""
    kinds = {}
    for table, qual in bind.exec_driver_sql(
        "SELECT tablename, qual FROM pg_policies WHERE schemaname = 'public' AND policyname = 'tenant_isolation'"
    ):
        partner, business = "app_visible_organisations" in qual, "app_visible_businesses" in qual
        if partner or business:
            kinds[table] = "shared" if partner and business else "partner" if partner else "business"
    return kinds


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute(f"CREATE SCHEMA IF NOT EXISTS {rls.PRIVATE_SCHEMA}")
    op.execute(f"REVOKE ALL ON SCHEMA {rls.PRIVATE_SCHEMA} FROM PUBLIC")
    op.execute(f"CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA {rls.PRIVATE_SCHEMA}")
    op.execute(
        f"CREATE TABLE {rls.KEY_TABLE} (id boolean PRIMARY KEY DEFAULT true CHECK (id), "
        "key bytea NOT NULL, set_at timestamptz NOT NULL DEFAULT now())"
    )
    op.execute(f"REVOKE ALL ON {rls.KEY_TABLE} FROM PUBLIC")
    op.execute(rls.CREATE_SIGNED_FUNCTION)
    for statement in rls.SIGNED_LIST_FUNCTIONS:
        op.execute(statement)
    for table, kind in _tenant_policies(bind).items():
        using, check = rls.POLICIES[kind]
        op.execute(f"ALTER POLICY tenant_isolation ON {table} USING ({using}) WITH CHECK ({check})")
    rls.protect_tables(op, SIGNED_TABLES, kind="signed")
    from portal.dbsetup import owner_only_statement

    op.execute(owner_only_statement("alembic_version"))


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    rls.unprotect_tables(op, SIGNED_TABLES)
    for table, kind in _tenant_policies(bind).items():
        op.execute(f"ALTER POLICY tenant_isolation ON {table} USING ({_OLD[kind]}) WITH CHECK ({_OLD[kind]})")
    op.execute(rls.CREATE_VISIBLE_FUNCTION)
    for statement in rls.CREATE_BUSINESS_FUNCTIONS:
        op.execute(statement)
    op.execute("DROP FUNCTION IF EXISTS public.app_scope_is_signed()")
    op.execute(f"DROP TABLE IF EXISTS {rls.KEY_TABLE}")
    op.execute("DROP EXTENSION IF EXISTS pgcrypto")
    op.execute(f"DROP SCHEMA IF EXISTS {rls.PRIVATE_SCHEMA}")
