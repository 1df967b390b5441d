"""add marketplace tables

Resource listings (with their full-text index: FTS5 on SQLite, a trigger-kept tsvector on PostgreSQL),
requests and their timeline, negotiation messages and attachments, agreements, settlements, voucher
accounts and ledger, reviews.

Revision ID: 4b2d1f8c0e32
Revises: 3a1c0e7b9d21
Create Date: 2026-11-22 11:10:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '4b2d1f8c0e32'
down_revision = '3a1c0e7b9d21'
branch_labels = None
depends_on = None

# Copied from app/resources/models.py at the time of writing (migrations must not import the app's models).
SQLITE_SEARCH_DDL = [
    "CREATE VIRTUAL TABLE listings_fts USING fts5(title, description, tags, content='listings', "
    "content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER listings_fts_ai AFTER INSERT ON listings BEGIN "
    "INSERT INTO listings_fts(rowid, title, description, tags) "
    "VALUES (new.id, new.title, new.description, new.tags); END",
    "CREATE TRIGGER listings_fts_ad AFTER DELETE ON listings BEGIN "
    "INSERT INTO listings_fts(listings_fts, rowid, title, description, tags) "
    "VALUES ('delete', old.id, old.title, old.description, old.tags); END",
    "CREATE TRIGGER listings_fts_au AFTER UPDATE OF title, description, tags ON listings BEGIN "
    "INSERT INTO listings_fts(listings_fts, rowid, title, description, tags) "
    "VALUES ('delete', old.id, old.title, old.description, old.tags); "
    "INSERT INTO listings_fts(rowid, title, description, tags) "
    "VALUES (new.id, new.title, new.description, new.tags); END",
]
SQLITE_SEARCH_DROP = ["DROP TRIGGER IF EXISTS listings_fts_au", "DROP TRIGGER IF EXISTS listings_fts_ad",
                      "DROP TRIGGER IF EXISTS listings_fts_ai", "DROP TABLE IF EXISTS listings_fts"]
POSTGRES_SEARCH_DDL = [
    "CREATE OR REPLACE FUNCTION listings_search_vector() RETURNS trigger AS $$ BEGIN "
    "NEW.search_vector := setweight(to_tsvector('simple', coalesce(NEW.title, '')), 'A') || "
    "setweight(to_tsvector('simple', coalesce(NEW.tags::text, '')), 'B') || "
    "setweight(to_tsvector('simple', coalesce(NEW.description, '')), 'C'); RETURN NEW; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER listings_search_vector_trg BEFORE INSERT OR UPDATE OF title, description, tags ON listings "
    "FOR EACH ROW EXECUTE FUNCTION listings_search_vector()",
]
POSTGRES_SEARCH_DROP = ["DROP TRIGGER IF EXISTS listings_search_vector_trg ON listings",
                        "DROP FUNCTION IF EXISTS listings_search_vector()"]


def _search_statements(sqlite, postgres):
    dialect = op.get_bind().dialect.name
    return sqlite if dialect == "sqlite" else postgres if dialect == "postgresql" else []


def upgrade():
    op.create_table('listings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('specs', sa.JSON(), nullable=False),
    sa.Column('category_fields', sa.JSON(), nullable=False),
    sa.Column('unit', sa.String(length=60), nullable=False),
    sa.Column('pricing_model', sa.String(length=20), nullable=False),
    sa.Column('price', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('capacity', sa.Integer(), server_default='0', nullable=False),
    sa.Column('city', sa.String(length=100), nullable=True),
    sa.Column('image_url', sa.String(length=300), nullable=True),
    sa.Column('is_remote', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), server_default='draft', nullable=False),
    sa.Column('rating_avg', sa.Numeric(precision=3, scale=2), nullable=True),
    sa.Column('rating_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('search_vector', sa.Text().with_variant(postgresql.TSVECTOR(), 'postgresql'), nullable=True),
    sa.CheckConstraint('capacity >= 0', name=op.f('ck_listings_capacity_not_negative')),
    sa.CheckConstraint('price IS NULL OR price >= 0', name=op.f('ck_listings_price_not_negative')),
    sa.ForeignKeyConstraint(['provider_id'], ['organisations.id'], name=op.f('fk_listings_provider_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listings'))
    )
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listings_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_listings_city'), ['city'], unique=False)
        batch_op.create_index(batch_op.f('ix_listings_pricing_model'), ['pricing_model'], unique=False)
        batch_op.create_index(batch_op.f('ix_listings_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index('ix_listings_search_vector', ['search_vector'], unique=False, postgresql_using='gin')
        batch_op.create_index('ix_listings_status_category', ['status', 'category'], unique=False)
        batch_op.create_index('ix_listings_status_created_at', ['status', 'created_at'], unique=False)

    op.create_table('voucher_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('startup_id', sa.Integer(), nullable=False),
    sa.Column('balance', sa.Numeric(precision=12, scale=2), server_default='0', nullable=False),
    sa.CheckConstraint('balance >= 0', name=op.f('ck_voucher_accounts_balance_not_negative')),
    sa.ForeignKeyConstraint(['startup_id'], ['organisations.id'], name=op.f('fk_voucher_accounts_startup_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voucher_accounts')),
    sa.UniqueConstraint('startup_id', name=op.f('uq_voucher_accounts_startup_id'))
    )
    op.create_table('resource_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('startup_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), server_default='', nullable=False),
    sa.Column('needed_by', sa.Date(), nullable=True),
    sa.Column('state', sa.String(length=20), server_default='submitted', nullable=False),
    sa.Column('pricing_model', sa.String(length=20), nullable=False),
    sa.Column('quoted_price', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('quote_note', sa.Text(), nullable=True),
    sa.Column('equity_percent', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('counter_price', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('counter_note', sa.Text(), nullable=True),
    sa.Column('counter_equity_percent', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('capacity_reserved', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('voucher_debited', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('quoted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('countered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_resource_requests_quantity_positive')),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_resource_requests_listing_id_listings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['provider_id'], ['organisations.id'], name=op.f('fk_resource_requests_provider_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_resource_requests_requested_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['startup_id'], ['organisations.id'], name=op.f('fk_resource_requests_startup_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resource_requests'))
    )
    with op.batch_alter_table('resource_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resource_requests_listing_id'), ['listing_id'], unique=False)
        batch_op.create_index('ix_resource_requests_provider_id_state', ['provider_id', 'state'], unique=False)
        batch_op.create_index('ix_resource_requests_startup_id_state', ['startup_id', 'state'], unique=False)

    op.create_table('agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('terms', sa.Text(), nullable=False),
    sa.Column('terms_sha256', sa.String(length=64), nullable=False),
    sa.Column('startup_accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('startup_accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('provider_accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('provider_accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['provider_accepted_by_id'], ['users.id'], name=op.f('fk_agreements_provider_accepted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['resource_requests.id'], name=op.f('fk_agreements_request_id_resource_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['startup_accepted_by_id'], ['users.id'], name=op.f('fk_agreements_startup_accepted_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreements')),
    sa.UniqueConstraint('request_id', name=op.f('uq_agreements_request_id'))
    )
    op.create_table('request_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=True),
    sa.Column('to_state', sa.String(length=20), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_request_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['resource_requests.id'], name=op.f('fk_request_events_request_id_resource_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_events'))
    )
    with op.batch_alter_table('request_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_events_request_id'), ['request_id'], unique=False)

    op.create_table('request_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_request_messages_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['resource_requests.id'], name=op.f('fk_request_messages_request_id_resource_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_messages'))
    )
    with op.batch_alter_table('request_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_messages_request_id'), ['request_id'], unique=False)

    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('rating >= 1 AND rating <= 5', name=op.f('ck_reviews_rating_range')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_reviews_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_reviews_listing_id_listings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['resource_requests.id'], name=op.f('fk_reviews_request_id_resource_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews')),
    sa.UniqueConstraint('request_id', name=op.f('uq_reviews_request_id'))
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviews_listing_id'), ['listing_id'], unique=False)

    op.create_table('settlements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('equity_percent', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['resource_requests.id'], name=op.f('fk_settlements_request_id_resource_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlements')),
    sa.UniqueConstraint('request_id', name=op.f('uq_settlements_request_id'))
    )
    op.create_table('voucher_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('startup_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('balance_after', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_voucher_entries_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['resource_requests.id'], name=op.f('fk_voucher_entries_request_id_resource_requests'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['startup_id'], ['organisations.id'], name=op.f('fk_voucher_entries_startup_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voucher_entries'))
    )
    with op.batch_alter_table('voucher_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voucher_entries_startup_id'), ['startup_id'], unique=False)

    op.create_table('request_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['request_messages.id'], name=op.f('fk_request_attachments_message_id_request_messages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_attachments'))
    )
    with op.batch_alter_table('request_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_attachments_message_id'), ['message_id'], unique=False)

    for statement in _search_statements(SQLITE_SEARCH_DDL, POSTGRES_SEARCH_DDL):
        op.execute(statement)


def downgrade():
    for statement in _search_statements(SQLITE_SEARCH_DROP, POSTGRES_SEARCH_DROP):
        op.execute(statement)
    op.drop_table('request_attachments')
    op.drop_table('voucher_entries')
    op.drop_table('settlements')
    op.drop_table('reviews')
    op.drop_table('request_messages')
    op.drop_table('request_events')
    op.drop_table('agreements')
    op.drop_table('resource_requests')
    op.drop_table('voucher_accounts')
    op.drop_table('listings')
