"""Startups get a table of their own: sector, stage, summary, needs and highlights move from `organisations`
(where they were NULL for every provider) to `startups`, one row per startup with the organisation's id.

Revision ID: e4f5a6b7c8d9
Revises: d17a0b1c2e3f
Create Date: 2026-12-07 11:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "e4f5a6b7c8d9"
down_revision = "d17a0b1c2e3f"
branch_labels = None
depends_on = None

COLUMNS = ("sector", "stage", "summary", "needs", "highlights")
INDEXED = ("sector", "stage")


def _columns():
    return [sa.Column("sector", sa.String(length=40), nullable=True),
            sa.Column("stage", sa.String(length=40), nullable=True),
            sa.Column("summary", sa.String(length=500), nullable=True),
            sa.Column("needs", sa.Text(), nullable=True),
            sa.Column("highlights", sa.Text(), nullable=True)]


def _drop_from_organisations():
    # Not a batch (copy-and-rename) on SQLite: dropping `organisations` there, with foreign keys on, would
    # cascade to every table that refers to it. SQLite 3.35+ drops a column in place, once its index is gone.
    for column in INDEXED:
        op.drop_index(f"ix_organisations_{column}", table_name="organisations")
    for column in COLUMNS:
        op.execute(f"ALTER TABLE organisations DROP COLUMN {column}")


def upgrade():
    op.create_table(
        "startups",
        sa.Column("id", sa.Integer(), nullable=False),
        *_columns(),
        sa.ForeignKeyConstraint(["id"], ["organisations.id"], name=op.f("fk_startups_id_organisations"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_startups")),
    )
    for column in INDEXED:
        op.create_index(op.f(f"ix_startups_{column}"), "startups", [column], unique=False)
    listed = ", ".join(COLUMNS)
    op.execute(f"INSERT INTO startups (id, {listed}) SELECT id, {listed} FROM organisations WHERE kind = 'startup'")
    _drop_from_organisations()


def downgrade():
    for column in _columns():
        op.add_column("organisations", column)
    for column in INDEXED:
        op.create_index(op.f(f"ix_organisations_{column}"), "organisations", [column], unique=False)
    for column in COLUMNS:
        op.execute(f"UPDATE organisations SET {column} = (SELECT s.{column} FROM startups s "
                   f"WHERE s.id = organisations.id)")
    for column in INDEXED:
        op.drop_index(op.f(f"ix_startups_{column}"), table_name="startups")
    op.drop_table("startups")
