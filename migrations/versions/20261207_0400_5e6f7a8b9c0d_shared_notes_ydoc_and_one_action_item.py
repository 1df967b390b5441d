"""shared notes as a Yjs document; an action item is one item across sessions

`mentor_session_notes` keeps each booking's shared notes as a Yjs document (pycrdt's encoding of
its state); `mentor_bookings.notes` stays its plain text. Action items stop being copied into later
sessions: the copies made so far are folded into their original (done if any copy was ticked done,
remembering in which session) and `carried_from_id` goes; `done_in_booking_id` records where an item
was ticked done.

Downgrade keeps the merged items (the copies are not made again).

Revision ID: 5e6f7a8b9c0d
Revises: d4d9392a3bc7
Create Date: 2026-12-07 04:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5e6f7a8b9c0d'
down_revision = 'd4d9392a3bc7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'mentor_session_notes',
        sa.Column('booking_id', sa.Integer(), nullable=False),
        sa.Column('ydoc', sa.LargeBinary(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['booking_id'], ['mentor_bookings.id'],
                                name=op.f('fk_mentor_session_notes_booking_id_mentor_bookings'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name=op.f('fk_mentor_session_notes_updated_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('booking_id', name=op.f('pk_mentor_session_notes')),
    )
    ticked_in = _fold_copies_into_their_original()
    # carried_from_id is all NULL by now: SQLite's batch copies the table and drops the old one, and that
    # drop would have SET NULL every carried_from_id before the copies were folded
    with op.batch_alter_table('mentor_action_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('done_in_booking_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_mentor_action_items_done_in_booking_id_mentor_bookings'),
                                    'mentor_bookings', ['done_in_booking_id'], ['id'], ondelete='SET NULL')
        batch_op.drop_constraint('fk_mentor_action_items_carried_from_id_mentor_action_items', type_='foreignkey')
        batch_op.drop_column('carried_from_id')
    items = _items(sa.column('done_in_booking_id', sa.Integer))
    bind = op.get_bind()
    bind.execute(items.update().where(items.c.is_done.is_(True)).values(done_in_booking_id=items.c.booking_id))
    for origin_id, booking_id in ticked_in.items():
        bind.execute(items.update().where(items.c.id == origin_id).values(done_in_booking_id=booking_id))


def _items(*columns):
    return sa.table('mentor_action_items', sa.column('id', sa.Integer), sa.column('booking_id', sa.Integer),
                    sa.column('is_done', sa.Boolean), sa.column('done_at', sa.DateTime(timezone=True)), *columns)


def _fold_copies_into_their_original() -> dict[int, int]:
    """Mark each original done that a copy of it was ticked done in; delete the copies. Returns
    {original id: booking id of the session where it was ticked}."""
    items = _items(sa.column('carried_from_id', sa.Integer))
    bind = op.get_bind()
    done_copies = bind.execute(
        sa.select(items.c.carried_from_id, items.c.booking_id, items.c.done_at)
        .where(items.c.carried_from_id.is_not(None), items.c.is_done.is_(True)).order_by(items.c.id)).all()
    ticked_in = {}
    for origin_id, booking_id, done_at in done_copies:
        folded = bind.execute(items.update().where(items.c.id == origin_id, items.c.is_done.is_(False))
                              .values(is_done=True, done_at=done_at))
        if folded.rowcount:
            ticked_in[origin_id] = booking_id
    bind.execute(items.delete().where(items.c.carried_from_id.is_not(None)))
    return ticked_in


def downgrade():
    with op.batch_alter_table('mentor_action_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('carried_from_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_mentor_action_items_carried_from_id_mentor_action_items',
                                    'mentor_action_items', ['carried_from_id'], ['id'], ondelete='SET NULL')
        batch_op.drop_constraint(batch_op.f('fk_mentor_action_items_done_in_booking_id_mentor_bookings'),
                                 type_='foreignkey')
        batch_op.drop_column('done_in_booking_id')
    op.drop_table('mentor_session_notes')
