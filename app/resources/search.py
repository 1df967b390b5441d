"""Listing search behind one interface: SQLite FTS5 on SQLite, PostgreSQL full-text search on PostgreSQL.

Both index title, tags and description (kept in sync by triggers, see `models.py` and the migration).
Every word of the query must match, as a prefix ("spectr" finds "spectrometry"). Chinese has no spaces,
so a run of CJK characters is one token for both engines; a query word containing CJK therefore also
matches as a substring of the title or description (LIKE), so "算力" finds "GPU算力租赁".
"""
import re
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Select, String, cast, func, literal_column, nulls_last, or_, select, text
from sqlalchemy.orm import selectinload

from app.core.pagination import Page
from app.extensions import db
from app.resources.models import Listing, ListingStatus

SORTS = ("relevance", "newest", "price", "price_desc", "rating")
_WORD = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass
class Filters:
    q: str | None = None
    category: str | None = None
    city: str | None = None
    pricing_model: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    provider_id: int | None = None
    accelerator_model: str | None = None
    accreditation: str | None = None


@dataclass
class SearchResult:
    page: Page
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def words(q: str | None) -> list[str]:
    return _WORD.findall((q or "").lower())[:10]


def _like(word: str) -> str:
    return "%" + word.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _fts_sqlite(tokens: list[str]):
    """(rowid, rank) of the FTS5 matches of all tokens, as prefixes."""
    match = " ".join('"' + t.replace('"', '""') + '"*' for t in tokens)
    return (select(literal_column("rowid").label("id"),
                   literal_column("bm25(listings_fts, 10.0, 1.0, 4.0)").label("rank"))
            .select_from(text("listings_fts")).where(text("listings_fts MATCH :fts_match"))
            .params(fts_match=match))


def _tsquery(tokens: list[str]):
    return func.to_tsquery("simple", " & ".join(f"{t}:*" for t in tokens))


def _cjk_like(word: str):
    pattern = _like(word)
    return or_(Listing.title.like(pattern, escape="/"), Listing.description.like(pattern, escape="/"))


def _text_condition(stmt: Select, tokens: list[str]) -> tuple[Select, object | None]:
    """Add the text match to `stmt`; return it and a relevance expression (lower is better) if any."""
    dialect = _dialect()
    if not any(_CJK.search(t) for t in tokens):
        if dialect == "postgresql":
            query = _tsquery(tokens)
            return stmt.where(Listing.search_vector.op("@@")(query)), -func.ts_rank(Listing.search_vector, query)
        fts = _fts_sqlite(tokens).subquery("fts")
        return stmt.join(fts, fts.c.id == Listing.id), fts.c.rank
    for token in tokens:
        if dialect == "postgresql":
            indexed = Listing.search_vector.op("@@")(_tsquery([token]))
        else:
            sub = _fts_sqlite([token]).subquery()
            indexed = Listing.id.in_(select(sub.c.id))
        stmt = stmt.where(or_(indexed, _cjk_like(token)) if _CJK.search(token) else indexed)
    return stmt, None


def _filtered(filters: Filters, *, skip: str | None = None) -> tuple[Select, object | None]:
    stmt = select(Listing).where(Listing.status == ListingStatus.PUBLISHED)
    rank = None
    tokens = words(filters.q)
    if tokens:
        stmt, rank = _text_condition(stmt, tokens)
    if filters.category and skip != "category":
        stmt = stmt.where(Listing.category == filters.category)
    if filters.pricing_model and skip != "pricing_model":
        stmt = stmt.where(Listing.pricing_model == filters.pricing_model)
    if filters.city and skip != "city":
        city = filters.city.strip()
        stmt = stmt.where(Listing.is_remote.is_(True)) if city.lower() == "remote" else \
            stmt.where(func.lower(Listing.city) == city.lower())
    if filters.min_price is not None:
        stmt = stmt.where(Listing.price >= filters.min_price)
    if filters.max_price is not None:
        stmt = stmt.where(Listing.price <= filters.max_price)
    if filters.provider_id:
        stmt = stmt.where(Listing.provider_id == filters.provider_id)
    if filters.accelerator_model:
        stmt = stmt.where(func.lower(Listing.category_fields["accelerator_model"].as_string())
                          == filters.accelerator_model.strip().lower())
    if filters.accreditation:
        # a JSON list of short codes: match the quoted code in its text form (same on both databases)
        stmt = stmt.where(cast(Listing.category_fields["accreditation"], String)
                          .like(_like(f'"{filters.accreditation.upper()}"'), escape="/"))
    return stmt, rank


def _ordered(stmt: Select, sort: str, rank) -> Select:
    if sort == "relevance" and rank is not None:
        return stmt.order_by(rank, Listing.id.desc())
    if sort == "price":
        return stmt.order_by(nulls_last(Listing.price.asc()), Listing.id.desc())
    if sort == "price_desc":
        return stmt.order_by(nulls_last(Listing.price.desc()), Listing.id.desc())
    if sort == "rating":
        return stmt.order_by(nulls_last(Listing.rating_avg.desc()), Listing.rating_count.desc(), Listing.id.desc())
    return stmt.order_by(Listing.created_at.desc(), Listing.id.desc())


def _facet(filters: Filters, column, name: str) -> list[tuple[str, int]]:
    stmt, _rank = _filtered(filters, skip=name)
    sub = stmt.with_only_columns(column.label("value")).order_by(None).subquery()
    rows = db.session.execute(select(sub.c.value, func.count()).where(sub.c.value.is_not(None))
                              .group_by(sub.c.value).order_by(func.count().desc(), sub.c.value).limit(30))
    return [(value, count) for value, count in rows]


def search(filters: Filters, *, sort: str = "relevance", page: int = 1, per_page: int = 20,
           with_facets: bool = False) -> SearchResult:
    """One page of published listings matching `filters`, with the total, and facet counts if asked.

    A facet's counts apply every filter except its own, so choosing a category still shows the others.
    """
    stmt, rank = _filtered(filters)
    if sort == "relevance" and rank is None:
        sort = "newest"
    total = db.session.scalar(select(func.count()).select_from(stmt.with_only_columns(Listing.id)
                                                               .order_by(None).subquery())) or 0
    items = list(db.session.scalars(_ordered(stmt, sort, rank).options(selectinload(Listing.provider))
                                    .limit(per_page).offset((page - 1) * per_page)))
    result = SearchResult(page=Page(items=items, page=page, per_page=per_page, total=total))
    if with_facets:
        result.facets = {"category": _facet(filters, Listing.category, "category"),
                         "pricing_model": _facet(filters, Listing.pricing_model, "pricing_model"),
                         "city": _facet(filters, Listing.city, "city")}
    return result
