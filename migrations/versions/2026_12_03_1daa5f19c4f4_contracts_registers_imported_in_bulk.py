"""contracts registers imported in bulk: imports, their problems and differences; contracts keep every register field

A contract's reference stops being unique per partner (registers repeat and omit references):
a register line is identified by its content and occurrence, as spend lines are. Start date and
value may be unknown ("TBC" in a register). The three new tables are the partner's, behind RLS.

Revision ID: 1daa5f19c4f4
Revises: c8d2e6f4a1b7
Create Date: 2026-12-03 13:34:58.944296

"""
import sqlalchemy as sa
from alembic import op

from tenants import rls

# revision identifiers, used by Alembic.
revision = '1daa5f19c4f4'
down_revision = 'c8d2e6f4a1b7'
branch_labels = None
depends_on = None

NEW_TABLES = ("contract_register_imports", "contract_register_problems", "contract_register_differences",
              "contract_register_column_mappings")


def upgrade():
    op.create_table('contract_register_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('column_mapping', sa.JSON(), nullable=False),
    sa.Column('rows_done', sa.Integer(), nullable=False),
    sa.Column('total_rows', sa.Integer(), nullable=True),
    sa.Column('line_count', sa.Integer(), nullable=False),
    sa.Column('error_count', sa.Integer(), nullable=False),
    sa.Column('note_count', sa.Integer(), nullable=False),
    sa.Column('unchanged_count', sa.Integer(), nullable=False),
    sa.Column('added_count', sa.Integer(), nullable=False),
    sa.Column('removed_count', sa.Integer(), nullable=False),
    sa.Column('changed_count', sa.Integer(), nullable=False),
    sa.Column('applied_by_id', sa.Integer(), nullable=True),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failure_reason', sa.Text(), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('register', 'ocds')", name=op.f('ck_contract_register_imports_kind')),
    sa.CheckConstraint("status IN ('uploaded', 'queued', 'running', 'checked', 'applying', 'imported', 'rejected', 'failed')", name=op.f('ck_contract_register_imports_status')),
    sa.ForeignKeyConstraint(['applied_by_id'], ['users.id'], name=op.f('fk_contract_register_imports_applied_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_contract_register_imports_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_contract_register_imports_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_register_imports'))
    )
    with op.batch_alter_table('contract_register_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_register_imports_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('contract_register_column_mappings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('header_signature', sa.String(length=64), nullable=False),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_contract_register_column_mappings_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_register_column_mappings')),
    sa.UniqueConstraint('organisation_id', 'header_signature', name=op.f('uq_contract_register_column_mappings_organisation_id_header_signature'))
    )
    with op.batch_alter_table('contract_register_column_mappings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_register_column_mappings_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('contract_register_differences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('line_number', sa.Integer(), nullable=True),
    sa.Column('reference', sa.String(length=120), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=True),
    sa.Column('supplier_name', sa.String(length=300), nullable=True),
    sa.Column('value_pence', sa.BigInteger(), nullable=True),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('held_title', sa.String(length=300), nullable=True),
    sa.Column('held_supplier_name', sa.String(length=300), nullable=True),
    sa.Column('held_value_pence', sa.BigInteger(), nullable=True),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('added', 'removed', 'changed')", name=op.f('ck_contract_register_differences_kind')),
    sa.ForeignKeyConstraint(['import_id'], ['contract_register_imports.id'], name=op.f('fk_contract_register_differences_import_id_contract_register_imports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_contract_register_differences_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_register_differences'))
    )
    with op.batch_alter_table('contract_register_differences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_register_differences_import_id'), ['import_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_register_differences_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('contract_register_problems',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('line_number', sa.Integer(), nullable=False),
    sa.Column('severity', sa.String(length=6), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('raw', sa.JSON(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("severity IN ('error', 'note')", name=op.f('ck_contract_register_problems_severity')),
    sa.ForeignKeyConstraint(['import_id'], ['contract_register_imports.id'], name=op.f('fk_contract_register_problems_import_id_contract_register_imports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_contract_register_problems_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_register_problems'))
    )
    with op.batch_alter_table('contract_register_problems', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_register_problems_import_id'), ['import_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_register_problems_organisation_id'), ['organisation_id'], unique=False)

    with op.batch_alter_table('sv_contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('supplier_postcode', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('supplier_company_number', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('annual_value_pence', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('expiry_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('category_description', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('is_sme', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('ojeu_fts', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('directorate', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('procurement_process', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('purchasing_body', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('duration_months', sa.Numeric(precision=8, scale=2), nullable=True))
        batch_op.add_column(sa.Column('extension_option_months', sa.Numeric(precision=8, scale=2), nullable=True))
        batch_op.add_column(sa.Column('extension_count', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('extension_1_taken', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('extension_2_taken', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('ocid', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('register_import_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('content_key', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('occurrence', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('line_number', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('as_given', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('left_register_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column('value_pence',
               existing_type=sa.BIGINT(),
               nullable=True)
        batch_op.alter_column('start_date',
               existing_type=sa.DATE(),
               nullable=True)
        batch_op.drop_constraint(batch_op.f('uq_sv_contracts_organisation_id_reference'), type_='unique')
        batch_op.create_index('ix_sv_contracts_organisation_reference', ['organisation_id', 'reference'], unique=False)
        batch_op.create_index(batch_op.f('ix_sv_contracts_register_import_id'), ['register_import_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_sv_contracts_organisation_id_content_key_occurrence'), ['organisation_id', 'content_key', 'occurrence'])
        batch_op.create_foreign_key(batch_op.f('fk_sv_contracts_register_import_id_contract_register_imports'), 'contract_register_imports', ['register_import_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint(batch_op.f('ck_sv_contracts_annual_value_not_negative'), 'annual_value_pence >= 0')

    rls.protect_tables(op, NEW_TABLES)


def downgrade():
    rls.unprotect_tables(op, NEW_TABLES)
    with op.batch_alter_table('sv_contracts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_sv_contracts_annual_value_not_negative'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_sv_contracts_register_import_id_contract_register_imports'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_sv_contracts_organisation_id_content_key_occurrence'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_sv_contracts_register_import_id'))
        batch_op.drop_index('ix_sv_contracts_organisation_reference')
        batch_op.create_unique_constraint(batch_op.f('uq_sv_contracts_organisation_id_reference'), ['organisation_id', 'reference'])
        batch_op.alter_column('start_date',
               existing_type=sa.DATE(),
               nullable=False)
        batch_op.alter_column('value_pence',
               existing_type=sa.BIGINT(),
               nullable=False)
        batch_op.drop_column('left_register_at')
        batch_op.drop_column('as_given')
        batch_op.drop_column('line_number')
        batch_op.drop_column('occurrence')
        batch_op.drop_column('content_key')
        batch_op.drop_column('register_import_id')
        batch_op.drop_column('ocid')
        batch_op.drop_column('extension_2_taken')
        batch_op.drop_column('extension_1_taken')
        batch_op.drop_column('extension_count')
        batch_op.drop_column('extension_option_months')
        batch_op.drop_column('duration_months')
        batch_op.drop_column('purchasing_body')
        batch_op.drop_column('procurement_process')
        batch_op.drop_column('directorate')
        batch_op.drop_column('ojeu_fts')
        batch_op.drop_column('is_sme')
        batch_op.drop_column('category_description')
        batch_op.drop_column('expiry_date')
        batch_op.drop_column('annual_value_pence')
        batch_op.drop_column('supplier_company_number')
        batch_op.drop_column('supplier_postcode')
        batch_op.drop_column('description')

    with op.batch_alter_table('contract_register_problems', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_register_problems_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_contract_register_problems_import_id'))

    op.drop_table('contract_register_problems')
    with op.batch_alter_table('contract_register_differences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_register_differences_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_contract_register_differences_import_id'))

    op.drop_table('contract_register_differences')
    with op.batch_alter_table('contract_register_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_register_imports_organisation_id'))

    op.drop_table('contract_register_imports')
    with op.batch_alter_table('contract_register_column_mappings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_register_column_mappings_organisation_id'))
    op.drop_table('contract_register_column_mappings')
