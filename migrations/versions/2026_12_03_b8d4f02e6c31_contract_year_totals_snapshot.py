"""contract year totals: each contract's commitments and verified delivery by year, for the report's top contracts

The report listed its top contracts by adding up a year of delivery reports on each request
(over a second at a million reports); the workers now keep one row per contract and year with
the partner's other snapshots. The partner's, behind RLS.

Revision ID: b8d4f02e6c31
Revises: a7c3e91d5b20
Create Date: 2026-12-03 14:55:00

"""
import sqlalchemy as sa
from alembic import op

from tenants import rls

# revision identifiers, used by Alembic.
revision = 'b8d4f02e6c31'
down_revision = 'a7c3e91d5b20'
branch_labels = None
depends_on = None

TABLE = 'sv_contract_totals'


def upgrade():
    op.create_table(
        TABLE,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('committed_value_pence', sa.BigInteger(), nullable=False),
        sa.Column('committed_current_pence', sa.BigInteger(), nullable=False),
        sa.Column('delivered_value_pence', sa.BigInteger(), nullable=False),
        sa.Column('delivered_current_pence', sa.BigInteger(), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f(f'fk_{TABLE}_organisation_id_organisations'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['contract_id'], ['sv_contracts.id'], name=op.f(f'fk_{TABLE}_contract_id_sv_contracts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{TABLE}')),
        sa.UniqueConstraint('organisation_id', 'year', 'contract_id',
                            name=op.f(f'uq_{TABLE}_organisation_id_year_contract_id')),
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{TABLE}_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_sv_contract_totals_year_committed', ['year', 'committed_current_pence'], unique=False)
        batch_op.create_index('ix_sv_contract_totals_year_delivered', ['year', 'delivered_current_pence'], unique=False)
    rls.protect_tables(op, (TABLE,))


def downgrade():
    rls.unprotect_tables(op, (TABLE,))
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index('ix_sv_contract_totals_year_delivered')
        batch_op.drop_index('ix_sv_contract_totals_year_committed')
        batch_op.drop_index(batch_op.f(f'ix_{TABLE}_organisation_id'))
    op.drop_table(TABLE)
