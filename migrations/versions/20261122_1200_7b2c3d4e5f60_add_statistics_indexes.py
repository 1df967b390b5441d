"""add statistics indexes

Date-range filters of the incubator statistics (mentor sessions by start, requests, settlements and
voucher ledger lines by creation) and a startup's sessions by status.

Revision ID: 7b2c3d4e5f60
Revises: 7d4e5f6a7b82
Create Date: 2026-11-22 12:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '7b2c3d4e5f60'
down_revision = '7d4e5f6a7b82'
branch_labels = None
depends_on = None

INDEXES = [
    ('mentor_bookings', 'ix_mentor_bookings_starts_at_status', ['starts_at', 'status']),
    ('mentor_bookings', 'ix_mentor_bookings_startup_id_status', ['startup_id', 'status']),
    ('resource_requests', 'ix_resource_requests_created_at', ['created_at']),
    ('settlements', 'ix_settlements_created_at', ['created_at']),
    ('voucher_entries', 'ix_voucher_entries_created_at', ['created_at']),
]


def upgrade():
    for table, name, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    for table, name, _columns in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
