"""matches: two composite foreign keys instead of four single ones

Every match written paid four foreign-key checks; two keys of two columns each check the same
references in half the lookups, and also that the partner is the opportunity's and the network
the business's (bench/matching.py: inserting 376,000 matches 7.2 s -> 5.2 s).

Revision ID: c16c0446675f
Revises: 5e7a9c3b1d20
Create Date: 2026-11-26 01:06:41.373467

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c16c0446675f'
down_revision = '5e7a9c3b1d20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('businesses', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_businesses_id_network_id'), ['id', 'network_id'])

    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_opportunities_id_organisation_id'), ['id', 'organisation_id'])

    with op.batch_alter_table('opportunity_matches', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_opportunity_matches_organisation_id_organisations'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_opportunity_matches_business_id_businesses'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_opportunity_matches_network_id_networks'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_opportunity_matches_opportunity_id_opportunities'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_opportunity_matches_business_id_businesses'), 'businesses', ['business_id', 'network_id'], ['id', 'network_id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_opportunity_matches_opportunity_id_opportunities'), 'opportunities', ['opportunity_id', 'organisation_id'], ['id', 'organisation_id'], ondelete='CASCADE')



def downgrade():
    with op.batch_alter_table('opportunity_matches', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_opportunity_matches_opportunity_id_opportunities'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_opportunity_matches_business_id_businesses'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_opportunity_matches_opportunity_id_opportunities'), 'opportunities', ['opportunity_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_opportunity_matches_network_id_networks'), 'networks', ['network_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_opportunity_matches_business_id_businesses'), 'businesses', ['business_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_opportunity_matches_organisation_id_organisations'), 'organisations', ['organisation_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_opportunities_id_organisation_id'), type_='unique')

    with op.batch_alter_table('businesses', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_businesses_id_network_id'), type_='unique')

