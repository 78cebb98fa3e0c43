"""one-partner combined rows: seen by that partner only

A row of ``network_spend_totals`` that only one partner's lines went into is that
partner's own figures. Its policy accepted any signed transaction, so raw SQL in
any partner's (or an anonymous visitor's) transaction could read them. The row now
names its partner (``sole_partner_id``) and the policy shows it to a scope holding
that partner only; rows of several partners stay readable to signed transactions,
and writes are accepted only for a network of the scope's own partners.

Revision ID: f1c2d3e4a5b6
Revises: e7a9c3d51f20
Create Date: 2026-12-03 14:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

from tenants import rls

# revision identifiers, used by Alembic.
revision = 'f1c2d3e4a5b6'
down_revision = 'e7a9c3d51f20'
branch_labels = None
depends_on = None

TABLE = "network_spend_totals"
# Each existing one-partner row's partner, from the partners' own rows it was summed from.
_FILL = f"""
UPDATE {TABLE} SET sole_partner_id = (
  SELECT min(s.organisation_id) FROM spend_totals s JOIN organisations o ON o.id = s.organisation_id
  WHERE o.network_id = {TABLE}.network_id AND s.period_type = {TABLE}.period_type
    AND s.period_start = {TABLE}.period_start AND s.breakdown = {TABLE}.breakdown AND s.key = {TABLE}.key)
WHERE partner_count = 1"""


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.add_column(sa.Column('sole_partner_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_network_spend_totals_sole_partner_id_organisations'),
                                    'organisations', ['sole_partner_id'], ['id'], ondelete='CASCADE')
    with rls.owner_unbound(op, (TABLE, "spend_totals", "organisations")):
        op.execute(_FILL)
        # A one-partner row whose partner rows are gone is stale: the next recompute rebuilds it.
        op.execute(f"DELETE FROM {TABLE} WHERE partner_count = 1 AND sole_partner_id IS NULL")
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_network_spend_totals_sole_partner_named'),
                                         "(partner_count = 1) = (sole_partner_id IS NOT NULL)")
    if postgres:
        using, check = rls.POLICIES["combined"]
        op.execute(f"ALTER POLICY tenant_isolation ON {TABLE} USING ({using}) WITH CHECK ({check})")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        using, check = rls.POLICIES["signed"]
        op.execute(f"ALTER POLICY tenant_isolation ON {TABLE} USING ({using}) WITH CHECK ({check})")
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_network_spend_totals_sole_partner_named'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_network_spend_totals_sole_partner_id_organisations'), type_='foreignkey')
        batch_op.drop_column('sole_partner_id')
