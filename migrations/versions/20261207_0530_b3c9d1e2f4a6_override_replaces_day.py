"""A date override can replace the weekly hours of the days it touches

Revision ID: b3c9d1e2f4a6
Revises: 5c1e2f3a4b6d
Create Date: 2026-12-07 05:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "b3c9d1e2f4a6"
down_revision = "5c1e2f3a4b6d"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("mentor_availability_overrides") as batch:
        batch.add_column(sa.Column("replaces_day", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.create_check_constraint(op.f("ck_mentor_availability_overrides_replace_is_available"),
                                     "NOT replaces_day OR available")


def downgrade():
    with op.batch_alter_table("mentor_availability_overrides") as batch:
        batch.drop_constraint(op.f("ck_mentor_availability_overrides_replace_is_available"), type_="check")
        batch.drop_column("replaces_day")
