"""Record pitches for the replay (the organiser's consent, one row per recording) and count video viewers

Revision ID: 03d8233d8c9c
Revises: e4f5a6b7c8d9
Create Date: 2026-12-07 10:30:30.694010

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '03d8233d8c9c'
down_revision = "e4f5a6b7c8d9"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('roadshow_video_views',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('roadshow_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('sid', sa.String(length=64), nullable=False),
    sa.Column('via', sa.String(length=10), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('left_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['roadshow_id'], ['roadshows.id'], name=op.f('fk_roadshow_video_views_roadshow_id_roadshows'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_roadshow_video_views_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshow_video_views'))
    )
    with op.batch_alter_table('roadshow_video_views', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadshow_video_views_roadshow_id'), ['roadshow_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roadshow_video_views_sid'), ['sid'], unique=False)
        batch_op.create_index(batch_op.f('ix_roadshow_video_views_user_id'), ['user_id'], unique=False)
        batch_op.create_index('ux_roadshow_video_views_open', ['roadshow_id', 'sid'], unique=True, sqlite_where=sa.text('left_at IS NULL'), postgresql_where=sa.text('left_at IS NULL'))

    op.create_table('pitch_recordings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('roadshow_id', sa.Integer(), nullable=False),
    sa.Column('pitch_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('rec_dir', sa.String(length=500), nullable=False),
    sa.Column('file_path', sa.String(length=500), nullable=True),
    sa.Column('duration_seconds', sa.Float(), nullable=True),
    sa.Column('size_bytes', sa.BigInteger(), nullable=True),
    sa.Column('error', sa.String(length=200), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('stopped_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ready_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['pitch_id'], ['pitches.id'], name=op.f('fk_pitch_recordings_pitch_id_pitches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['roadshow_id'], ['roadshows.id'], name=op.f('fk_pitch_recordings_roadshow_id_roadshows'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pitch_recordings'))
    )
    with op.batch_alter_table('pitch_recordings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pitch_recordings_pitch_id'), ['pitch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pitch_recordings_roadshow_id'), ['roadshow_id'], unique=False)
        batch_op.create_index('ux_pitch_recordings_running', ['roadshow_id'], unique=True, sqlite_where=sa.text("status = 'recording'"), postgresql_where=sa.text("status = 'recording'"))

    with op.batch_alter_table('roadshows', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_pitches', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('roadshows', schema=None) as batch_op:
        batch_op.drop_column('record_pitches')

    with op.batch_alter_table('pitch_recordings', schema=None) as batch_op:
        batch_op.drop_index('ux_pitch_recordings_running', sqlite_where=sa.text("status = 'recording'"), postgresql_where=sa.text("status = 'recording'"))
        batch_op.drop_index(batch_op.f('ix_pitch_recordings_roadshow_id'))
        batch_op.drop_index(batch_op.f('ix_pitch_recordings_pitch_id'))

    op.drop_table('pitch_recordings')
    with op.batch_alter_table('roadshow_video_views', schema=None) as batch_op:
        batch_op.drop_index('ux_roadshow_video_views_open', sqlite_where=sa.text('left_at IS NULL'), postgresql_where=sa.text('left_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_roadshow_video_views_user_id'))
        batch_op.drop_index(batch_op.f('ix_roadshow_video_views_sid'))
        batch_op.drop_index(batch_op.f('ix_roadshow_video_views_roadshow_id'))

    op.drop_table('roadshow_video_views')
