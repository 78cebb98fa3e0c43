"""contracts register imports: when the worker started and last beat, so a dead worker's import is failed

Revision ID: a7c3e91d5b20
Revises: d4e7a2b9c6f1
Create Date: 2026-12-03 14:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c3e91d5b20'
down_revision = 'd4e7a2b9c6f1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contract_register_imports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('contract_register_imports', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('queued_at')
