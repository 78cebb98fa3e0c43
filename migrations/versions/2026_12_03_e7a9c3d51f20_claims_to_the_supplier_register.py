"""claims to the supplier register, proven by the network lead

A registered business's company number (or name and postcode) used to link it to
the network's supplier register at once, and told it so. Now that is a claim the
lead confirms or rejects; links made without proof become pending claims.

Revision ID: e7a9c3d51f20
Revises: d8f3a61c0e52
Create Date: 2026-12-03 10:05:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e7a9c3d51f20'
down_revision = 'd8f3a61c0e52'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sme_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_supplier_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('claim_status', sa.String(length=10), nullable=True))
        batch_op.create_index(batch_op.f('ix_sme_profiles_claimed_supplier_id'), ['claimed_supplier_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_sme_profiles_claimed_supplier_id_suppliers'), 'suppliers',
                                    ['claimed_supplier_id'], ['id'], ondelete='SET NULL')
    # No link so far was proven: each becomes a claim waiting for the lead. The table's forced
    # row-level security binds its owner too, so it is lifted for this one statement.
    _unbound("UPDATE sme_profiles SET claimed_supplier_id = supplier_id, claim_status = 'pending', supplier_id = NULL "
             "WHERE supplier_id IS NOT NULL")


def _unbound(statement: str) -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("ALTER TABLE sme_profiles NO FORCE ROW LEVEL SECURITY")
    op.execute(statement)
    if postgres:
        op.execute("ALTER TABLE sme_profiles FORCE ROW LEVEL SECURITY")


def downgrade():
    _unbound("UPDATE sme_profiles SET supplier_id = claimed_supplier_id WHERE claim_status IN ('pending', 'confirmed')")
    with op.batch_alter_table('sme_profiles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_sme_profiles_claimed_supplier_id_suppliers'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_sme_profiles_claimed_supplier_id'))
        batch_op.drop_column('claim_status')
        batch_op.drop_column('claimed_supplier_id')
