"""bulk social value imports and four-eyes verification

Commitments and delivery reports can come in by the file (``sv_bulk_imports``, one row per
upload); a bulk-imported line carries its identity (``line_key``: content hash and
occurrence) so the same file imported again adds nothing. A commitment dated before its
measure's first edition is valued at the earliest edition and marked so. The network
decides whether a delivery report may be verified by the person who recorded it (not by
default: four eyes).

Revision ID: a3c7e5b19d42
Revises: b3d7e1a94c28
Create Date: 2026-12-03 13:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

from tenants import rls

# revision identifiers, used by Alembic.
revision = 'a3c7e5b19d42'
down_revision = 'b3d7e1a94c28'
branch_labels = None
depends_on = None

PARTNER_TABLES = ("sv_bulk_imports",)


def upgrade():
    op.create_table('sv_bulk_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=60), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('rows_done', sa.Integer(), nullable=False),
    sa.Column('total_rows', sa.Integer(), nullable=False),
    sa.Column('imported_count', sa.Integer(), nullable=False),
    sa.Column('already_held_count', sa.Integer(), nullable=False),
    sa.Column('earliest_edition_count', sa.Integer(), nullable=False),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.Column('failure_reason', sa.Text(), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('commitments', 'delivery')", name=op.f('ck_sv_bulk_imports_kind')),
    sa.CheckConstraint("status IN ('uploaded', 'queued', 'running', 'imported', 'rejected', 'failed')",
                       name=op.f('ck_sv_bulk_imports_status')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_sv_bulk_imports_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_sv_bulk_imports_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sv_bulk_imports'))
    )
    with op.batch_alter_table('sv_bulk_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sv_bulk_imports_organisation_id'), ['organisation_id'], unique=False)
    rls.protect_tables(op, PARTNER_TABLES)

    with op.batch_alter_table('sv_commitments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('valued_at_earliest_edition', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('line_key', sa.String(length=40), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_sv_commitments_organisation_id_line_key'), ['organisation_id', 'line_key'])
    with op.batch_alter_table('sv_delivery_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('line_key', sa.String(length=40), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_sv_delivery_reports_organisation_id_line_key'), ['organisation_id', 'line_key'])
    with op.batch_alter_table('networks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('four_eyes_verification', sa.Boolean(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('networks', schema=None) as batch_op:
        batch_op.drop_column('four_eyes_verification')
    with op.batch_alter_table('sv_delivery_reports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_sv_delivery_reports_organisation_id_line_key'), type_='unique')
        batch_op.drop_column('line_key')
    with op.batch_alter_table('sv_commitments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_sv_commitments_organisation_id_line_key'), type_='unique')
        batch_op.drop_column('line_key')
        batch_op.drop_column('valued_at_earliest_edition')
    rls.unprotect_tables(op, PARTNER_TABLES)
    with op.batch_alter_table('sv_bulk_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sv_bulk_imports_organisation_id'))
    op.drop_table('sv_bulk_imports')
