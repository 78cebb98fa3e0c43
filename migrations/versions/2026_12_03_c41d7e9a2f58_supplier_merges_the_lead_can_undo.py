"""supplier merges the lead can undo

A merge deletes the merged supplier; each merge now keeps what it changed (the merged
supplier's row, the kept one's before, the spellings that moved and the review pairs it
removed) so the lead can undo it exactly. The network's, like the suppliers: a signed table.

Revision ID: c41d7e9a2f58
Revises: 355771d241e8
Create Date: 2026-12-03 17:00:00

"""
import sqlalchemy as sa
from alembic import op

from tenants import rls

# revision identifiers, used by Alembic.
revision = 'c41d7e9a2f58'
down_revision = '355771d241e8'
branch_labels = None
depends_on = None

TABLE = 'supplier_merges'


def upgrade():
    op.create_table(
        TABLE,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('network_id', sa.Integer(), nullable=False),
        sa.Column('kept_supplier_id', sa.Integer(), nullable=True),
        sa.Column('merged_supplier_id', sa.Integer(), nullable=False),
        sa.Column('merged_supplier', sa.JSON(), nullable=False),
        sa.Column('kept_before', sa.JSON(), nullable=False),
        sa.Column('alias_ids', sa.JSON(), nullable=False),
        sa.Column('other_line_ids', sa.JSON(), nullable=False),
        sa.Column('pairs', sa.JSON(), nullable=False),
        sa.Column('merged_by_id', sa.Integer(), nullable=True),
        sa.Column('merged_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('undone_by_id', sa.Integer(), nullable=True),
        sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f(f'fk_{TABLE}_network_id_networks'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['kept_supplier_id'], ['suppliers.id'], name=op.f(f'fk_{TABLE}_kept_supplier_id_suppliers'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['merged_by_id'], ['users.id'], name=op.f(f'fk_{TABLE}_merged_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['undone_by_id'], ['users.id'], name=op.f(f'fk_{TABLE}_undone_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{TABLE}')),
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{TABLE}_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f(f'ix_{TABLE}_kept_supplier_id'), ['kept_supplier_id'], unique=False)
    rls.protect_tables(op, (TABLE,), kind="signed")


def downgrade():
    rls.unprotect_tables(op, (TABLE,))
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f(f'ix_{TABLE}_kept_supplier_id'))
        batch_op.drop_index(batch_op.f(f'ix_{TABLE}_network_id'))
    op.drop_table(TABLE)
