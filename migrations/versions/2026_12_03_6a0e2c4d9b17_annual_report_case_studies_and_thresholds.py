"""annual report: case studies chosen from delivery reports, and each partner's publishing threshold

A partner's officer chooses which delivery reports' narratives go into its annual
report of a year (``report_case_studies``, a tenant table with row-level security
like every other). Each partner records what its published spend files cover
(over £500 or over £25,000), which the network's report states beside its figure.

Revision ID: 6a0e2c4d9b17
Revises: 1daa5f19c4f4
Create Date: 2026-12-03 14:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

from tenants import rls

# revision identifiers, used by Alembic.
revision = '6a0e2c4d9b17'
down_revision = '1daa5f19c4f4'
branch_labels = None
depends_on = None

TABLES = ('report_case_studies',)


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('publishes_spend_over_pence', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_organisations_publishing_threshold_not_negative'),
            'publishes_spend_over_pence IS NULL OR publishes_spend_over_pence >= 0')
    op.create_table(
        'report_case_studies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('delivery_report_id', sa.Integer(), nullable=False),
        sa.Column('chosen_by_id', sa.Integer(), nullable=True),
        sa.Column('chosen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['chosen_by_id'], ['users.id'], name=op.f('fk_report_case_studies_chosen_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['delivery_report_id'], ['sv_delivery_reports.id'],
                                name=op.f('fk_report_case_studies_delivery_report_id_sv_delivery_reports'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_report_case_studies_organisation_id_organisations'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_case_studies')),
        sa.UniqueConstraint('organisation_id', 'year', 'delivery_report_id',
                            name=op.f('uq_report_case_studies_organisation_id_year_delivery_report_id')),
    )
    with op.batch_alter_table('report_case_studies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_case_studies_delivery_report_id'), ['delivery_report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_case_studies_organisation_id'), ['organisation_id'], unique=False)
    rls.protect_tables(op, TABLES)


def downgrade():
    rls.unprotect_tables(op, TABLES)
    with op.batch_alter_table('report_case_studies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_case_studies_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_report_case_studies_delivery_report_id'))
    op.drop_table('report_case_studies')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_organisations_publishing_threshold_not_negative'), type_='check')
        batch_op.drop_column('publishes_spend_over_pence')
