"""add search documents

One search index for listings, mentors, startups and roadshows (`app/search`): a row of analysed terms per item,
searched through FTS5 on SQLite and a weighted tsvector on PostgreSQL. It is filled here for the existing rows,
and replaces the listings' own full-text index (FTS5 table, tsvector column and their triggers).

Revision ID: 8a1b2c3d4e5f
Revises: 7c3d4e5f6a71
Create Date: 2026-12-07 01:00:00

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

FILLS_SEARCH_INDEX = True

# revision identifiers, used by Alembic.
revision = '8a1b2c3d4e5f'
down_revision = '7c3d4e5f6a71'
branch_labels = None
depends_on = None

_COLUMNS = "title_terms, keyword_terms, body_terms"
SQLITE_DDL = [
    f"CREATE VIRTUAL TABLE search_fts USING fts5({_COLUMNS}, content='search_documents', content_rowid='id', "
    "tokenize=\"unicode61 remove_diacritics 0 tokenchars '@_'\")",
    f"CREATE TRIGGER search_fts_ai AFTER INSERT ON search_documents BEGIN "
    f"INSERT INTO search_fts(rowid, {_COLUMNS}) VALUES (new.id, new.title_terms, new.keyword_terms, new.body_terms); "
    "END",
    f"CREATE TRIGGER search_fts_ad AFTER DELETE ON search_documents BEGIN "
    f"INSERT INTO search_fts(search_fts, rowid, {_COLUMNS}) "
    "VALUES ('delete', old.id, old.title_terms, old.keyword_terms, old.body_terms); END",
    f"CREATE TRIGGER search_fts_au AFTER UPDATE ON search_documents BEGIN "
    f"INSERT INTO search_fts(search_fts, rowid, {_COLUMNS}) "
    "VALUES ('delete', old.id, old.title_terms, old.keyword_terms, old.body_terms); "
    f"INSERT INTO search_fts(rowid, {_COLUMNS}) VALUES (new.id, new.title_terms, new.keyword_terms, new.body_terms); "
    "END",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS search_fts_au", "DROP TRIGGER IF EXISTS search_fts_ad",
               "DROP TRIGGER IF EXISTS search_fts_ai", "DROP TABLE IF EXISTS search_fts"]

# The listings' former index (as `add_marketplace_tables` built it), dropped on upgrade and rebuilt on downgrade.
OLD_SQLITE_DDL = [
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
    "INSERT INTO listings_fts(listings_fts) VALUES ('rebuild')",
]
OLD_SQLITE_DROP = ["DROP TRIGGER IF EXISTS listings_fts_au", "DROP TRIGGER IF EXISTS listings_fts_ad",
                   "DROP TRIGGER IF EXISTS listings_fts_ai", "DROP TABLE IF EXISTS listings_fts"]
OLD_POSTGRES_DDL = [
    "CREATE OR REPLACE FUNCTION listings_search_vector() RETURNS trigger AS $$ BEGIN "
    "NEW.search_vector := setweight(to_tsvector('simple', coalesce(NEW.title, '')), 'A') || "
    "setweight(to_tsvector('simple', coalesce(NEW.tags::text, '')), 'B') || "
    "setweight(to_tsvector('simple', coalesce(NEW.description, '')), 'C'); RETURN NEW; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER listings_search_vector_trg BEFORE INSERT OR UPDATE OF title, description, tags ON listings "
    "FOR EACH ROW EXECUTE FUNCTION listings_search_vector()",
    "UPDATE listings SET title = title",
]
OLD_POSTGRES_DROP = ["DROP TRIGGER IF EXISTS listings_search_vector_trg ON listings",
                     "DROP FUNCTION IF EXISTS listings_search_vector()"]


def _dialect() -> str:
    return op.get_bind().dialect.name


def upgrade():
    op.create_table(
        'search_documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('ref_id', sa.Integer(), nullable=False),
        sa.Column('title_terms', sa.Text(), server_default='', nullable=False),
        sa.Column('keyword_terms', sa.Text(), server_default='', nullable=False),
        sa.Column('body_terms', sa.Text(), server_default='', nullable=False),
        sa.Column('search_vector', sa.Text().with_variant(postgresql.TSVECTOR(), 'postgresql'), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_documents')),
        sa.UniqueConstraint('kind', 'ref_id', name=op.f('uq_search_documents_kind_ref_id')),
    )
    op.create_index('ix_search_documents_search_vector', 'search_documents', ['search_vector'], unique=False,
                    postgresql_using='gin')
    sqlite = _dialect() == "sqlite"
    for statement in (SQLITE_DDL + OLD_SQLITE_DROP) if sqlite else OLD_POSTGRES_DROP:
        op.execute(statement)
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.drop_index('ix_listings_search_vector', postgresql_using='gin')
        batch_op.drop_column('search_vector')
    # The analysis (jieba, Snowball, the lexicon) lives in the app: migrations/env.py fills the index for the rows
    # there are once the schema is at the head (the app's code reads the tables as they are there).


def downgrade():
    sqlite = _dialect() == "sqlite"
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_vector', sa.Text().with_variant(postgresql.TSVECTOR(), 'postgresql'),
                                      nullable=True))
        batch_op.create_index('ix_listings_search_vector', ['search_vector'], unique=False, postgresql_using='gin')
    for statement in (OLD_SQLITE_DDL + SQLITE_DROP) if sqlite else OLD_POSTGRES_DDL:
        op.execute(statement)
    op.drop_index('ix_search_documents_search_vector', table_name='search_documents', postgresql_using='gin')
    op.drop_table('search_documents')
