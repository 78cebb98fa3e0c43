"""public social value: each partner opts in

Revision ID: d4e7a2b9c6f1
Revises: 6a0e2c4d9b17
Create Date: 2026-12-03 15:15:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd4e7a2b9c6f1'
down_revision = '6a0e2c4d9b17'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shows_social_value_publicly', sa.Boolean(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('shows_social_value_publicly')
