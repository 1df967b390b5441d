"""Index published listings by category and city (lower-cased): search's commonest pair of filters

Revision ID: 5c1e2f3a4b6d
Revises: a17e0c3d5b21
Create Date: 2026-12-07 04:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = "5c1e2f3a4b6d"
down_revision = "a17e0c3d5b21"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_listings_published_category_city", "listings", ["category", sa.text("lower(city)")],
                    postgresql_where=sa.text("status = 'published'"), sqlite_where=sa.text("status = 'published'"))


def downgrade():
    op.drop_index("ix_listings_published_category_city", table_name="listings")
