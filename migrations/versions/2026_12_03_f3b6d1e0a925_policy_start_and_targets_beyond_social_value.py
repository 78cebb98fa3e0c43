"""policy start date, and targets beyond social value

The network's policy start date, from which "to date" figures count. Targets can
now be about a share of procurable spend (local, SME, VCSE), the share of
in-scope contracts paying the Real Living Wage (a percentage each), or spend with
employee-owned firms (£); so the subject is longer and the subject check widens.

Revision ID: f3b6d1e0a925
Revises: e7a9c3d51f20
Create Date: 2026-12-03 14:05:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f3b6d1e0a925'
down_revision = 'e7a9c3d51f20'
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
PERCENT_FITS = ("target_percent IS NULL OR (subject IN ('local_share', 'sme_share', 'vcse_share', 'rlw_coverage') "
                "AND target_percent >= 0 AND target_percent <= 100)")


def upgrade():
    with op.batch_alter_table('networks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('policy_start_date', sa.Date(), nullable=True))
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
    with op.batch_alter_table('networks', schema=None) as batch_op:
        batch_op.drop_column('policy_start_date')
