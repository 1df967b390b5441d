"""invitation sequence, session location, reminder time

- `mentor_bookings.ics_sequence`: the invitation's SEQUENCE (RFC 5545), one more with each change sent.
- `mentor_session_types.location_kind` / `location_detail`: where its sessions happen (the platform's
  session room, an external link, a phone number, an address).
- `mentor_booking_reminders.starts_at`: the booking time a reminder was for; the unique key becomes
  (booking, kind, time), so a booking that moves is reminded again. Existing rows take their booking's time.

Revision ID: 5e7a1c2b9d40
Revises: 5e6f7a8b9c0d
Create Date: 2026-12-07 04:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5e7a1c2b9d40'
down_revision = '5e6f7a8b9c0d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mentor_bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ics_sequence', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('mentor_session_types', schema=None) as batch_op:
        batch_op.add_column(sa.Column('location_kind', sa.String(length=20), server_default='platform',
                                      nullable=False))
        batch_op.add_column(sa.Column('location_detail', sa.String(length=500), server_default='', nullable=False))
    with op.batch_alter_table('mentor_booking_reminders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('starts_at', sa.DateTime(timezone=True), nullable=True))
    op.execute('UPDATE mentor_booking_reminders SET starts_at = (SELECT b.starts_at FROM mentor_bookings b '
               'WHERE b.id = mentor_booking_reminders.booking_id)')
    with op.batch_alter_table('mentor_booking_reminders', schema=None) as batch_op:
        batch_op.alter_column('starts_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.drop_constraint('uq_mentor_booking_reminders_booking_id_kind', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_mentor_booking_reminders_booking_id_kind_starts_at'),
                                          ['booking_id', 'kind', 'starts_at'])


def downgrade():
    # keep one row per (booking, kind) so the old unique key holds again
    op.execute('DELETE FROM mentor_booking_reminders WHERE id NOT IN (SELECT MAX(id) FROM mentor_booking_reminders '
               'GROUP BY booking_id, kind)')
    with op.batch_alter_table('mentor_booking_reminders', schema=None) as batch_op:
        batch_op.drop_constraint('uq_mentor_booking_reminders_booking_id_kind_starts_at', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_mentor_booking_reminders_booking_id_kind'),
                                          ['booking_id', 'kind'])
        batch_op.drop_column('starts_at')
    with op.batch_alter_table('mentor_session_types', schema=None) as batch_op:
        batch_op.drop_column('location_detail')
        batch_op.drop_column('location_kind')
    with op.batch_alter_table('mentor_bookings', schema=None) as batch_op:
        batch_op.drop_column('ics_sequence')
