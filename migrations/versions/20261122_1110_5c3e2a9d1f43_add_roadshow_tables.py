"""add roadshow tables

The roadshows domain's tables (filled in with that domain's models).

Revision ID: 5c3e2a9d1f43
Revises: 4b2d1f8c0e32
Create Date: 2026-11-22 11:10:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '5c3e2a9d1f43'
down_revision = '4b2d1f8c0e32'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
