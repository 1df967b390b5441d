"""Listing photos (uploaded, re-encoded, ordered: the first is the cover) and availability calendars: a listing
booked by calendar slots instead of a count (`listings.booking_mode`), its slots, and the slot a request picked.

Revision ID: fbc7b57069aa
Revises: e83387c953cd
Create Date: 2026-12-07 10:30:30.490455

"""
import warnings

import sqlalchemy as sa
from alembic import op

# SQLite's batch mode reflects the tables the altered one refers to; it cannot read the expression index on
# listings (`lower(city)`) and says so, which changes nothing here.
EXPRESSION_INDEX = "Skipped unsupported reflection of expression-based index"


# revision identifiers, used by Alembic.
revision = 'fbc7b57069aa'
down_revision = 'e83387c953cd'
branch_labels = None
depends_on = None


def upgrade():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", EXPRESSION_INDEX)
        _upgrade()


def _upgrade():
    op.create_table('listing_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('folder', sa.String(length=500), nullable=False),
    sa.Column('extension', sa.String(length=5), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_listing_photos_listing_id_listings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_listing_photos_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_photos'))
    )
    with op.batch_alter_table('listing_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listing_photos_listing_id'), ['listing_id'], unique=False)

    op.create_table('listing_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_listing_slots_ends_after_start')),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_listing_slots_listing_id_listings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['resource_requests.id'], name=op.f('fk_listing_slots_request_id_resource_requests'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_slots')),
    sa.UniqueConstraint('listing_id', 'starts_at', name='uq_listing_slots_listing_id_starts_at'),
    sa.UniqueConstraint('request_id', name=op.f('uq_listing_slots_request_id'))
    )
    with op.batch_alter_table('listing_slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listing_slots_listing_id'), ['listing_id'], unique=False)

    op.add_column('listings', sa.Column('booking_mode', sa.String(length=10), server_default='units', nullable=False))

    with op.batch_alter_table('resource_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slot_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_resource_requests_slot_id'), ['slot_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_resource_requests_slot_id_listing_slots'), 'listing_slots', ['slot_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", EXPRESSION_INDEX)
        _downgrade()


def _downgrade():
    with op.batch_alter_table('resource_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_resource_requests_slot_id_listing_slots'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_resource_requests_slot_id'))
        batch_op.drop_column('slot_id')

    # not in batch mode: SQLite would copy the table and lose its expression index (ix_listings_published_...)
    op.drop_column('listings', 'booking_mode')

    with op.batch_alter_table('listing_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_slots_listing_id'))

    op.drop_table('listing_slots')
    with op.batch_alter_table('listing_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_photos_listing_id'))

    op.drop_table('listing_photos')
