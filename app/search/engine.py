"""Running a parsed query against the index: FTS5 on SQLite, the weighted tsvector on PostgreSQL.

    hits = matches("listing", parse_query("专利 检索"), dialect)   # a subquery of (ref_id, rank)
    stmt = select(Listing).join(hits, hits.c.ref_id == Listing.id).order_by(hits.c.rank)

Lower rank is better on both databases. Every unit of the query must match; a unit matches through any of its
alternatives (its words, the character pairs of a Chinese word, or the concept it names).
"""
from __future__ import annotations

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Subquery,
    bindparam,
    cast,
    column,
    false,
    func,
    literal_column,
    select,
    table,
)
from sqlalchemy.dialects.postgresql import TSQUERY

from app.extensions import db
from app.search.analysis import CONCEPT_PREFIX, Query, Term, filter_term, parse_query
from app.search.models import SearchDocument

# Relevance weights of the title, keyword and body columns (SQLite's bm25; PostgreSQL's A, B, C weights match).
WEIGHTS = (10.0, 4.0, 1.0)


def _fts5_term(term: Term) -> str:
    return '"' + term.text.replace('"', '""') + '"' + ("*" if term.prefix else "")


def fts5_expression(query: Query) -> str:
    """The FTS5 MATCH expression of a query."""
    units = []
    for unit in query.units:
        alternatives = ["(" + " AND ".join(_fts5_term(t) for t in alt) + ")" for alt in unit.alternatives if alt]
        units.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(units)


def _ts_term(term: Term) -> str:
    return "'" + term.text.replace("\\", "\\\\").replace("'", "''") + "'" + (":*" if term.prefix else "")


def tsquery_expression(query: Query) -> str:
    """The tsquery text of a query (lexemes quoted, so PostgreSQL's parser never re-splits them)."""
    units = []
    for unit in query.units:
        alternatives = ["(" + " & ".join(_ts_term(t) for t in alt) + ")" for alt in unit.alternatives if alt]
        units.append("(" + " | ".join(alternatives) + ")")
    return " & ".join(units)


def own_words_expression(query: Query) -> str:
    """A tsquery of the query's own words (any of them), leaving out the concepts they name."""
    terms = {_ts_term(t) for unit in query.units for alt in unit.alternatives for t in alt
             if not t.text.startswith(CONCEPT_PREFIX)}
    return " | ".join(sorted(terms))


def _filter_terms(filters: dict[str, str | None] | None) -> list[Term]:
    return [Term(filter_term(name, value)) for name, value in sorted((filters or {}).items()) if value]


def matches(kind: str, query: Query, dialect: str, filters: dict[str, str | None] | None = None) -> Subquery:
    """The documents of `kind` that match every unit of `query`, as a subquery of (ref_id, rank).

    `filters` (name -> value, see `index.Fields`) must match too; they narrow the matches without changing the rank.
    """
    doc = SearchDocument.__table__
    narrow = _filter_terms(filters)
    if dialect == "postgresql":
        tsquery = cast(bindparam(None, tsquery_expression(query), type_=String), TSQUERY)
        wanted = cast(bindparam(None, " & ".join([tsquery_expression(query), *map(_ts_term, narrow)]),
                                type_=String), TSQUERY) if narrow else tsquery
        # ts_rank weighs a concept (`@batteries`) like any word; the words the user typed count again, so an item
        # that says "solar" ranks above one that is merely in clean energy. (SQLite's bm25 does this through IDF.)
        own = cast(bindparam(None, own_words_expression(query) or "''", type_=String), TSQUERY)
        rank = -(func.ts_rank(doc.c.search_vector, tsquery) + func.ts_rank(doc.c.search_vector, own))
        stmt = (select(doc.c.ref_id.label("ref_id"), rank.label("rank"))
                .where(doc.c.kind == kind, doc.c.search_vector.op("@@")(wanted)))
    else:
        fts = table("search_fts", column("rowid"))
        # bm25 scores the filter terms too, but little: each is once in every document the filter keeps
        expression = " AND ".join([fts5_expression(query), *map(_fts5_term, narrow)])
        stmt = (select(doc.c.ref_id.label("ref_id"), func.bm25(literal_column("search_fts"), *WEIGHTS).label("rank"))
                .select_from(fts).join(doc, doc.c.id == fts.c.rowid)
                .where(literal_column("search_fts").op("MATCH")(bindparam(None, expression, type_=String)),
                       # `kind || ''`: not through the (kind, ref_id) index, so SQLite's planner starts from the
                       # words' matches rather than from every document of the kind (a count of 100,000 listings
                       # otherwise probed the full-text index once per document: 0.6 s)
                       doc.c.kind.concat("") == kind))
    return stmt.subquery()


def join_matches(stmt: Select, kind: str, id_column, q: str | None,
                 filters: dict[str, str | None] | None = None) -> tuple[Select, ColumnElement | None]:
    """Keep the rows of `stmt` whose document of `kind` matches the search text `q`; also return the rank.

    Without `q`, `stmt` is returned as it is and the rank is None; a `q` with no word to search for ("%") matches
    nothing. `filters` are exact-match filters `stmt` applies itself, also asked of the index to narrow its matches.
    """
    query = parse_query(q)
    if not query:
        return (stmt.where(false()) if (q or "").strip() else stmt), None
    hits = matches(kind, query, db.session.get_bind().dialect.name, filters)
    return stmt.join(hits, hits.c.ref_id == id_column), hits.c.rank
