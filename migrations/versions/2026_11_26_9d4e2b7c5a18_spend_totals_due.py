"""spend totals due: the months whose totals a change made stale, written with the change

Revision ID: 9d4e2b7c5a18
Revises: 3f6a1c2d8e47
Create Date: 2026-11-26 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from tenants import rls

TENANT_TABLES = ("spend_totals_pending",)


# revision identifiers, used by Alembic.
revision = '9d4e2b7c5a18'
down_revision = '3f6a1c2d8e47'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('spend_totals_pending',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_spend_totals_pending_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spend_totals_pending'))
    )
    with op.batch_alter_table('spend_totals_pending', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spend_totals_pending_organisation_id'), ['organisation_id'], unique=False)
    rls.protect_tables(op, TENANT_TABLES)


def downgrade():
    rls.unprotect_tables(op, TENANT_TABLES)
    with op.batch_alter_table('spend_totals_pending', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spend_totals_pending_organisation_id'))
    op.drop_table('spend_totals_pending')
