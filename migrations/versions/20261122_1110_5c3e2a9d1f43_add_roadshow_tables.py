"""add roadshow tables

The roadshows domain's tables (filled in with that domain's models).

Revision ID: 5c3e2a9d1f43
Revises: 4b2d1f8c0e32
Create Date: 2026-11-22 11:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c3e2a9d1f43'
down_revision = '4b2d1f8c0e32'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('roadshows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('visibility', sa.String(length=20), server_default='public', nullable=False),
    sa.Column('status', sa.String(length=20), server_default='scheduled', nullable=False),
    sa.Column('premoderate_questions', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('leaderboard_published', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('current_pitch_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_roadshows_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshows'))
    )
    with op.batch_alter_table('roadshows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadshows_starts_at'), ['starts_at'], unique=False)

    op.create_table('pitches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('roadshow_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), server_default='0', nullable=False),
    sa.Column('startup_id', sa.Integer(), nullable=False),
    sa.Column('presenter_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), server_default='10', nullable=False),
    sa.Column('stream_url', sa.String(length=500), nullable=True),
    sa.Column('state', sa.String(length=20), server_default='upcoming', nullable=False),
    sa.Column('deck_status', sa.String(length=20), server_default='none', nullable=False),
    sa.Column('deck_pages', sa.Integer(), server_default='0', nullable=False),
    sa.Column('deck_path', sa.String(length=500), nullable=True),
    sa.Column('current_slide', sa.Integer(), server_default='1', nullable=False),
    sa.Column('deadline_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['presenter_id'], ['users.id'], name=op.f('fk_pitches_presenter_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['roadshow_id'], ['roadshows.id'], name=op.f('fk_pitches_roadshow_id_roadshows'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['startup_id'], ['organisations.id'], name=op.f('fk_pitches_startup_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pitches'))
    )
    with op.batch_alter_table('pitches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pitches_presenter_id'), ['presenter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pitches_roadshow_id'), ['roadshow_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pitches_startup_id'), ['startup_id'], unique=False)

    op.create_table('roadshow_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('roadshow_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('deleted', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.ForeignKeyConstraint(['roadshow_id'], ['roadshows.id'], name=op.f('fk_roadshow_messages_roadshow_id_roadshows'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_roadshow_messages_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshow_messages')),
    sa.UniqueConstraint('roadshow_id', 'user_id', 'client_id', name=op.f('uq_roadshow_messages_roadshow_id_user_id_client_id'))
    )
    with op.batch_alter_table('roadshow_messages', schema=None) as batch_op:
        batch_op.create_index('ix_roadshow_messages_roadshow_id_id', ['roadshow_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roadshow_messages_user_id'), ['user_id'], unique=False)

    op.create_table('roadshow_mutes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('roadshow_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('muted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['muted_by_id'], ['users.id'], name=op.f('fk_roadshow_mutes_muted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['roadshow_id'], ['roadshows.id'], name=op.f('fk_roadshow_mutes_roadshow_id_roadshows'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_roadshow_mutes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshow_mutes')),
    sa.UniqueConstraint('roadshow_id', 'user_id', name=op.f('uq_roadshow_mutes_roadshow_id_user_id'))
    )
    with op.batch_alter_table('roadshow_mutes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadshow_mutes_roadshow_id'), ['roadshow_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roadshow_mutes_user_id'), ['user_id'], unique=False)

    op.create_table('roadshow_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('roadshow_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['roadshow_id'], ['roadshows.id'], name=op.f('fk_roadshow_registrations_roadshow_id_roadshows'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_roadshow_registrations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshow_registrations')),
    sa.UniqueConstraint('roadshow_id', 'user_id', name=op.f('uq_roadshow_registrations_roadshow_id_user_id'))
    )
    with op.batch_alter_table('roadshow_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadshow_registrations_roadshow_id'), ['roadshow_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roadshow_registrations_user_id'), ['user_id'], unique=False)

    op.create_table('roadshow_roles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('roadshow_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['roadshow_id'], ['roadshows.id'], name=op.f('fk_roadshow_roles_roadshow_id_roadshows'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_roadshow_roles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshow_roles')),
    sa.UniqueConstraint('roadshow_id', 'user_id', 'role', name=op.f('uq_roadshow_roles_roadshow_id_user_id_role'))
    )
    with op.batch_alter_table('roadshow_roles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadshow_roles_roadshow_id'), ['roadshow_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roadshow_roles_user_id'), ['user_id'], unique=False)

    op.create_table('roadshow_stage_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('roadshow_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_roadshow_stage_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['roadshow_id'], ['roadshows.id'], name=op.f('fk_roadshow_stage_events_roadshow_id_roadshows'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshow_stage_events'))
    )
    with op.batch_alter_table('roadshow_stage_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadshow_stage_events_roadshow_id'), ['roadshow_id'], unique=False)

    op.create_table('roadshow_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('roadshow_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('sid', sa.String(length=64), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('left_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hand_raised_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['roadshow_id'], ['roadshows.id'], name=op.f('fk_roadshow_visits_roadshow_id_roadshows'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_roadshow_visits_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshow_visits'))
    )
    with op.batch_alter_table('roadshow_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadshow_visits_roadshow_id'), ['roadshow_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roadshow_visits_sid'), ['sid'], unique=False)
        batch_op.create_index(batch_op.f('ix_roadshow_visits_user_id'), ['user_id'], unique=False)

    op.create_table('deck_pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pitch_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('image_path', sa.String(length=500), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['pitch_id'], ['pitches.id'], name=op.f('fk_deck_pages_pitch_id_pitches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deck_pages')),
    sa.UniqueConstraint('pitch_id', 'number', name=op.f('uq_deck_pages_pitch_id_number'))
    )
    with op.batch_alter_table('deck_pages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deck_pages_pitch_id'), ['pitch_id'], unique=False)

    op.create_table('roadshow_cues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('roadshow_id', sa.Integer(), nullable=False),
    sa.Column('pitch_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_roadshow_cues_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pitch_id'], ['pitches.id'], name=op.f('fk_roadshow_cues_pitch_id_pitches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['roadshow_id'], ['roadshows.id'], name=op.f('fk_roadshow_cues_roadshow_id_roadshows'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_roadshow_cues_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshow_cues'))
    )
    with op.batch_alter_table('roadshow_cues', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadshow_cues_pitch_id'), ['pitch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roadshow_cues_roadshow_id'), ['roadshow_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roadshow_cues_user_id'), ['user_id'], unique=False)

    op.create_table('roadshow_interests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pitch_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['pitch_id'], ['pitches.id'], name=op.f('fk_roadshow_interests_pitch_id_pitches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_roadshow_interests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshow_interests')),
    sa.UniqueConstraint('pitch_id', 'user_id', name=op.f('uq_roadshow_interests_pitch_id_user_id'))
    )
    with op.batch_alter_table('roadshow_interests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadshow_interests_pitch_id'), ['pitch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roadshow_interests_user_id'), ['user_id'], unique=False)

    op.create_table('roadshow_polls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('roadshow_id', sa.Integer(), nullable=False),
    sa.Column('pitch_id', sa.Integer(), nullable=True),
    sa.Column('question', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=20), server_default='open', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['pitch_id'], ['pitches.id'], name=op.f('fk_roadshow_polls_pitch_id_pitches'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['roadshow_id'], ['roadshows.id'], name=op.f('fk_roadshow_polls_roadshow_id_roadshows'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshow_polls'))
    )
    with op.batch_alter_table('roadshow_polls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadshow_polls_pitch_id'), ['pitch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roadshow_polls_roadshow_id'), ['roadshow_id'], unique=False)

    op.create_table('roadshow_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('roadshow_id', sa.Integer(), nullable=False),
    sa.Column('pitch_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), server_default='approved', nullable=False),
    sa.Column('votes', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['pitch_id'], ['pitches.id'], name=op.f('fk_roadshow_questions_pitch_id_pitches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['roadshow_id'], ['roadshows.id'], name=op.f('fk_roadshow_questions_roadshow_id_roadshows'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_roadshow_questions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshow_questions'))
    )
    with op.batch_alter_table('roadshow_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadshow_questions_pitch_id'), ['pitch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roadshow_questions_roadshow_id'), ['roadshow_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roadshow_questions_user_id'), ['user_id'], unique=False)

    op.create_table('roadshow_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pitch_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('criterion', sa.String(length=80), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['judge_id'], ['users.id'], name=op.f('fk_roadshow_scores_judge_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pitch_id'], ['pitches.id'], name=op.f('fk_roadshow_scores_pitch_id_pitches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshow_scores')),
    sa.UniqueConstraint('pitch_id', 'judge_id', 'criterion', name=op.f('uq_roadshow_scores_pitch_id_judge_id_criterion'))
    )
    with op.batch_alter_table('roadshow_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadshow_scores_judge_id'), ['judge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roadshow_scores_pitch_id'), ['pitch_id'], unique=False)

    op.create_table('roadshow_poll_options',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), server_default='0', nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['roadshow_polls.id'], name=op.f('fk_roadshow_poll_options_poll_id_roadshow_polls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshow_poll_options'))
    )
    with op.batch_alter_table('roadshow_poll_options', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadshow_poll_options_poll_id'), ['poll_id'], unique=False)

    op.create_table('roadshow_question_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['roadshow_questions.id'], name=op.f('fk_roadshow_question_votes_question_id_roadshow_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_roadshow_question_votes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshow_question_votes')),
    sa.UniqueConstraint('question_id', 'user_id', name=op.f('uq_roadshow_question_votes_question_id_user_id'))
    )
    with op.batch_alter_table('roadshow_question_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadshow_question_votes_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roadshow_question_votes_user_id'), ['user_id'], unique=False)

    op.create_table('roadshow_poll_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['option_id'], ['roadshow_poll_options.id'], name=op.f('fk_roadshow_poll_votes_option_id_roadshow_poll_options'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['poll_id'], ['roadshow_polls.id'], name=op.f('fk_roadshow_poll_votes_poll_id_roadshow_polls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_roadshow_poll_votes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshow_poll_votes')),
    sa.UniqueConstraint('poll_id', 'user_id', name=op.f('uq_roadshow_poll_votes_poll_id_user_id'))
    )
    with op.batch_alter_table('roadshow_poll_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadshow_poll_votes_option_id'), ['option_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roadshow_poll_votes_poll_id'), ['poll_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roadshow_poll_votes_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('roadshow_poll_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadshow_poll_votes_user_id'))
        batch_op.drop_index(batch_op.f('ix_roadshow_poll_votes_poll_id'))
        batch_op.drop_index(batch_op.f('ix_roadshow_poll_votes_option_id'))

    op.drop_table('roadshow_poll_votes')
    with op.batch_alter_table('roadshow_question_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadshow_question_votes_user_id'))
        batch_op.drop_index(batch_op.f('ix_roadshow_question_votes_question_id'))

    op.drop_table('roadshow_question_votes')
    with op.batch_alter_table('roadshow_poll_options', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadshow_poll_options_poll_id'))

    op.drop_table('roadshow_poll_options')
    with op.batch_alter_table('roadshow_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadshow_scores_pitch_id'))
        batch_op.drop_index(batch_op.f('ix_roadshow_scores_judge_id'))

    op.drop_table('roadshow_scores')
    with op.batch_alter_table('roadshow_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadshow_questions_user_id'))
        batch_op.drop_index(batch_op.f('ix_roadshow_questions_roadshow_id'))
        batch_op.drop_index(batch_op.f('ix_roadshow_questions_pitch_id'))

    op.drop_table('roadshow_questions')
    with op.batch_alter_table('roadshow_polls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadshow_polls_roadshow_id'))
        batch_op.drop_index(batch_op.f('ix_roadshow_polls_pitch_id'))

    op.drop_table('roadshow_polls')
    with op.batch_alter_table('roadshow_interests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadshow_interests_user_id'))
        batch_op.drop_index(batch_op.f('ix_roadshow_interests_pitch_id'))

    op.drop_table('roadshow_interests')
    with op.batch_alter_table('roadshow_cues', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadshow_cues_user_id'))
        batch_op.drop_index(batch_op.f('ix_roadshow_cues_roadshow_id'))
        batch_op.drop_index(batch_op.f('ix_roadshow_cues_pitch_id'))

    op.drop_table('roadshow_cues')
    with op.batch_alter_table('deck_pages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deck_pages_pitch_id'))

    op.drop_table('deck_pages')
    with op.batch_alter_table('roadshow_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadshow_visits_user_id'))
        batch_op.drop_index(batch_op.f('ix_roadshow_visits_sid'))
        batch_op.drop_index(batch_op.f('ix_roadshow_visits_roadshow_id'))

    op.drop_table('roadshow_visits')
    with op.batch_alter_table('roadshow_stage_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadshow_stage_events_roadshow_id'))

    op.drop_table('roadshow_stage_events')
    with op.batch_alter_table('roadshow_roles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadshow_roles_user_id'))
        batch_op.drop_index(batch_op.f('ix_roadshow_roles_roadshow_id'))

    op.drop_table('roadshow_roles')
    with op.batch_alter_table('roadshow_registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadshow_registrations_user_id'))
        batch_op.drop_index(batch_op.f('ix_roadshow_registrations_roadshow_id'))

    op.drop_table('roadshow_registrations')
    with op.batch_alter_table('roadshow_mutes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadshow_mutes_user_id'))
        batch_op.drop_index(batch_op.f('ix_roadshow_mutes_roadshow_id'))

    op.drop_table('roadshow_mutes')
    with op.batch_alter_table('roadshow_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadshow_messages_user_id'))
        batch_op.drop_index('ix_roadshow_messages_roadshow_id_id')

    op.drop_table('roadshow_messages')
    with op.batch_alter_table('pitches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pitches_startup_id'))
        batch_op.drop_index(batch_op.f('ix_pitches_roadshow_id'))
        batch_op.drop_index(batch_op.f('ix_pitches_presenter_id'))

    op.drop_table('pitches')
    with op.batch_alter_table('roadshows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadshows_starts_at'))

    op.drop_table('roadshows')
