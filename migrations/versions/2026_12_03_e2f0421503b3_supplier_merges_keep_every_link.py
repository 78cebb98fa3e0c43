"""supplier merges keep every link they move

A merge deleted the merged supplier, so the database set its contracts', bids', offers' and
businesses' links to NULL and deleted its register candidates and Companies House look-up: an
undo could not put them back. A merge now points those links at the supplier it keeps and writes
down which rows it moved (``moved_links``) and the rows the delete took (``removed_rows``).
Merges made before have neither: '{}'.

Revision ID: e2f0421503b3
Revises: 3c7e2a9f41d8
Create Date: 2026-12-03 20:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e2f0421503b3'
down_revision = '3c7e2a9f41d8'
branch_labels = None
depends_on = None

TABLE = 'supplier_merges'


def upgrade():
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.add_column(sa.Column('moved_links', sa.JSON(), server_default='{}', nullable=False))
        batch_op.add_column(sa.Column('removed_rows', sa.JSON(), server_default='{}', nullable=False))


def downgrade():
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_column('removed_rows')
        batch_op.drop_column('moved_links')
