"""Keeping the search index in step with the data: sources, the flush hook, and reindexing.

Each domain registers a `Source` for what it makes searchable (`app/providers/search.py` for listings, …): which
model changes touch which documents, and how to read the documents' text. After every ORM flush the documents of
the touched items are rebuilt in the same transaction, so the index commits (or rolls back) with the data and no
service has to remember it. `flask search reindex` and the migration rebuild everything.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import Connection, delete, event, insert, text
from sqlalchemy.orm import Session

from app.search.analysis import filter_term, index_terms
from app.search.models import SQLITE_DDL, SQLITE_DROP, SearchDocument

log = logging.getLogger(__name__)
MAX_POSITION = 16383  # PostgreSQL's highest tsvector position


@dataclass
class Fields:
    """The text of one document: the title weighs most, then keywords (tags, categories…), then the body.

    `filters` are the item's values of the exact-match filters its searches offer (a listing's category and city):
    each is indexed as a term no typed word can produce (`filter_term`), so a search with the same filter asks the
    full-text index for it too, which then intersects the words' matches with the filter's instead of checking the
    document of every item the filter leaves. The search keeps its own SQL condition: the term only narrows.
    """
    title: str = ""
    keywords: str = ""
    body: str = ""
    filters: dict[str, str | None] = field(default_factory=dict)


@dataclass
class Source:
    """A kind of searchable item.

    :param models: the ORM classes whose inserts, updates and deletes change documents of this kind.
    :param touched: the document ids (`ref_id`s) a changed instance affects; may read through the connection.
    :param load: the fields of the documents with the given ids (all documents when `ids` is None); an id it does
        not return has no document (deleted, or not searchable).
    """
    kind: str
    models: tuple[type, ...]
    touched: Callable[[Connection, object], Iterable[int]]
    load: Callable[[Connection, list[int] | None], Iterable[tuple[int, Fields]]]


SOURCES: dict[str, Source] = {}


def register(source: Source) -> Source:
    SOURCES[source.kind] = source
    return source


_LABELS: dict[int, tuple[object, str]] = {}  # id(label) -> (label, its names): labels are module constants


def in_every_language(label) -> str:
    """A translatable label in every language the site speaks ("Robotics 机器人"), for a document's keywords.

    Remembered per label: switching the locale costs a millisecond, too much for each of 100,000 listings.
    """
    known = _LABELS.get(id(label))
    if known is not None and known[0] is label:
        return known[1]
    from flask_babel import force_locale
    names = []
    for locale in ("en", "zh"):
        with force_locale(locale):
            names.append(str(label))
    _LABELS[id(label)] = (label, " ".join(dict.fromkeys(names)))
    return _LABELS[id(label)][1]


def city_names(city: str | None) -> str:
    """A city in every language the site speaks ("Shenzhen 深圳"), so either name finds it."""
    from app.core.places import CITY_LABELS
    label = CITY_LABELS.get((city or "").strip().lower())
    return in_every_language(label) if label is not None else (city or "")


# Writing documents ------------------------------------------------------------------------------------------------

def _terms(text: str) -> list[str]:
    return [t for t in index_terms(text) if t]


def _tsvector(fields: list[tuple[list[str], str]]) -> str:
    """A tsvector literal: each term with its positions, weighted by the field it came from."""
    positions: dict[str, list[str]] = {}
    position = 0
    for terms, weight in fields:
        for term in terms:
            position = min(position + 1, MAX_POSITION)
            positions.setdefault(term, []).append(f"{position}{weight}")
    return " ".join("'" + term.replace("\\", "\\\\").replace("'", "''") + "':" + ",".join(ps)
                    for term, ps in positions.items())


def _row(kind: str, ref_id: int, fields: Fields, dialect: str) -> dict:
    title, keywords, body = _terms(fields.title), _terms(fields.keywords), _terms(fields.body)
    keywords += [filter_term(name, value) for name, value in fields.filters.items() if value]
    row = {"kind": kind, "ref_id": ref_id, "title_terms": " ".join(title), "keyword_terms": " ".join(keywords),
           "body_terms": " ".join(body)}
    if dialect == "postgresql":
        row["search_vector"] = _tsvector([(title, "A"), (keywords, "B"), (body, "C")])
    return row


def _insert(conn: Connection, kind: str, docs: Iterable[tuple[int, Fields]], batch: int = 1000) -> int:
    dialect = conn.dialect.name
    count, rows = 0, []
    for ref_id, fields in docs:
        rows.append(_row(kind, ref_id, fields, dialect))
        if len(rows) == batch:
            count += _insert_rows(conn, rows)
            rows = []
    return count + _insert_rows(conn, rows)


def _insert_rows(conn: Connection, rows: list[dict]) -> int:
    if rows and conn.dialect.name == "postgresql":
        conn.execute(text("INSERT INTO search_documents (kind, ref_id, title_terms, keyword_terms, body_terms, "
                          "search_vector) VALUES (:kind, :ref_id, :title_terms, :keyword_terms, :body_terms, "
                          "CAST(:search_vector AS tsvector))"), rows)
    elif rows:
        conn.execute(insert(SearchDocument.__table__), rows)
    return len(rows)


def write(conn: Connection, kind: str, ids: list[int]) -> int:
    """Rebuild the documents of `kind` with these ids; returns how many exist now."""
    table = SearchDocument.__table__
    conn.execute(delete(table).where(table.c.kind == kind, table.c.ref_id.in_(ids)))
    return _insert(conn, kind, list(SOURCES[kind].load(conn, ids)))


def reindex(conn: Connection, kinds: Iterable[str] | None = None) -> dict[str, int]:
    """Rebuild every document of these kinds (all kinds by default); returns the count per kind.

    On SQLite the FTS5 index is rebuilt in one pass at the end instead of row by row through the triggers:
    row by row grew faster than the rows did (6,000 documents took 11 s, 12,000 took 94 s, and 100,000
    never finished within an hour), while FTS5's own 'rebuild' of 12,000 took 1.3 s. The triggers are
    dropped and made again inside the same transaction, so no other writer ever sees the index without them.
    """
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        for statement in SQLITE_DROP[:3]:  # the three triggers, not the FTS table
            conn.execute(text(statement))
    counts = {}
    for kind in kinds or list(SOURCES):
        conn.execute(delete(SearchDocument.__table__).where(SearchDocument.kind == kind))
        counts[kind] = _insert(conn, kind, list(SOURCES[kind].load(conn, None)))
        log.info("search: indexed %d %s documents", counts[kind], kind)
    if sqlite:
        for statement in SQLITE_DDL[1:]:
            conn.execute(text(statement))
        conn.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))
    return counts


# The flush hook ---------------------------------------------------------------------------------------------------

def _touched(session: Session) -> dict[str, set[int]]:
    conn = session.connection()
    touched: dict[str, set[int]] = {}
    changed = [o for o in session.dirty if session.is_modified(o, include_collections=False)]
    for instance in [*session.new, *changed, *session.deleted]:
        for source in SOURCES.values():
            if isinstance(instance, source.models):
                ids = [i for i in source.touched(conn, instance) if i is not None]
                if ids:
                    touched.setdefault(source.kind, set()).update(ids)
    return touched


@event.listens_for(Session, "after_flush")
def _reindex_flushed(session: Session, _flush_context) -> None:
    """Rebuild the documents of whatever this flush inserted, changed or deleted, in the same transaction."""
    if not SOURCES or session.info.get("search_indexing") is False:
        return
    touched = _touched(session)
    if not touched:
        return
    conn = session.connection()
    for kind, ids in touched.items():
        write(conn, kind, sorted(ids))

