"""spend imports: a heartbeat, so an import whose worker died can be failed and retried

Revision ID: 3f6a1c2d8e47
Revises: b7d2a4c1e9f3
Create Date: 2026-11-26 21:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f6a1c2d8e47'
down_revision = 'b7d2a4c1e9f3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('spend_imports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('spend_imports', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
