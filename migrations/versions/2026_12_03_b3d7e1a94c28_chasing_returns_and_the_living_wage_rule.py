"""chasing returns and the living wage rule

Contracts record the three facts the Living Wage Foundation's rule for contractors
asks for, the rule version that decided their Real Living Wage scope, a renewal
date, how often the supplier owes a return, the supplier contact to email and the
contract manager. Two partner tables: the returns chased (one row per return: the
reminder is sent once) and notes on contracts. Both get the partner policy. The
network gains the number of days before a missing return goes to the manager.

Revision ID: b3d7e1a94c28
Revises: f1c2d3e4a5b6
Create Date: 2026-12-03 13:33:54.500984

"""
import sqlalchemy as sa
from alembic import op

from tenants import rls

TENANT_TABLES = ("sv_contract_notes", "sv_return_reminders")


# revision identifiers, used by Alembic.
revision = 'b3d7e1a94c28'
down_revision = 'f1c2d3e4a5b6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sv_contract_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('written_by_id', sa.Integer(), nullable=True),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['sv_contracts.id'], name=op.f('fk_sv_contract_notes_contract_id_sv_contracts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_sv_contract_notes_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['written_by_id'], ['users.id'], name=op.f('fk_sv_contract_notes_written_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sv_contract_notes'))
    )
    with op.batch_alter_table('sv_contract_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sv_contract_notes_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sv_contract_notes_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('sv_return_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('sent_to', sa.String(length=320), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalated_to', sa.String(length=320), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['sv_contracts.id'], name=op.f('fk_sv_return_reminders_contract_id_sv_contracts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_sv_return_reminders_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sv_return_reminders')),
    sa.UniqueConstraint('contract_id', 'period_start', name=op.f('uq_sv_return_reminders_contract_id_period_start'))
    )
    with op.batch_alter_table('sv_return_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sv_return_reminders_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sv_return_reminders_organisation_id'), ['organisation_id'], unique=False)

    with op.batch_alter_table('networks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chase_manager_after_days', sa.Integer(), server_default='14', nullable=False))
        batch_op.create_check_constraint(batch_op.f('ck_networks_chase_manager_after_days'),
                                         "chase_manager_after_days BETWEEN 1 AND 365")

    with op.batch_alter_table('sv_contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rlw_on_premises', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('rlw_hours_on_a_day', sa.Numeric(precision=4, scale=1), nullable=True))
        batch_op.add_column(sa.Column('rlw_weeks_in_a_row', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('rlw_rule_version', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('renewal_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('reporting_frequency', sa.String(length=12), server_default='none', nullable=False))
        batch_op.add_column(sa.Column('supplier_contact_email', sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column('contract_manager_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_sv_contracts_contract_manager_id'), ['contract_manager_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_sv_contracts_contract_manager_id_users'), 'users', ['contract_manager_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint(batch_op.f('ck_sv_contracts_reporting_frequency'),
                                         "reporting_frequency IN ('none', 'quarterly', 'half_yearly', 'annual')")
        batch_op.create_check_constraint(batch_op.f('ck_sv_contracts_rlw_hours_not_negative'),
                                         "rlw_hours_on_a_day IS NULL OR rlw_hours_on_a_day >= 0")
        batch_op.create_check_constraint(batch_op.f('ck_sv_contracts_rlw_weeks_in_a_year'),
                                         "rlw_weeks_in_a_row IS NULL OR rlw_weeks_in_a_row BETWEEN 0 AND 53")

    rls.protect_tables(op, TENANT_TABLES)


def downgrade():
    rls.unprotect_tables(op, TENANT_TABLES)
    with op.batch_alter_table('sv_contracts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_sv_contracts_rlw_weeks_in_a_year'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_sv_contracts_rlw_hours_not_negative'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_sv_contracts_reporting_frequency'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_sv_contracts_contract_manager_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_sv_contracts_contract_manager_id'))
        batch_op.drop_column('contract_manager_id')
        batch_op.drop_column('supplier_contact_email')
        batch_op.drop_column('reporting_frequency')
        batch_op.drop_column('renewal_date')
        batch_op.drop_column('rlw_rule_version')
        batch_op.drop_column('rlw_weeks_in_a_row')
        batch_op.drop_column('rlw_hours_on_a_day')
        batch_op.drop_column('rlw_on_premises')

    with op.batch_alter_table('networks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_networks_chase_manager_after_days'), type_='check')
        batch_op.drop_column('chase_manager_after_days')

    with op.batch_alter_table('sv_return_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sv_return_reminders_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_sv_return_reminders_contract_id'))

    op.drop_table('sv_return_reminders')
    with op.batch_alter_table('sv_contract_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sv_contract_notes_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_sv_contract_notes_contract_id'))

    op.drop_table('sv_contract_notes')
