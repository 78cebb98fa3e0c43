"""one-partner social value network rows: seen by that partner only

``sv_network_totals`` holds each partner's own figures as "partner" rows, and sums that
only one partner went into; both were readable by any signed transaction. As for
``network_spend_totals`` (f1c2d3e4a5b6), such a row now names its partner and the
"combined" policy shows it to a scope holding that partner only.

Revision ID: c8d2e6f4a1b7
Revises: f3b6d1e0a925
Create Date: 2026-12-03 14:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

from tenants import rls

# revision identifiers, used by Alembic.
revision = 'c8d2e6f4a1b7'
down_revision = 'f3b6d1e0a925'
branch_labels = None
depends_on = None

TABLE = "sv_network_totals"
_FILL = (
    f"UPDATE {TABLE} SET sole_partner_id = CAST(key AS INTEGER) WHERE breakdown = 'partner'",
    f"""UPDATE {TABLE} SET sole_partner_id = (
  SELECT min(s.organisation_id) FROM sv_totals s JOIN organisations o ON o.id = s.organisation_id
  WHERE o.network_id = {TABLE}.network_id AND s.year = {TABLE}.year AND s.breakdown = {TABLE}.breakdown
    AND s.key = {TABLE}.key)
WHERE partner_count = 1 AND breakdown <> 'partner'""",
    # A one-partner row whose partner's rows are gone is stale: the next recompute rebuilds it.
    f"DELETE FROM {TABLE} WHERE partner_count = 1 AND sole_partner_id IS NULL",
)
_READ_FOR_FILL = (TABLE, "sv_totals", "organisations")


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.add_column(sa.Column('sole_partner_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_sv_network_totals_sole_partner_id_organisations'),
                                    'organisations', ['sole_partner_id'], ['id'], ondelete='CASCADE')
    with rls.owner_unbound(op, _READ_FOR_FILL):
        for statement in _FILL:
            op.execute(statement)
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_sv_network_totals_sole_partner_named'),
                                         "(partner_count = 1) = (sole_partner_id IS NOT NULL)")
    if postgres:
        using, check = rls.POLICIES["combined"]
        op.execute(f"ALTER POLICY tenant_isolation ON {TABLE} USING ({using}) WITH CHECK ({check})")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        using, check = rls.POLICIES["signed"]
        op.execute(f"ALTER POLICY tenant_isolation ON {TABLE} USING ({using}) WITH CHECK ({check})")
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_sv_network_totals_sole_partner_named'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_sv_network_totals_sole_partner_id_organisations'), type_='foreignkey')
        batch_op.drop_column('sole_partner_id')
