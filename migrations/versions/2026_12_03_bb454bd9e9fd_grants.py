"""grants: a grant a partner made (recipient, amount in pence, award date, programme), published in 360Giving

The partner's rows: behind RLS.
Revision ID: bb454bd9e9fd
Revises: e2f0421503b3
Create Date: 2026-12-03 20:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

from tenants import rls

PARTNER_TABLES = ['grants']


# revision identifiers, used by Alembic.
revision = 'bb454bd9e9fd'
down_revision = 'e2f0421503b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('programme', sa.String(length=200), nullable=False),
    sa.Column('recipient_name', sa.String(length=300), nullable=False),
    sa.Column('recipient_charity_number', sa.String(length=20), nullable=True),
    sa.Column('recipient_company_number', sa.String(length=8), nullable=True),
    sa.Column('recipient_postcode', sa.String(length=8), nullable=True),
    sa.Column('recipient_district', sa.String(length=4), nullable=True),
    sa.Column('amount_pence', sa.BigInteger(), nullable=False),
    sa.Column('awarded_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('amount_pence > 0', name=op.f('ck_grants_amount_positive')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_grants_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_grants_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grants'))
    )
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grants_organisation_id'), ['organisation_id'], unique=False)

    rls.protect_tables(op, PARTNER_TABLES)


def downgrade():
    rls.unprotect_tables(op, PARTNER_TABLES)
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grants_organisation_id'))

    op.drop_table('grants')
