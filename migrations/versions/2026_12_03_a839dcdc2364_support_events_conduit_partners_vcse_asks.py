"""support and events: support given to businesses, events and registrations, conduit partners, VCSEs' own asks

Support records, registrations and a VCSE's asks are shared rows (the partner and the business),
events are the partner's; all behind RLS. An offer to meet an ask keeps the supplier it came from
and, once accepted, the commitment it became. A conduit partner reports no spend.

Revision ID: a839dcdc2364
Revises: e16b3c5a7d92
Create Date: 2026-12-03 16:46:53.922396

"""
import sqlalchemy as sa
from alembic import op

from tenants import rls

# revision identifiers, used by Alembic.
revision = 'a839dcdc2364'
down_revision = 'e16b3c5a7d92'
branch_labels = None
depends_on = None

PARTNER_TABLES = ('support_events',)
SHARED_TABLES = ('support_records', 'event_registrations', 'business_asks')


def upgrade():
    op.create_table('support_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('meet_the_buyer', 'supplier_day', 'workshop', 'other')", name=op.f('ck_support_events_kind')),
    sa.CheckConstraint('capacity >= 1', name=op.f('ck_support_events_capacity_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_support_events_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_support_events_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_events')),
    sa.UniqueConstraint('id', 'organisation_id', name=op.f('uq_support_events_id_organisation_id'))
    )
    with op.batch_alter_table('support_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_events_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_events_starts_at'), ['starts_at'], unique=False)

    op.create_table('support_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('hours', sa.Numeric(precision=7, scale=2), nullable=False),
    sa.Column('programme', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('one_to_one', 'workshop', 'bid_writing', 'decarbonisation_advice', 'mentoring', 'funded_programme')", name=op.f('ck_support_records_kind')),
    sa.CheckConstraint('hours >= 0', name=op.f('ck_support_records_hours_not_negative')),
    sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_support_records_business_id_businesses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_support_records_network_id_networks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_support_records_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_support_records_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_records'))
    )
    with op.batch_alter_table('support_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_records_business_id'), ['business_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_records_given_on'), ['given_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_records_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_records_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('event_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('contact_email', sa.String(length=320), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_event_registrations_business_id_businesses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id', 'organisation_id'], ['support_events.id', 'support_events.organisation_id'], name=op.f('fk_event_registrations_event_id_support_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_event_registrations_network_id_networks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_event_registrations_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_registrations')),
    sa.UniqueConstraint('event_id', 'business_id', name=op.f('uq_event_registrations_event_id_business_id'))
    )
    with op.batch_alter_table('event_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_registrations_business_id'), ['business_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_registrations_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_registrations_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_registrations_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('business_asks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('postcode_district', sa.String(length=4), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ask_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('mentoring', 'work_placements', 'apprenticeships', 'careers_talks', 'decarbonisation_help', 'volunteering', 'local_recruitment', 'donations_in_kind')", name=op.f('ck_business_asks_kind')),
    sa.CheckConstraint("status IN ('waiting', 'published', 'declined', 'met')", name=op.f('ck_business_asks_status')),
    sa.ForeignKeyConstraint(['ask_id'], ['social_value_asks.id'], name=op.f('fk_business_asks_ask_id_social_value_asks'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_business_asks_business_id_businesses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_business_asks_network_id_networks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_business_asks_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_asks'))
    )
    with op.batch_alter_table('business_asks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_business_asks_ask_id'), ['ask_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_business_asks_business_id'), ['business_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_business_asks_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_business_asks_organisation_id'), ['organisation_id'], unique=False)

    with op.batch_alter_table('ask_offers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('supplier_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('accepted_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('commitment_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_ask_offers_accepted_by_id_users'), 'users', ['accepted_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_ask_offers_commitment_id_sv_commitments'), 'sv_commitments', ['commitment_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_ask_offers_supplier_id_suppliers'), 'suppliers', ['supplier_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('conduit', sa.Boolean(), server_default='0', nullable=False))

    rls.protect_tables(op, PARTNER_TABLES)
    rls.protect_tables(op, SHARED_TABLES, kind="shared")


def downgrade():
    rls.unprotect_tables(op, PARTNER_TABLES + SHARED_TABLES)
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('conduit')

    with op.batch_alter_table('ask_offers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ask_offers_supplier_id_suppliers'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_ask_offers_commitment_id_sv_commitments'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_ask_offers_accepted_by_id_users'), type_='foreignkey')
        batch_op.drop_column('commitment_id')
        batch_op.drop_column('accepted_by_id')
        batch_op.drop_column('accepted_at')
        batch_op.drop_column('supplier_id')

    with op.batch_alter_table('business_asks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_business_asks_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_business_asks_network_id'))
        batch_op.drop_index(batch_op.f('ix_business_asks_business_id'))
        batch_op.drop_index(batch_op.f('ix_business_asks_ask_id'))

    op.drop_table('business_asks')
    with op.batch_alter_table('event_registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_registrations_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_event_registrations_network_id'))
        batch_op.drop_index(batch_op.f('ix_event_registrations_event_id'))
        batch_op.drop_index(batch_op.f('ix_event_registrations_business_id'))

    op.drop_table('event_registrations')
    with op.batch_alter_table('support_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_records_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_support_records_network_id'))
        batch_op.drop_index(batch_op.f('ix_support_records_given_on'))
        batch_op.drop_index(batch_op.f('ix_support_records_business_id'))

    op.drop_table('support_records')
    with op.batch_alter_table('support_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_events_starts_at'))
        batch_op.drop_index(batch_op.f('ix_support_events_organisation_id'))

    op.drop_table('support_events')
