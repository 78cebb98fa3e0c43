"""annual report: benchmarks, other places' published figures the network lead records

``report_benchmarks``: a place, its source (publisher, title, web address), the
financial year, the definition (one the portal can compute, or "other") and the
figure (a percentage or pence). The network's, not one partner's: row-level
security ("network" in tenants/rls.py) shows and accepts a row only in a signed
scope holding one of that network's partners.

Revision ID: e16b3c5a7d92
Revises: c2f5a8d1e6b3
Create Date: 2026-12-03 17:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

from tenants import rls

# revision identifiers, used by Alembic.
revision = 'e16b3c5a7d92'
down_revision = 'c2f5a8d1e6b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'report_benchmarks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('network_id', sa.Integer(), nullable=False),
        sa.Column('place', sa.String(length=120), nullable=False),
        sa.Column('publisher', sa.String(length=200), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=True),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('definition', sa.String(length=40), nullable=False),
        sa.Column('percent', sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column('pence', sa.BigInteger(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('(percent IS NULL) <> (pence IS NULL)', name=op.f('ck_report_benchmarks_one_figure')),
        sa.CheckConstraint("definition IN ('cles_based', 'cles_based_or_branched', 'region', 'sme', 'other')",
                           name=op.f('ck_report_benchmarks_known_definition')),
        sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_report_benchmarks_network_id_networks'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_benchmarks')),
    )
    with op.batch_alter_table('report_benchmarks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_benchmarks_network_id'), ['network_id'], unique=False)
    rls.protect_tables(op, ['report_benchmarks'], kind='network')


def downgrade():
    rls.unprotect_tables(op, ['report_benchmarks'])
    op.drop_table('report_benchmarks')
