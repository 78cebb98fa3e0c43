"""policy start date, like-with-like snapshots, and targets beyond social value

The network's policy start date, from which "to date" figures count. Two snapshot
tables the workers keep per partner (row-level security like every tenant table):
commitments spread over the years and half-years they cover, and the to-date
figures by contract status and measure. Targets can
now be about a share of procurable spend (local, SME, VCSE), the share of
in-scope contracts paying the Real Living Wage (a percentage each), or spend with
employee-owned firms (£); so the subject is longer and the subject check widens.

Revision ID: f3b6d1e0a925
Revises: b3c7e91d4a05
Create Date: 2026-12-03 14:05:00.000000

"""
import sqlalchemy as sa
from alembic import op

from tenants import rls

# revision identifiers, used by Alembic.
revision = 'f3b6d1e0a925'
down_revision = 'b3c7e91d4a05'
branch_labels = None
depends_on = None

TABLES = ('sv_network_targets', 'sv_partner_targets')
OLD_SUBJECTS = "subject IN ('measure', 'theme', 'total_value')"
NEW_SUBJECTS = ("subject IN ('measure', 'theme', 'total_value', 'local_share', 'sme_share', 'vcse_share', "
                "'rlw_coverage', 'employee_owned_spend')")
OLD_FITS = (
    "(subject = 'measure' AND measure_id IS NOT NULL AND theme_id IS NULL AND (target_quantity IS NOT NULL "
    "OR target_value_pence IS NOT NULL)) OR (subject = 'theme' AND theme_id IS NOT NULL AND measure_id IS NULL "
    "AND target_value_pence IS NOT NULL AND target_quantity IS NULL) OR (subject = 'total_value' AND measure_id "
    "IS NULL AND theme_id IS NULL AND target_value_pence IS NOT NULL AND target_quantity IS NULL)"
)
NEW_FITS = OLD_FITS + (
    " OR (subject IN ('local_share', 'sme_share', 'vcse_share', 'rlw_coverage') AND measure_id IS NULL AND theme_id "
    "IS NULL AND target_percent IS NOT NULL AND target_quantity IS NULL AND target_value_pence IS NULL)"
    " OR (subject IN ('employee_owned_spend') AND measure_id IS NULL AND theme_id IS NULL AND target_value_pence "
    "IS NOT NULL AND target_quantity IS NULL)"
)
SNAPSHOT_TABLES = ('sv_period_totals', 'sv_progress_totals')
PERCENT_FITS = ("target_percent IS NULL OR (subject IN ('local_share', 'sme_share', 'vcse_share', 'rlw_coverage') "
                "AND target_percent >= 0 AND target_percent <= 100)")


def _owned(table: str) -> list:
    return [
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f(f'fk_{table}_organisation_id_organisations'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['measure_id'], ['sv_measures.id'], name=op.f(f'fk_{table}_measure_id_sv_measures'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')),
    ]


def upgrade():
    with op.batch_alter_table('networks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('policy_start_date', sa.Date(), nullable=True))
    op.create_table(
        'sv_period_totals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('period_type', sa.String(length=4), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('measure_id', sa.Integer(), nullable=False),
        sa.Column('committed_quantity', sa.Numeric(precision=20, scale=3), nullable=False),
        sa.Column('committed_value_pence', sa.BigInteger(), nullable=False),
        sa.Column('delivered_quantity', sa.Numeric(precision=20, scale=3), nullable=False),
        sa.Column('delivered_value_pence', sa.BigInteger(), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        *_owned('sv_period_totals'),
        sa.CheckConstraint("period_type IN ('year', 'half')", name=op.f('ck_sv_period_totals_period_type')),
        sa.UniqueConstraint('organisation_id', 'period_type', 'period_start', 'measure_id',
                            name=op.f('uq_sv_period_totals_organisation_id_period_type_period_start_measure_id')),
    )
    op.create_table(
        'sv_progress_totals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('since', sa.Date(), nullable=True),
        sa.Column('contract_status', sa.String(length=9), nullable=False),
        sa.Column('measure_id', sa.Integer(), nullable=False),
        sa.Column('made_quantity', sa.Numeric(precision=20, scale=3), nullable=False),
        sa.Column('made_value_pence', sa.BigInteger(), nullable=False),
        sa.Column('made_original_value_pence', sa.BigInteger(), nullable=False),
        sa.Column('made_count', sa.Integer(), nullable=False),
        sa.Column('against_quantity', sa.Numeric(precision=20, scale=3), nullable=False),
        sa.Column('against_value_pence', sa.BigInteger(), nullable=False),
        sa.Column('delivered_value_pence', sa.BigInteger(), nullable=False),
        sa.Column('delivered_original_value_pence', sa.BigInteger(), nullable=False),
        sa.Column('delivered_count', sa.Integer(), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        *_owned('sv_progress_totals'),
        sa.CheckConstraint("contract_status IN ('live', 'completed')", name=op.f('ck_sv_progress_totals_contract_status')),
        sa.UniqueConstraint('organisation_id', 'contract_status', 'measure_id',
                            name=op.f('uq_sv_progress_totals_organisation_id_contract_status_measure_id')),
    )
    for table in SNAPSHOT_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f'ix_{table}_organisation_id'), ['organisation_id'], unique=False)
    rls.protect_tables(op, SNAPSHOT_TABLES)
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('target_percent', sa.Numeric(precision=5, scale=2), nullable=True))
            batch_op.alter_column('subject', existing_type=sa.String(length=12), type_=sa.String(length=24),
                                  existing_nullable=False)
            batch_op.drop_constraint(batch_op.f(f'ck_{table}_subject'), type_='check')
            batch_op.drop_constraint(batch_op.f(f'ck_{table}_subject_fits'), type_='check')
            batch_op.create_check_constraint(batch_op.f(f'ck_{table}_subject'), NEW_SUBJECTS)
            batch_op.create_check_constraint(batch_op.f(f'ck_{table}_subject_fits'), NEW_FITS)
            batch_op.create_check_constraint(batch_op.f(f'ck_{table}_percent_fits'), PERCENT_FITS)


def downgrade():
    for table in TABLES:
        op.execute(sa.text(f"DELETE FROM {table} WHERE NOT ({OLD_SUBJECTS})"))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'ck_{table}_percent_fits'), type_='check')
            batch_op.drop_constraint(batch_op.f(f'ck_{table}_subject_fits'), type_='check')
            batch_op.drop_constraint(batch_op.f(f'ck_{table}_subject'), type_='check')
            batch_op.create_check_constraint(batch_op.f(f'ck_{table}_subject'), OLD_SUBJECTS)
            batch_op.create_check_constraint(batch_op.f(f'ck_{table}_subject_fits'), OLD_FITS)
            batch_op.alter_column('subject', existing_type=sa.String(length=24), type_=sa.String(length=12),
                                  existing_nullable=False)
            batch_op.drop_column('target_percent')
    rls.unprotect_tables(op, SNAPSHOT_TABLES)
    for table in SNAPSHOT_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_organisation_id'))
        op.drop_table(table)
    with op.batch_alter_table('networks', schema=None) as batch_op:
        batch_op.drop_column('policy_start_date')
