"""partners behind each procurable measure of the network's totals

The public summary shows a combined figure only when at least two partners' spend
went into it. Shares are now of procurable spend, split by tier (based, branched,
wider, region, unplaced): each needs to know how many partners it sums, as local,
SME and VCSE spend already do.

Revision ID: c5e1d2a7b940
Revises: c4e8a2f61d37
Create Date: 2026-12-03 06:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

MEASURES = ("procurable", "based", "branched", "wider", "region", "unplaced")

# revision identifiers, used by Alembic.
revision = 'c5e1d2a7b940'
down_revision = 'c4e8a2f61d37'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('network_spend_totals', schema=None) as batch_op:
        for measure in MEASURES:
            batch_op.add_column(sa.Column(f'{measure}_partner_count', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('network_spend_totals', schema=None) as batch_op:
        for measure in reversed(MEASURES):
            batch_op.drop_column(f'{measure}_partner_count')
