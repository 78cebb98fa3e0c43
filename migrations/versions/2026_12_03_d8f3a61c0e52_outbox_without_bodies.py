"""the outbox keeps no email bodies: a message name and its arguments until sent

An email's body held live reset, invitation and verification links, kept for
ever after sending. Rows now name the message and its non-secret arguments; the
worker renders the body (and signs any link) as it sends, then clears the
arguments. Every stored body is purged here with its column. Emails still
unsent cannot be rendered from a body that is gone: they are marked "dropped"
and the person asks again (a new reset, verification or invitation link).

Revision ID: d8f3a61c0e52
Revises: e8b4c61f0a27
Create Date: 2026-12-03 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd8f3a61c0e52'
down_revision = 'e8b4c61f0a27'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outgoing_emails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message', sa.String(length=60), server_default='text', nullable=False))
        batch_op.add_column(sa.Column('arguments', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('status', sa.String(length=20), server_default='queued', nullable=False))
    op.execute("UPDATE outgoing_emails SET status = CASE WHEN sent_at IS NULL THEN 'dropped' ELSE 'sent' END")
    op.execute("UPDATE outgoing_emails SET last_error = 'Not sent: its body was purged (issue 14).' "
               "WHERE status = 'dropped'")
    with op.batch_alter_table('outgoing_emails', schema=None) as batch_op:
        batch_op.drop_column('body')
        batch_op.alter_column('message', server_default=None)
        batch_op.alter_column('status', server_default=None)
        batch_op.create_check_constraint(op.f('ck_outgoing_emails_status'), "status IN ('queued', 'sent', 'dropped')")


def downgrade():
    # The bodies are gone for good; an empty body stands in for each.
    with op.batch_alter_table('outgoing_emails', schema=None) as batch_op:
        batch_op.drop_constraint('ck_outgoing_emails_status', type_='check')
        batch_op.add_column(sa.Column('body', sa.Text(), server_default='', nullable=False))
        batch_op.drop_column('status')
        batch_op.drop_column('arguments')
        batch_op.drop_column('message')
