"""Anonymous questions (a roadshow setting, chosen per question) and polls that hide their results until closed

Revision ID: d17a0b1c2e3f
Revises: 76ebccb15307
Create Date: 2026-12-07 07:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "d17a0b1c2e3f"
down_revision = "76ebccb15307"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("roadshows") as batch:
        batch.add_column(sa.Column("anonymous_questions", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("roadshow_questions") as batch:
        batch.add_column(sa.Column("is_anonymous", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("roadshow_polls") as batch:
        batch.add_column(sa.Column("hide_results", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("roadshow_polls") as batch:
        batch.drop_column("hide_results")
    with op.batch_alter_table("roadshow_questions") as batch:
        batch.drop_column("is_anonymous")
    with op.batch_alter_table("roadshows") as batch:
        batch.drop_column("anonymous_questions")
