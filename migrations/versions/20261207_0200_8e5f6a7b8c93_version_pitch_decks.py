"""version pitch decks

A pitch's shown deck has a revision, bumped when a new deck's pages replace it (page URLs carry it, so
no cache shows the old pages), and the reason the newest upload could not be rendered.

Revision ID: 8e5f6a7b8c93
Revises: 9b2c3d4e5f60
Create Date: 2026-12-07 01:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '8e5f6a7b8c93'
down_revision = '9b2c3d4e5f60'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pitches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deck_revision', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('deck_error', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('pitches', schema=None) as batch_op:
        batch_op.drop_column('deck_error')
        batch_op.drop_column('deck_revision')
