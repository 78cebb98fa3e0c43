"""readiness schema version: the app role may ask which revision the database is at

``/readyz`` checks the database is at the code's Alembic head, but the app role has no grant
on ``alembic_version`` (owner only). ``portal_schema_version()`` (SECURITY DEFINER, owner)
returns the version and nothing else. No table changes; nothing on SQLite, where the app
reads ``alembic_version`` itself.

Revision ID: 355771d241e8
Revises: a839dcdc2364
Create Date: 2026-12-03 17:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '355771d241e8'
down_revision = 'a839dcdc2364'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    # pg_catalog first in the search path, then the schema of alembic_version: a SECURITY DEFINER
    # function must not find an object a caller put earlier in the path.
    op.execute("""
CREATE OR REPLACE FUNCTION portal_schema_version() RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT version_num::text FROM public.alembic_version $$
""")
    # EXECUTE stays with PUBLIC (PostgreSQL's default): a version number is no secret, and only roles
    # granted USAGE on the schema (prepare-postgres: the app role) can reach the function at all.


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION IF EXISTS portal_schema_version()")
