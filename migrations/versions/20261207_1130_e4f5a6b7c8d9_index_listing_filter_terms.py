"""Index each listing's category and city as filter terms: a search with those filters asks the full-text index

The search documents of listings gain a term per filter value (`app.search.analysis.filter_term`); a listing search
with a category or a city asks for it along with the words, so the index intersects the two instead of the database
checking the document of every listing the filters leave. Documents written before lack the terms, so the listings'
documents are rebuilt here (no schema change). Downgrading keeps them: older code ignores the extra terms.

Revision ID: e4f5a6b7c8d9
Revises: d17a0b1c2e3f
Create Date: 2026-12-07 11:30:00
"""
from alembic import op

revision = "e4f5a6b7c8d9"
down_revision = "d17a0b1c2e3f"
branch_labels = None
depends_on = None


def upgrade():
    # The analysis (jieba, Snowball, the lexicon) and the listings' source live in the app.
    from app.search.index import reindex
    reindex(op.get_bind(), ["listing"])


def downgrade():
    pass
