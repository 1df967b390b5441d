"""add conversations and meetings

Conversations between a pitch's founders and interested investors, their messages and read markers,
meeting offers with their times, the meetings made by accepting one, and sent meeting reminders.

Revision ID: 7c3d4e5f6a71
Revises: 7b2c3d4e5f60
Create Date: 2026-11-22 13:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c3d4e5f6a71'
down_revision = '7b2c3d4e5f60'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('conversations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_low_id', sa.Integer(), nullable=False),
    sa.Column('user_high_id', sa.Integer(), nullable=False),
    sa.Column('context_key', sa.String(length=40), server_default='', nullable=False),
    sa.Column('pitch_id', sa.Integer(), nullable=True),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('last_message_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('user_low_id < user_high_id', name=op.f('ck_conversations_ordered_pair')),
    sa.ForeignKeyConstraint(['pitch_id'], ['pitches.id'], name=op.f('fk_conversations_pitch_id_pitches'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], name=op.f('fk_conversations_started_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_high_id'], ['users.id'], name=op.f('fk_conversations_user_high_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_low_id'], ['users.id'], name=op.f('fk_conversations_user_low_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversations')),
    sa.UniqueConstraint('user_low_id', 'user_high_id', 'context_key', name=op.f('uq_conversations_user_low_id_user_high_id_context_key'))
    )
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversations_pitch_id'), ['pitch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conversations_user_high_id'), ['user_high_id'], unique=False)

    op.create_table('conversation_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('last_read_id', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_conversation_participants_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_conversation_participants_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_participants')),
    sa.UniqueConstraint('conversation_id', 'user_id', name=op.f('uq_conversation_participants_conversation_id_user_id'))
    )
    with op.batch_alter_table('conversation_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversation_participants_user_id'), ['user_id'], unique=False)

    op.create_table('meeting_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('founder_id', sa.Integer(), nullable=False),
    sa.Column('investor_id', sa.Integer(), nullable=False),
    sa.Column('location', sa.String(length=500), server_default='', nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('status', sa.String(length=20), server_default='pending', nullable=False),
    sa.Column('last_starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decline_reason', sa.String(length=500), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_meeting_offers_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['founder_id'], ['users.id'], name=op.f('fk_meeting_offers_founder_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['investor_id'], ['users.id'], name=op.f('fk_meeting_offers_investor_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_offers'))
    )
    with op.batch_alter_table('meeting_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_offers_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_offers_founder_id'), ['founder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_offers_investor_id'), ['investor_id'], unique=False)

    op.create_table('conversation_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), server_default='text', nullable=False),
    sa.Column('body', sa.Text(), server_default='', nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_conversation_messages_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_conversation_messages_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['offer_id'], ['meeting_offers.id'], name=op.f('fk_conversation_messages_offer_id_meeting_offers'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_messages'))
    )
    with op.batch_alter_table('conversation_messages', schema=None) as batch_op:
        batch_op.create_index('ix_conversation_messages_conversation_id_id', ['conversation_id', 'id'], unique=False)

    op.create_table('meeting_offer_times',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('duration_minutes >= 5', name=op.f('ck_meeting_offer_times_duration_positive')),
    sa.ForeignKeyConstraint(['offer_id'], ['meeting_offers.id'], name=op.f('fk_meeting_offer_times_offer_id_meeting_offers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_offer_times')),
    sa.UniqueConstraint('offer_id', 'starts_at', name=op.f('uq_meeting_offer_times_offer_id_starts_at'))
    )
    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('founder_id', sa.Integer(), nullable=False),
    sa.Column('investor_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('location', sa.String(length=500), server_default='', nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('status', sa.String(length=20), server_default='confirmed', nullable=False),
    sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
    sa.Column('cancel_reason', sa.String(length=500), server_default='', nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cancelled_by_id'], ['users.id'], name=op.f('fk_meetings_cancelled_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_meetings_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['founder_id'], ['users.id'], name=op.f('fk_meetings_founder_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['investor_id'], ['users.id'], name=op.f('fk_meetings_investor_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['offer_id'], ['meeting_offers.id'], name=op.f('fk_meetings_offer_id_meeting_offers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings')),
    sa.UniqueConstraint('offer_id', name=op.f('uq_meetings_offer_id'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index('ix_meetings_founder_id_starts_at', ['founder_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_meetings_investor_id_starts_at', ['investor_id', 'starts_at'], unique=False)

    op.create_table('meeting_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_reminders_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_reminders')),
    sa.UniqueConstraint('meeting_id', 'kind', name=op.f('uq_meeting_reminders_meeting_id_kind'))
    )


def downgrade():
    op.drop_table('meeting_reminders')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_investor_id_starts_at')
        batch_op.drop_index('ix_meetings_founder_id_starts_at')
        batch_op.drop_index(batch_op.f('ix_meetings_conversation_id'))

    op.drop_table('meetings')
    op.drop_table('meeting_offer_times')
    with op.batch_alter_table('conversation_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_conversation_messages_conversation_id_id')

    op.drop_table('conversation_messages')
    with op.batch_alter_table('meeting_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_offers_investor_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_offers_founder_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_offers_conversation_id'))

    op.drop_table('meeting_offers')
    with op.batch_alter_table('conversation_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversation_participants_user_id'))

    op.drop_table('conversation_participants')
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversations_user_high_id'))
        batch_op.drop_index(batch_op.f('ix_conversations_pitch_id'))

    op.drop_table('conversations')
