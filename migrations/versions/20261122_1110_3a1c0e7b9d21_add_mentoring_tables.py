"""add mentoring tables

The mentoring domain's tables (filled in with that domain's models).

Revision ID: 3a1c0e7b9d21
Revises: 12684fee3899
Create Date: 2026-11-22 11:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3a1c0e7b9d21'
down_revision = '12684fee3899'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mentor_calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mentor_calendar_feeds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_calendar_feeds')),
    sa.UniqueConstraint('token', name=op.f('uq_mentor_calendar_feeds_token')),
    sa.UniqueConstraint('user_id', name=op.f('uq_mentor_calendar_feeds_user_id'))
    )
    op.create_table('mentor_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('headline', sa.String(length=200), server_default='', nullable=False),
    sa.Column('bio', sa.Text(), server_default='', nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('sectors', sa.JSON(), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('timezone', sa.String(length=64), server_default='Asia/Shanghai', nullable=False),
    sa.Column('is_listed', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('lock_version', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mentor_profiles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_profiles')),
    sa.UniqueConstraint('user_id', name=op.f('uq_mentor_profiles_user_id'))
    )
    op.create_table('mentor_availability_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('available', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('note', sa.String(length=200), server_default='', nullable=False),
    sa.CheckConstraint('starts_at < ends_at', name=op.f('ck_mentor_availability_overrides_start_before_end')),
    sa.ForeignKeyConstraint(['mentor_id'], ['mentor_profiles.id'], name=op.f('fk_mentor_availability_overrides_mentor_id_mentor_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_availability_overrides'))
    )
    with op.batch_alter_table('mentor_availability_overrides', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentor_availability_overrides_mentor_id'), ['mentor_id'], unique=False)

    op.create_table('mentor_availability_windows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.SmallInteger(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.CheckConstraint('start_time < end_time', name=op.f('ck_mentor_availability_windows_start_before_end')),
    sa.CheckConstraint('weekday >= 0 AND weekday <= 6', name=op.f('ck_mentor_availability_windows_weekday_range')),
    sa.ForeignKeyConstraint(['mentor_id'], ['mentor_profiles.id'], name=op.f('fk_mentor_availability_windows_mentor_id_mentor_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_availability_windows'))
    )
    with op.batch_alter_table('mentor_availability_windows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentor_availability_windows_mentor_id'), ['mentor_id'], unique=False)

    op.create_table('mentor_session_types',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.Integer(), server_default='1', nullable=False),
    sa.Column('min_notice_minutes', sa.Integer(), server_default='240', nullable=False),
    sa.Column('max_days_ahead', sa.Integer(), server_default='60', nullable=False),
    sa.Column('buffer_before_minutes', sa.Integer(), server_default='0', nullable=False),
    sa.Column('buffer_after_minutes', sa.Integer(), server_default='0', nullable=False),
    sa.Column('requires_approval', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('cancellation_window_minutes', sa.Integer(), server_default='1440', nullable=False),
    sa.Column('is_active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('capacity >= 1', name=op.f('ck_mentor_session_types_capacity_positive')),
    sa.CheckConstraint('duration_minutes >= 5', name=op.f('ck_mentor_session_types_duration_positive')),
    sa.ForeignKeyConstraint(['mentor_id'], ['mentor_profiles.id'], name=op.f('fk_mentor_session_types_mentor_id_mentor_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_session_types'))
    )
    with op.batch_alter_table('mentor_session_types', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentor_session_types_mentor_id'), ['mentor_id'], unique=False)

    op.create_table('mentor_booking_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('session_type_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['mentor_id'], ['mentor_profiles.id'], name=op.f('fk_mentor_booking_slots_mentor_id_mentor_profiles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_type_id'], ['mentor_session_types.id'], name=op.f('fk_mentor_booking_slots_session_type_id_mentor_session_types'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_booking_slots')),
    sa.UniqueConstraint('mentor_id', 'session_type_id', 'starts_at', name=op.f('uq_mentor_booking_slots_mentor_id_session_type_id_starts_at'))
    )
    op.create_table('mentor_bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('session_type_id', sa.Integer(), nullable=False),
    sa.Column('founder_id', sa.Integer(), nullable=False),
    sa.Column('startup_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('topic', sa.Text(), server_default='', nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('late_cancellation', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
    sa.Column('cancel_reason', sa.String(length=500), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('notes', sa.Text(), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['cancelled_by_id'], ['users.id'], name=op.f('fk_mentor_bookings_cancelled_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['founder_id'], ['users.id'], name=op.f('fk_mentor_bookings_founder_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mentor_id'], ['mentor_profiles.id'], name=op.f('fk_mentor_bookings_mentor_id_mentor_profiles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_type_id'], ['mentor_session_types.id'], name=op.f('fk_mentor_bookings_session_type_id_mentor_session_types'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['startup_id'], ['organisations.id'], name=op.f('fk_mentor_bookings_startup_id_organisations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_bookings'))
    )
    with op.batch_alter_table('mentor_bookings', schema=None) as batch_op:
        batch_op.create_index('ix_mentor_bookings_founder_id_starts_at', ['founder_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_mentor_bookings_mentor_id_starts_at', ['mentor_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentor_bookings_session_type_id'), ['session_type_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentor_bookings_status'), ['status'], unique=False)

    op.create_table('mentor_action_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('is_done', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('carried_from_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['booking_id'], ['mentor_bookings.id'], name=op.f('fk_mentor_action_items_booking_id_mentor_bookings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['carried_from_id'], ['mentor_action_items.id'], name=op.f('fk_mentor_action_items_carried_from_id_mentor_action_items'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_mentor_action_items_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_action_items'))
    )
    with op.batch_alter_table('mentor_action_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentor_action_items_booking_id'), ['booking_id'], unique=False)

    op.create_table('mentor_booking_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.String(length=10), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('rating', sa.SmallInteger(), nullable=False),
    sa.Column('comment', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('rating >= 1 AND rating <= 5', name=op.f('ck_mentor_booking_feedback_rating_range')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_mentor_booking_feedback_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['booking_id'], ['mentor_bookings.id'], name=op.f('fk_mentor_booking_feedback_booking_id_mentor_bookings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_booking_feedback')),
    sa.UniqueConstraint('booking_id', 'side', name=op.f('uq_mentor_booking_feedback_booking_id_side'))
    )
    op.create_table('mentor_booking_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['mentor_bookings.id'], name=op.f('fk_mentor_booking_reminders_booking_id_mentor_bookings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_booking_reminders')),
    sa.UniqueConstraint('booking_id', 'kind', name=op.f('uq_mentor_booking_reminders_booking_id_kind'))
    )
    op.create_table('mentor_booking_seats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('seat_no', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('seat_no >= 1', name=op.f('ck_mentor_booking_seats_seat_positive')),
    sa.ForeignKeyConstraint(['booking_id'], ['mentor_bookings.id'], name=op.f('fk_mentor_booking_seats_booking_id_mentor_bookings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['slot_id'], ['mentor_booking_slots.id'], name=op.f('fk_mentor_booking_seats_slot_id_mentor_booking_slots')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_booking_seats')),
    sa.UniqueConstraint('booking_id', name=op.f('uq_mentor_booking_seats_booking_id')),
    sa.UniqueConstraint('slot_id', 'seat_no', name=op.f('uq_mentor_booking_seats_slot_id_seat_no'))
    )
    op.create_table('mentor_session_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['mentor_bookings.id'], name=op.f('fk_mentor_session_messages_booking_id_mentor_bookings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mentor_session_messages_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_session_messages'))
    )
    with op.batch_alter_table('mentor_session_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentor_session_messages_booking_id'), ['booking_id'], unique=False)

    op.create_table('mentor_time_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('grain_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['mentor_id'], ['mentor_profiles.id'], name=op.f('fk_mentor_time_claims_mentor_id_mentor_profiles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['slot_id'], ['mentor_booking_slots.id'], name=op.f('fk_mentor_time_claims_slot_id_mentor_booking_slots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_time_claims')),
    sa.UniqueConstraint('mentor_id', 'grain_at', name=op.f('uq_mentor_time_claims_mentor_id_grain_at'))
    )
    with op.batch_alter_table('mentor_time_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentor_time_claims_slot_id'), ['slot_id'], unique=False)

    op.create_table('mentor_waitlist_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_type_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('founder_id', sa.Integer(), nullable=False),
    sa.Column('topic', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['booking_id'], ['mentor_bookings.id'], name=op.f('fk_mentor_waitlist_entries_booking_id_mentor_bookings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['founder_id'], ['users.id'], name=op.f('fk_mentor_waitlist_entries_founder_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_type_id'], ['mentor_session_types.id'], name=op.f('fk_mentor_waitlist_entries_session_type_id_mentor_session_types'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_waitlist_entries')),
    sa.UniqueConstraint('session_type_id', 'starts_at', 'founder_id', name=op.f('uq_mentor_waitlist_entries_session_type_id_starts_at_founder_id'))
    )
    with op.batch_alter_table('mentor_waitlist_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentor_waitlist_entries_founder_id'), ['founder_id'], unique=False)



def downgrade():
    with op.batch_alter_table('mentor_waitlist_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentor_waitlist_entries_founder_id'))

    op.drop_table('mentor_waitlist_entries')
    with op.batch_alter_table('mentor_time_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentor_time_claims_slot_id'))

    op.drop_table('mentor_time_claims')
    with op.batch_alter_table('mentor_session_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentor_session_messages_booking_id'))

    op.drop_table('mentor_session_messages')
    op.drop_table('mentor_booking_seats')
    op.drop_table('mentor_booking_reminders')
    op.drop_table('mentor_booking_feedback')
    with op.batch_alter_table('mentor_action_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentor_action_items_booking_id'))

    op.drop_table('mentor_action_items')
    with op.batch_alter_table('mentor_bookings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentor_bookings_status'))
        batch_op.drop_index(batch_op.f('ix_mentor_bookings_session_type_id'))
        batch_op.drop_index('ix_mentor_bookings_mentor_id_starts_at')
        batch_op.drop_index('ix_mentor_bookings_founder_id_starts_at')

    op.drop_table('mentor_bookings')
    op.drop_table('mentor_booking_slots')
    with op.batch_alter_table('mentor_session_types', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentor_session_types_mentor_id'))

    op.drop_table('mentor_session_types')
    with op.batch_alter_table('mentor_availability_windows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentor_availability_windows_mentor_id'))

    op.drop_table('mentor_availability_windows')
    with op.batch_alter_table('mentor_availability_overrides', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentor_availability_overrides_mentor_id'))

    op.drop_table('mentor_availability_overrides')
    op.drop_table('mentor_profiles')
    op.drop_table('mentor_calendar_feeds')

