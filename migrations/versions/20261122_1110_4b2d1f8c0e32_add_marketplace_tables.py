"""add marketplace tables

The marketplace domain's tables (filled in with that domain's models).

Revision ID: 4b2d1f8c0e32
Revises: 3a1c0e7b9d21
Create Date: 2026-11-22 11:10:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '4b2d1f8c0e32'
down_revision = '3a1c0e7b9d21'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
