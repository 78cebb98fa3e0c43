"""matching text weights kept between runs

A full run re-learns them weekly (or when the network has grown or shrunk by a tenth); every run
between uses them, so a night when 1% of profiles changed rewrites those profiles' pairs only.

Revision ID: e57da2db4237
Revises: c16c0446675f
Create Date: 2026-11-26 01:10:22.558953

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e57da2db4237'
down_revision = 'c16c0446675f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('matching_text_weights',
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('learnt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('business_count', sa.Integer(), nullable=False),
    sa.Column('terms', sa.JSON(), nullable=False),
    sa.Column('idf', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_matching_text_weights_network_id_networks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('network_id', name=op.f('pk_matching_text_weights'))
    )


def downgrade():
    op.drop_table('matching_text_weights')
