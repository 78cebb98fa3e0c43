"""companies house lookups: what the live API said about each supplier it was asked about

The reference tables are owner-only on PostgreSQL and swapped whole by each load, so the
live lookup keeps its findings here, one row per supplier.

Revision ID: c4e8a2f61d37
Revises: b291a1f467fb
Create Date: 2026-12-03 06:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4e8a2f61d37'
down_revision = 'b291a1f467fb'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('companies_house_lookups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('company_number', sa.String(length=8), nullable=True),
    sa.Column('status', sa.String(length=80), nullable=True),
    sa.Column('category', sa.String(length=120), nullable=True),
    sa.Column('accounts_category', sa.String(length=40), nullable=True),
    sa.Column('profile', sa.JSON(), nullable=True),
    sa.Column('looked_up_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("outcome IN ('matched', 'candidates', 'no_match')", name=op.f('ck_companies_house_lookups_outcome')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_companies_house_lookups_network_id_networks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_companies_house_lookups_supplier_id_suppliers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_companies_house_lookups')),
    sa.UniqueConstraint('supplier_id', name=op.f('uq_companies_house_lookups_supplier_id'))
    )
    with op.batch_alter_table('companies_house_lookups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_companies_house_lookups_network_id'), ['network_id'], unique=False)


def downgrade():
    with op.batch_alter_table('companies_house_lookups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_companies_house_lookups_network_id'))
    op.drop_table('companies_house_lookups')
