"""Add gold-mentor open days (seats and waitlist), the gold-mentor criteria, the startup's stage at booking, and
the group invitations' sequence per session type

Revision ID: d7e1f2a3b4c5
Revises: c4d0e2f3a5b7
Create Date: 2026-12-07 07:30:00
"""
import sqlalchemy as sa
from alembic import op


revision = "d7e1f2a3b4c5"
down_revision = "c4d0e2f3a5b7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("mentor_bookings") as batch:
        batch.add_column(sa.Column("startup_stage", sa.String(length=40), nullable=True))
    with op.batch_alter_table("mentor_session_types") as batch:
        batch.add_column(sa.Column("ics_sequence", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "mentor_open_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=500), server_default="", nullable=False),
        sa.Column("status", sa.String(length=20), server_default="scheduled", nullable=False),
        sa.Column("ics_sequence", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("seats >= 1", name=op.f("ck_mentor_open_days_seats_positive")),
        sa.CheckConstraint("starts_at < ends_at", name=op.f("ck_mentor_open_days_start_before_end")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_mentor_open_days_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentor_open_days")),
    )
    op.create_index("ix_mentor_open_days_status_starts_at", "mentor_open_days", ["status", "starts_at"])
    op.create_table(
        "mentor_open_day_mentors",
        sa.Column("open_day_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["open_day_id"], ["mentor_open_days.id"],
                                name=op.f("fk_mentor_open_day_mentors_open_day_id_mentor_open_days"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_mentor_open_day_mentors_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("open_day_id", "user_id", name=op.f("pk_mentor_open_day_mentors")),
    )
    op.create_table(
        "mentor_open_day_places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("open_day_id", sa.Integer(), nullable=False),
        sa.Column("founder_id", sa.Integer(), nullable=False),
        sa.Column("seat_no", sa.Integer(), nullable=True),
        sa.Column("topic", sa.String(length=500), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("seated_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("seat_no >= 1", name=op.f("ck_mentor_open_day_places_seat_positive")),
        sa.ForeignKeyConstraint(["founder_id"], ["users.id"], name=op.f("fk_mentor_open_day_places_founder_id_users"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["open_day_id"], ["mentor_open_days.id"],
                                name=op.f("fk_mentor_open_day_places_open_day_id_mentor_open_days"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentor_open_day_places")),
        sa.UniqueConstraint("open_day_id", "founder_id", name=op.f("uq_mentor_open_day_places_open_day_id_founder_id")),
        sa.UniqueConstraint("open_day_id", "seat_no", name=op.f("uq_mentor_open_day_places_open_day_id_seat_no")),
    )
    op.create_index(op.f("ix_mentor_open_day_places_founder_id"), "mentor_open_day_places", ["founder_id"])
    op.create_table(
        "mentor_gold_criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("min_sessions", sa.Integer(), server_default="5", nullable=False),
        sa.Column("min_rating", sa.Float(), server_default="4.5", nullable=False),
        sa.Column("max_no_show_rate", sa.Float(), server_default="0.1", nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"],
                                name=op.f("fk_mentor_gold_criteria_updated_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentor_gold_criteria")),
    )


def downgrade():
    op.drop_table("mentor_gold_criteria")
    op.drop_index(op.f("ix_mentor_open_day_places_founder_id"), table_name="mentor_open_day_places")
    op.drop_table("mentor_open_day_places")
    op.drop_table("mentor_open_day_mentors")
    op.drop_index("ix_mentor_open_days_status_starts_at", table_name="mentor_open_days")
    op.drop_table("mentor_open_days")
    with op.batch_alter_table("mentor_session_types") as batch:
        batch.drop_column("ics_sequence")
    with op.batch_alter_table("mentor_bookings") as batch:
        batch.drop_column("startup_stage")
