"""invitations and pitch applications

Invite-only roadshows get an invitation list (by email) and registration requests that an organiser
approves (`roadshow_registrations.status`; existing registrations stay approved). A founder's pitch is
an application until an organiser approves it (`pitches.status`, `note`, `decided_at`; existing pitches
stay on the agenda).

Revision ID: a17e0c3d5b21
Revises: 5c1e7a9b2d30
Create Date: 2026-12-07 04:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a17e0c3d5b21'
down_revision = '5c1e7a9b2d30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'roadshow_invitations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('roadshow_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('invited_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'],
                                name=op.f('fk_roadshow_invitations_invited_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['roadshow_id'], ['roadshows.id'],
                                name=op.f('fk_roadshow_invitations_roadshow_id_roadshows'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshow_invitations')),
        sa.UniqueConstraint('roadshow_id', 'email', name=op.f('uq_roadshow_invitations_roadshow_id_email')),
    )
    op.create_index(op.f('ix_roadshow_invitations_email'), 'roadshow_invitations', ['email'], unique=False)
    op.create_index(op.f('ix_roadshow_invitations_roadshow_id'), 'roadshow_invitations', ['roadshow_id'],
                    unique=False)
    with op.batch_alter_table('roadshow_registrations') as batch:
        batch.add_column(sa.Column('status', sa.String(length=20), server_default='approved', nullable=False))
    with op.batch_alter_table('pitches') as batch:
        batch.add_column(sa.Column('status', sa.String(length=20), server_default='approved', nullable=False))
        batch.add_column(sa.Column('note', sa.Text(), nullable=True))
        batch.add_column(sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True))
        batch.create_index(batch.f('ix_pitches_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('pitches') as batch:
        batch.drop_index(batch.f('ix_pitches_status'))
        batch.drop_column('decided_at')
        batch.drop_column('note')
        batch.drop_column('status')
    with op.batch_alter_table('roadshow_registrations') as batch:
        batch.drop_column('status')
    op.drop_index(op.f('ix_roadshow_invitations_roadshow_id'), table_name='roadshow_invitations')
    op.drop_index(op.f('ix_roadshow_invitations_email'), table_name='roadshow_invitations')
    op.drop_table('roadshow_invitations')
