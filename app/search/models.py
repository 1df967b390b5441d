"""The search index: one analysed document per searchable item (a listing, a mentor, a startup, a roadshow).

Terms are analysed in Python (`analysis.py`), so the databases only split on spaces: SQLite keeps an FTS5 table
over the three term columns (kept in sync by triggers), PostgreSQL a weighted tsvector written with the row.
"""
from __future__ import annotations

from sqlalchemy import DDL, Index, String, Text, UniqueConstraint, event
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, deferred, mapped_column

from app.core.db import intpk
from app.extensions import db


class SearchDocument(db.Model):
    """The analysed terms of one item: title (weighs most), keywords (tags, categories, fields), body."""

    __tablename__ = "search_documents"
    __table_args__ = (
        UniqueConstraint("kind", "ref_id"),
        Index("ix_search_documents_search_vector", "search_vector", postgresql_using="gin"),
    )

    id: Mapped[intpk]
    kind: Mapped[str] = mapped_column(String(20))
    ref_id: Mapped[int]
    title_terms: Mapped[str] = mapped_column(Text, default="", server_default="")
    keyword_terms: Mapped[str] = mapped_column(Text, default="", server_default="")
    body_terms: Mapped[str] = mapped_column(Text, default="", server_default="")
    # PostgreSQL's weighted vector of the three (NULL and unused on SQLite, which searches `search_fts`).
    search_vector = deferred(mapped_column(Text().with_variant(TSVECTOR(), "postgresql"), nullable=True))

    def __repr__(self) -> str:
        return f"<SearchDocument {self.kind} {self.ref_id}>"


_COLUMNS = "title_terms, keyword_terms, body_terms"
# `@` starts a concept term (`@robotics`) and `_` joins its words (`@inspection_testing`): both are part of a token.
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

for _statement in SQLITE_DDL:
    event.listen(SearchDocument.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in SQLITE_DROP:
    event.listen(SearchDocument.__table__, "before_drop", DDL(_statement).execute_if(dialect="sqlite"))
