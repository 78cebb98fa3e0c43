"""spend lines: an index for the lines page's newest-first order

Revision ID: 5e7a9c3b1d20
Revises: 4c8e1f2a9b63
Create Date: 2026-11-26 01:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5e7a9c3b1d20'
down_revision = '4c8e1f2a9b63'
branch_labels = None
depends_on = None


def upgrade():
    # Measured with bench/profile_pages.py: the lines page sorted all of a partner's lines
    # (100,000 for the demo council) for every page of 50.
    with op.batch_alter_table('spend_lines', schema=None) as batch_op:
        batch_op.create_index('ix_spend_lines_organisation_payment_date', ['organisation_id', 'payment_date', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('spend_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_spend_lines_organisation_payment_date')
