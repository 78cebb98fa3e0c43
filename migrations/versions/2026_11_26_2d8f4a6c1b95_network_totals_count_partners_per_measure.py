"""network totals count the partners behind their local, SME and VCSE spend

The public summary withholds a measure only one partner had: that figure would be the partner's
own. Rows computed before this revision say 0 partners, so those measures stay withheld until the
workers next recompute the network's totals (nightly, or at the next import).

Revision ID: 2d8f4a6c1b95
Revises: e57da2db4237
Create Date: 2026-11-26 04:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2d8f4a6c1b95'
down_revision = 'e57da2db4237'
branch_labels = None
depends_on = None

COLUMNS = ("local_partner_count", "sme_partner_count", "vcse_partner_count")


def upgrade():
    with op.batch_alter_table('network_spend_totals', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('network_spend_totals', schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
