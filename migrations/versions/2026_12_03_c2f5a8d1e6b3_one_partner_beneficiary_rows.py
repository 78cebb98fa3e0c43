"""one-partner network beneficiary counts: seen by that partner only

``sv_network_beneficiary_totals`` (people counted by ward and by protected group, summed over
the network's partners) was readable by any signed transaction. A count only one partner's
reports went into is that partner's own; as for ``sv_network_totals`` (c8d2e6f4a1b7), such a
row now names its partner and the "combined" policy shows it to a scope holding that partner only.

Revision ID: c2f5a8d1e6b3
Revises: b8d4f02e6c31
Create Date: 2026-12-03 16:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

from tenants import rls

# revision identifiers, used by Alembic.
revision = 'c2f5a8d1e6b3'
down_revision = 'b8d4f02e6c31'
branch_labels = None
depends_on = None

TABLE = "sv_network_beneficiary_totals"
_PARTNERS = f"""FROM sv_beneficiary_totals s JOIN organisations o ON o.id = s.organisation_id
  WHERE o.network_id = {TABLE}.network_id AND s.year = {TABLE}.year AND s.breakdown = {TABLE}.breakdown
    AND s.key = {TABLE}.key"""
_FILL = (
    f"UPDATE {TABLE} SET partner_count = (SELECT count(DISTINCT s.organisation_id) {_PARTNERS})",
    f"UPDATE {TABLE} SET sole_partner_id = (SELECT min(s.organisation_id) {_PARTNERS}) WHERE partner_count = 1",
    # A count whose partners' rows are gone is stale: the next recompute rebuilds it.
    f"DELETE FROM {TABLE} WHERE partner_count = 0",
)
_READ_FOR_FILL = (TABLE, "sv_beneficiary_totals", "organisations")


def upgrade():
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.add_column(sa.Column('partner_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('sole_partner_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_sv_network_beneficiary_totals_sole_partner_id_organisations'),
                                    'organisations', ['sole_partner_id'], ['id'], ondelete='CASCADE')
    with rls.owner_unbound(op, _READ_FOR_FILL):
        for statement in _FILL:
            op.execute(statement)
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.alter_column('partner_count', server_default=None)
        batch_op.create_check_constraint(batch_op.f('ck_sv_network_beneficiary_totals_sole_partner_named'),
                                         "(partner_count = 1) = (sole_partner_id IS NOT NULL)")
    if op.get_bind().dialect.name == "postgresql":
        using, check = rls.POLICIES["combined"]
        op.execute(f"ALTER POLICY tenant_isolation ON {TABLE} USING ({using}) WITH CHECK ({check})")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        using, check = rls.POLICIES["signed"]
        op.execute(f"ALTER POLICY tenant_isolation ON {TABLE} USING ({using}) WITH CHECK ({check})")
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_sv_network_beneficiary_totals_sole_partner_named'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_sv_network_beneficiary_totals_sole_partner_id_organisations'),
                                 type_='foreignkey')
        batch_op.drop_column('sole_partner_id')
        batch_op.drop_column('partner_count')
