"""each partner's choice of measures, headline tags on measures, Social Value Model codes corrected, adopted groups

- ``sv_partner_measures``: the measures of the network's catalogue a partner uses
  (a tenant table, behind row-level security like every partner table).
- ``sv_measures.headline``: the headline figure a measure feeds (apprenticeship
  weeks, local jobs in FTE, spend with local SMEs), set by the catalogue instead
  of found by keywords. Measures the old keyword rule picked keep their place
  in the report: they are tagged once, here.
- ``sv_adopted_beneficiary_groups``: groups a network counts beneficiaries in
  beside the nine protected characteristics (care leavers, armed forces
  community...): the network's, so only a signed transaction reads or writes it.
- The PPN 06/20 outcome codes shipped so far did not follow the Model's award
  criteria numbering (one MAC per policy outcome, MAC 1.1 to MAC 8.1); outcomes
  loaded from it are renamed to the Model's codes, matched on code *and* name.

Revision ID: b3c7e91d4a05
Revises: a3c7e5b19d42
Create Date: 2026-12-03 14:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

from tenants import rls

# revision identifiers, used by Alembic.
revision = 'b3c7e91d4a05'
down_revision = 'a3c7e5b19d42'
branch_labels = None
depends_on = None

# (code shipped before, name, the Model's code)
CODE_FIXES = (
    ("MAC 2.2", "Increase supply chain resilience and capacity", "MAC 3.1"),
    ("MAC 6.1", "Reduce the disability employment gap", "MAC 5.1"),
    ("MAC 6.2", "Tackle workforce inequality", "MAC 6.1"),
    ("MAC 7.2", "Improve community cohesion", "MAC 8.1"),
)


def upgrade():
    op.create_table(
        'sv_partner_measures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('measure_id', sa.Integer(), nullable=False),
        sa.Column('chosen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['measure_id'], ['sv_measures.id'], name=op.f('fk_sv_partner_measures_measure_id_sv_measures'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_sv_partner_measures_organisation_id_organisations'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sv_partner_measures')),
        sa.UniqueConstraint('organisation_id', 'measure_id', name=op.f('uq_sv_partner_measures_organisation_id_measure_id')),
    )
    with op.batch_alter_table('sv_partner_measures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sv_partner_measures_measure_id'), ['measure_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sv_partner_measures_organisation_id'), ['organisation_id'], unique=False)
    rls.protect_tables(op, ["sv_partner_measures"])
    op.create_table(
        'sv_adopted_beneficiary_groups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('network_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('adopted_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['network_id'], ['networks.id'],
                                name=op.f('fk_sv_adopted_beneficiary_groups_network_id_networks'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sv_adopted_beneficiary_groups')),
        sa.UniqueConstraint('network_id', 'name', name=op.f('uq_sv_adopted_beneficiary_groups_network_id_name')),
    )
    with op.batch_alter_table('sv_adopted_beneficiary_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sv_adopted_beneficiary_groups_network_id'), ['network_id'], unique=False)
    rls.protect_tables(op, ["sv_adopted_beneficiary_groups"], kind="signed")

    with op.batch_alter_table('sv_measures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headline', sa.String(length=40), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f('ck_sv_measures_known_headline'),
            "headline IS NULL OR headline IN ('apprenticeship_weeks', 'local_fte', 'local_sme_spend')",
        )
    _unbound(("sv_measures", "sv_outcomes"), [
        ("UPDATE sv_measures SET headline = 'apprenticeship_weeks' "
         "WHERE lower(unit) LIKE '%week%' AND lower(description) LIKE '%apprentic%'"),
        ("UPDATE sv_measures SET headline = 'local_fte' "
         "WHERE headline IS NULL AND lower(unit) LIKE '%fte%' AND lower(description) LIKE '%local%'"),
        *_renames(CODE_FIXES),
    ])


def _renames(fixes):
    # Two steps, so a code that is both renamed and the target of another rename
    # (MAC 6.1) never collides with the (network, code) unique constraint.
    statements = []
    for old, name, new in fixes:
        statements.append(sa.text("UPDATE sv_outcomes SET code = :tmp WHERE code = :old AND name = :name")
                          .bindparams(tmp=f"~{new}", old=old, name=name))
    for _old, name, new in fixes:
        statements.append(sa.text("UPDATE sv_outcomes SET code = :new WHERE code = :tmp AND name = :name")
                          .bindparams(new=new, tmp=f"~{new}", name=name))
    return statements


def _unbound(tables, statements) -> None:
    """Run data fixes past the tables' forced row-level security (which binds their owner too)."""
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        for table in tables:
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    for statement in statements:
        op.execute(statement)
    if postgres:
        for table in tables:
            op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")


def downgrade():
    _unbound(("sv_outcomes",), _renames(tuple((new, name, old) for old, name, new in reversed(CODE_FIXES))))
    with op.batch_alter_table('sv_measures', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_sv_measures_known_headline'), type_='check')
        batch_op.drop_column('headline')
    rls.unprotect_tables(op, ["sv_adopted_beneficiary_groups"])
    with op.batch_alter_table('sv_adopted_beneficiary_groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sv_adopted_beneficiary_groups_network_id'))
    op.drop_table('sv_adopted_beneficiary_groups')
    rls.unprotect_tables(op, ["sv_partner_measures"])
    with op.batch_alter_table('sv_partner_measures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sv_partner_measures_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_sv_partner_measures_measure_id'))
    op.drop_table('sv_partner_measures')
