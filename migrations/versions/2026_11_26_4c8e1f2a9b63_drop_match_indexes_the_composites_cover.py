"""drop the opportunity matches' single-column indexes that the unique and the composite cover

Revision ID: 4c8e1f2a9b63
Revises: 9d4e2b7c5a18
Create Date: 2026-11-26 22:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4c8e1f2a9b63'
down_revision = '9d4e2b7c5a18'
branch_labels = None
depends_on = None


def upgrade():
    # opportunity_id leads the unique (opportunity_id, business_id), business_id the (business_id, score)
    # index, and no query reads by organisation_id alone: each was paid on every match written, for nothing.
    with op.batch_alter_table('opportunity_matches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opportunity_matches_opportunity_id'))
        batch_op.drop_index(batch_op.f('ix_opportunity_matches_business_id'))
        batch_op.drop_index(batch_op.f('ix_opportunity_matches_organisation_id'))


def downgrade():
    with op.batch_alter_table('opportunity_matches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opportunity_matches_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_opportunity_matches_business_id'), ['business_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_opportunity_matches_opportunity_id'), ['opportunity_id'], unique=False)
