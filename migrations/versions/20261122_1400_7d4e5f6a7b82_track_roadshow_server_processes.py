"""track roadshow server processes

Visits remember the server process holding their socket, and processes beat in `roadshow_nodes`, so
the visits of a process that died without closing its sockets stop counting as presence. Visits still
open from before this revision have no process to wait for: they are closed at their join time.

Revision ID: 7d4e5f6a7b82
Revises: 5c3e2a9d1f43
Create Date: 2026-11-22 14:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7d4e5f6a7b82'
down_revision = '5c3e2a9d1f43'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'roadshow_nodes',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshow_nodes')),
    )
    with op.batch_alter_table('roadshow_visits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('node_id', sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f('ix_roadshow_visits_node_id'), ['node_id'], unique=False)
    visits = sa.table('roadshow_visits', sa.column('left_at'), sa.column('joined_at'))
    op.execute(visits.update().where(visits.c.left_at.is_(None)).values(left_at=visits.c.joined_at))


def downgrade():
    with op.batch_alter_table('roadshow_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadshow_visits_node_id'))
        batch_op.drop_column('node_id')
    op.drop_table('roadshow_nodes')
