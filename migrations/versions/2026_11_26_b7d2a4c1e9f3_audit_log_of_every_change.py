"""audit log of every change: object, before and after; the app role may not edit it

Revision ID: b7d2a4c1e9f3
Revises: df0784d4097b
Create Date: 2026-11-26 09:00:00

"""
from alembic import op
import sqlalchemy as sa

from portal.dbsetup import append_only_statement, editable_statement

# revision identifiers, used by Alembic.
revision = 'b7d2a4c1e9f3'
down_revision = 'df0784d4097b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('object_type', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('object_id', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('before', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('after', sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_events_user_id'), ['user_id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(append_only_statement('audit_events'))


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(editable_statement('audit_events'))
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_user_id'))
        batch_op.drop_column('after')
        batch_op.drop_column('before')
        batch_op.drop_column('object_id')
        batch_op.drop_column('object_type')
