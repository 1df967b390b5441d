"""Index each listing's category and city as filter terms: a search with those filters asks the full-text index

The search documents of listings gain a term per filter value (`app.search.analysis.filter_term`); a listing search
with a category or a city asks for it along with the words, so the index intersects the two instead of the database
checking the document of every listing the filters leave. Documents written before lack the terms, so the index is
rebuilt once the schema is at the head (FILLS_SEARCH_INDEX: migrations/env.py; no schema change). Downgrading keeps
them: older code ignores the extra terms.

Revision ID: 6a7b8c9d0e1f
Revises: fbc7b57069aa
Create Date: 2026-12-07 11:30:00
"""
FILLS_SEARCH_INDEX = True

revision = "6a7b8c9d0e1f"
down_revision = "fbc7b57069aa"
branch_labels = None
depends_on = None


def upgrade():
    pass  # the index is rebuilt by migrations/env.py once at the head (the analysis lives in the app)


def downgrade():
    pass
