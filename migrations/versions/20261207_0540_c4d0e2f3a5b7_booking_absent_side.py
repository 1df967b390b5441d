"""Record which side of a no-show did not come (either side can report the other)

Revision ID: c4d0e2f3a5b7
Revises: b3c9d1e2f4a6
Create Date: 2026-12-07 05:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = "c4d0e2f3a5b7"
down_revision = "b3c9d1e2f4a6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("mentor_bookings") as batch:
        batch.add_column(sa.Column("absent_side", sa.String(length=10), nullable=True))
    # until now only the mentor could report a no-show, and it meant the founder did not come
    op.execute("UPDATE mentor_bookings SET absent_side = 'founder' WHERE status = 'no_show'")


def downgrade():
    with op.batch_alter_table("mentor_bookings") as batch:
        batch.drop_column("absent_side")
