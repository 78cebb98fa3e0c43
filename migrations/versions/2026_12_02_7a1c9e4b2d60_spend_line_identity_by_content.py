"""spend lines identified by content and occurrence, not reference; replaced and withdrawn lines kept

A transaction number is not unique per line in real files, so the unique key on
(organisation_id, transaction_ref) lost real payments as "duplicates". A line is now
identified by a hash of its content and its occurrence among identical lines. Lines made
before this revision get a key from the fields a line keeps (the file's other mapped
columns were not kept): re-importing one of their files shows its differences and offers
to replace the month, rather than passing as "already held".

Revision ID: 7a1c9e4b2d60
Revises: 2d8f4a6c1b95
Create Date: 2026-12-02 18:00:00.000000

"""
import hashlib

import sqlalchemy as sa
from alembic import op

from tenants import rls

TENANT_TABLES = ("spend_import_differences", "retired_spend_lines")
OLD_STATUSES = ('uploaded', 'queued', 'running', 'imported', 'rejected', 'failed')
NEW_STATUSES = ('uploaded', 'queued', 'running', 'needs_choice', 'imported', 'rejected', 'failed', 'withdrawn')


# revision identifiers, used by Alembic.
revision = '7a1c9e4b2d60'
down_revision = '2d8f4a6c1b95'
branch_labels = None
depends_on = None


def _statuses(values):
    return "status IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def _content_key(payment_date, amount_pence, supplier_name, transaction_ref, expense_type, service_area, category):
    # portal.spend.identity.content_key as of this revision, frozen here, with the columns not kept left empty.
    parts = (str(payment_date)[:10], str(amount_pence), " ".join(supplier_name.split()).casefold(), "", "", "", "",
             transaction_ref or "", expense_type or "", service_area or "", category or "", "", "")
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=12).hexdigest()


def _fill_identities(bind):
    bind.execute(sa.text("UPDATE spend_lines SET transaction_ref = NULL WHERE transaction_ref LIKE 'auto:%'"))
    rows = bind.execute(sa.text(
        "SELECT id, payment_date, amount_pence, supplier_name, transaction_ref, expense_type, service_area, category "
        "FROM spend_lines ORDER BY id")).fetchall()
    update = sa.text("UPDATE spend_lines SET content_key = :key WHERE id = :id")
    batch = []
    for row in rows:
        batch.append({"id": row[0], "key": _content_key(*row[1:])})
        if len(batch) >= 5000:
            bind.execute(update, batch)
            batch = []
    if batch:
        bind.execute(update, batch)
    bind.execute(sa.text(
        "UPDATE spend_lines SET occurrence = r.n FROM (SELECT id, row_number() OVER "
        "(PARTITION BY organisation_id, content_key ORDER BY id) AS n FROM spend_lines) r WHERE r.id = spend_lines.id"))


def upgrade():
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    with op.batch_alter_table('spend_imports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_spend_imports_status'), type_='check')
        batch_op.alter_column('status', existing_type=sa.String(length=12), type_=sa.String(length=16), existing_nullable=False)
        batch_op.alter_column('duplicate_count', new_column_name='already_held_count', existing_type=sa.Integer(), existing_nullable=False)
        for name in ('new_count', 'missing_count', 'changed_count', 'replaced_count', 'shared_reference_lines'):
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('overlap_choice', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('phase', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('choice_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('net_total_pence', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('months', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('total_lines', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_by_id', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_spend_imports_status'), _statuses(NEW_STATUSES))
        batch_op.create_check_constraint(batch_op.f('ck_spend_imports_overlap_choice'), "overlap_choice IN ('replace', 'add')")
        batch_op.create_foreign_key(batch_op.f('fk_spend_imports_choice_by_id_users'), 'users', ['choice_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_spend_imports_withdrawn_by_id_users'), 'users', ['withdrawn_by_id'], ['id'], ondelete='SET NULL')
    # The defaults only filled the rows already there; the models give every new row its values.
    with op.batch_alter_table('spend_imports', schema=None) as batch_op:
        for name in ('new_count', 'missing_count', 'changed_count', 'replaced_count', 'shared_reference_lines', 'months', 'total_lines'):
            batch_op.alter_column(name, server_default=None)

    # On SQLite the table is rebuilt with AUTOINCREMENT: a deleted (retired) line's id is never reused.
    with op.batch_alter_table('spend_lines', schema=None, recreate='always' if not postgres else 'auto',
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_spend_lines_organisation_id_transaction_ref'), type_='unique')
        batch_op.alter_column('transaction_ref', existing_type=sa.String(length=120), nullable=True)
        batch_op.add_column(sa.Column('content_key', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('occurrence', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('payee_unnamed', sa.Boolean(), nullable=False, server_default='0'))
    if postgres:  # the owner is subject to the forced policy: step outside it to rewrite every partner's lines
        op.execute("ALTER TABLE spend_lines NO FORCE ROW LEVEL SECURITY")
    _fill_identities(bind)
    if postgres:
        op.execute("ALTER TABLE spend_lines FORCE ROW LEVEL SECURITY")
    with op.batch_alter_table('spend_lines', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.alter_column('content_key', existing_type=sa.String(length=24), nullable=False)
        batch_op.alter_column('occurrence', existing_type=sa.Integer(), server_default=None, existing_nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_spend_lines_organisation_id_content_key_occurrence'),
                                          ['organisation_id', 'content_key', 'occurrence'])

    op.create_table('spend_import_differences',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('spend_import_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('line_number', sa.Integer(), nullable=True),
    sa.Column('transaction_ref', sa.String(length=120), nullable=True),
    sa.Column('payment_date', sa.Date(), nullable=True),
    sa.Column('amount_pence', sa.BigInteger(), nullable=True),
    sa.Column('supplier_name', sa.String(length=300), nullable=True),
    sa.Column('held_line_id', sa.BigInteger(), nullable=True),
    sa.Column('held_payment_date', sa.Date(), nullable=True),
    sa.Column('held_amount_pence', sa.BigInteger(), nullable=True),
    sa.Column('held_supplier_name', sa.String(length=300), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('new', 'missing', 'changed')", name=op.f('ck_spend_import_differences_kind')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_spend_import_differences_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['spend_import_id'], ['spend_imports.id'], name=op.f('fk_spend_import_differences_spend_import_id_spend_imports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spend_import_differences'))
    )
    with op.batch_alter_table('spend_import_differences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spend_import_differences_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_spend_import_differences_spend_import_id'), ['spend_import_id'], unique=False)

    op.create_table('retired_spend_lines',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('spend_import_id', sa.Integer(), nullable=True),
    sa.Column('transaction_ref', sa.String(length=120), nullable=True),
    sa.Column('payment_date', sa.Date(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('amount_pence', sa.BigInteger(), nullable=False),
    sa.Column('supplier_name', sa.String(length=300), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=True),
    sa.Column('expense_type', sa.String(length=200), nullable=True),
    sa.Column('service_area', sa.String(length=200), nullable=True),
    sa.Column('category', sa.String(length=200), nullable=True),
    sa.Column('content_key', sa.String(length=24), nullable=False),
    sa.Column('occurrence', sa.Integer(), nullable=False),
    sa.Column('payee_unnamed', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=10), nullable=False),
    sa.Column('retired_by_import_id', sa.Integer(), nullable=True),
    sa.Column('retired_by_user_id', sa.Integer(), nullable=True),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("reason IN ('replaced', 'withdrawn')", name=op.f('ck_retired_spend_lines_reason')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_retired_spend_lines_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['retired_by_import_id'], ['spend_imports.id'], name=op.f('fk_retired_spend_lines_retired_by_import_id_spend_imports'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['retired_by_user_id'], ['users.id'], name=op.f('fk_retired_spend_lines_retired_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['spend_import_id'], ['spend_imports.id'], name=op.f('fk_retired_spend_lines_spend_import_id_spend_imports'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_retired_spend_lines_supplier_id_suppliers'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retired_spend_lines'))
    )
    with op.batch_alter_table('retired_spend_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_retired_spend_lines_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_retired_spend_lines_spend_import_id'), ['spend_import_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_retired_spend_lines_retired_by_import_id'), ['retired_by_import_id'], unique=False)
    rls.protect_tables(op, TENANT_TABLES)


def downgrade():
    # Lines that share a reference cannot go back under a unique reference: refuse rather than lose them.
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT 1 FROM spend_lines GROUP BY organisation_id, transaction_ref HAVING count(*) > 1 LIMIT 1")).first():
        raise RuntimeError("spend lines share transaction references: downgrading would lose payments")
    rls.unprotect_tables(op, TENANT_TABLES)
    op.drop_table('retired_spend_lines')
    op.drop_table('spend_import_differences')
    bind.execute(sa.text("UPDATE spend_lines SET transaction_ref = 'auto:' || content_key || ':' || CAST(occurrence AS VARCHAR(12)) "
                         "WHERE transaction_ref IS NULL"))
    with op.batch_alter_table('spend_lines', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_spend_lines_organisation_id_content_key_occurrence'), type_='unique')
        batch_op.drop_column('payee_unnamed')
        batch_op.drop_column('occurrence')
        batch_op.drop_column('content_key')
        batch_op.alter_column('transaction_ref', existing_type=sa.String(length=120), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_spend_lines_organisation_id_transaction_ref'), ['organisation_id', 'transaction_ref'])
    with op.batch_alter_table('spend_imports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_spend_imports_withdrawn_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_spend_imports_choice_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('ck_spend_imports_overlap_choice'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_spend_imports_status'), type_='check')
        for name in ('withdrawn_by_id', 'withdrawn_at', 'months', 'total_lines', 'net_total_pence', 'choice_by_id',
                     'overlap_choice', 'phase', 'shared_reference_lines', 'replaced_count', 'changed_count', 'missing_count', 'new_count'):
            batch_op.drop_column(name)
        batch_op.alter_column('already_held_count', new_column_name='duplicate_count', existing_type=sa.Integer(), existing_nullable=False)
        batch_op.alter_column('status', existing_type=sa.String(length=16), type_=sa.String(length=12), existing_nullable=False)
        batch_op.create_check_constraint(batch_op.f('ck_spend_imports_status'), _statuses(OLD_STATUSES))
