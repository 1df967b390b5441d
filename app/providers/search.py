"""Listing search: the shared search index (`app/search`) for the text, filters and facets here.

A listing's document holds its title; its tags, category (named in English and Chinese) and every category field
(accelerator model, standards, accreditation, process, IP stages, licence terms…) and specs; and its description,
unit, city and provider. Every unit of the query must match, in either language (see `app/search/analysis.py`).
"""
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Connection, Select, String, cast, func, inspect, nulls_last, select
from sqlalchemy.orm import selectinload

from app.accounts.models import Organisation
from app.core.pagination import Page
from app.extensions import db
from app.providers.listings import CATEGORY_LABELS, live_provider
from app.providers.models import Listing, ListingStatus, Provider
from app.search.engine import join_matches
from app.search.highlight import matched_words
from app.search.index import Fields, Source, city_names, in_every_language, register

SORTS = ("relevance", "newest", "price", "price_desc", "rating")
KIND = "listing"


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


def _like(word: str) -> str:
    return "%" + word.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"


def _index_filters(filters: Filters, skip: str | None) -> dict[str, str | None]:
    """The filters the index can narrow its matches by (`_load` indexes them; the SQL below still decides)."""
    city = (filters.city or "").strip()
    return {"category": filters.category if skip != "category" else None,
            "city": city if skip != "city" and city.lower() != "remote" else None}


def _filtered(filters: Filters, *, skip: str | None = None) -> tuple[Select, object | None]:
    stmt = select(Listing).where(Listing.status == ListingStatus.PUBLISHED, Listing.hidden_at.is_(None),
                                 live_provider(Listing.provider_id))
    stmt, rank = join_matches(stmt, KIND, Listing.id, filters.q, _index_filters(filters, skip))
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


def _texts(listing: Listing) -> list[str]:
    """What a listing shows, for the words that matched a query."""
    return [listing.title, " ; ".join(listing.tags or []), " ; ".join(_values(listing.category_fields)),
            listing.description, listing.provider.name]


def _matching_page(stmt: Select, rank, sort: str, page: int, per_page: int) -> tuple[list[Listing], int]:
    """One page of a full-text search and the number of matches, finding the matches once.

    Matching is most of a search's work in the database (every listing the filters leave has its document checked),
    and counting and paging in two statements did it twice. The matches (id and rank only) are a common table
    expression that the page and the count both read.
    """
    hits = stmt.with_only_columns(Listing.id.label("id"), rank.label("rank")).order_by(None).cte("hits")
    total = select(func.count()).select_from(hits).scalar_subquery()
    rows = db.session.execute(
        _ordered(select(Listing, total.label("total")).join(hits, hits.c.id == Listing.id), sort, hits.c.rank)
        .options(selectinload(Listing.provider), selectinload(Listing.photos))
        .limit(per_page).offset((page - 1) * per_page)).all()
    if rows:
        return [row[0] for row in rows], rows[0].total
    if page == 1:
        return [], 0
    return [], db.session.scalar(select(func.count()).select_from(hits)) or 0  # a page past the last one


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
    if rank is None:
        total = db.session.scalar(select(func.count()).select_from(stmt.with_only_columns(Listing.id)
                                                                   .order_by(None).subquery())) or 0
        items = list(db.session.scalars(_ordered(stmt, sort, rank)
                                        .options(selectinload(Listing.provider), selectinload(Listing.photos))
                                        .limit(per_page).offset((page - 1) * per_page)))
    else:
        items, total = _matching_page(stmt, rank, sort, page, per_page)
    for item in items if filters.q else []:
        item.matched = matched_words(_texts(item), filters.q)
    result = SearchResult(page=Page(items=items, page=page, per_page=per_page, total=total))
    if with_facets:
        result.facets = {"category": _facet(filters, Listing.category, "category"),
                         "pricing_model": _facet(filters, Listing.pricing_model, "pricing_model"),
                         "city": _facet(filters, Listing.city, "city")}
    return result


# The index ------------------------------------------------------------------------------------------------------

def _values(value, *, keys: bool = False) -> list[str]:
    """The text inside a JSON value (strings and numbers, in lists and objects too; object keys if asked)."""
    if isinstance(value, dict):
        return [text for key, v in value.items() for text in [*([str(key)] if keys else []), *_values(v, keys=keys)]]
    if isinstance(value, list):
        return [text for v in value for text in _values(v, keys=keys)]
    return [] if value is None or isinstance(value, bool) else [str(value)]


def _category_names(category: str) -> str:
    """The category's name in every language the site speaks, so "检测" and "testing" both find it."""
    label = CATEGORY_LABELS.get(category)
    return in_every_language(label) if label is not None else category


def _load(conn: Connection, ids: list[int] | None):
    listing, org = Listing.__table__, Organisation.__table__
    stmt = (select(listing.c.id, listing.c.title, listing.c.description, listing.c.tags, listing.c.category,
                   listing.c.category_fields, listing.c.specs, listing.c.unit, listing.c.city, org.c.name)
            .join(org, org.c.id == listing.c.provider_id))
    if ids is not None:
        stmt = stmt.where(listing.c.id.in_(ids))
    for row in conn.execute(stmt):
        keywords = [*(row.tags or []), _category_names(row.category), *_values(row.category_fields),
                    *_values(row.specs, keys=True)]  # a category field's name is ours, a spec's the provider's
        body = [row.description or "", row.unit or "", city_names(row.city), row.name or ""]
        yield row.id, Fields(title=row.title, keywords=" ; ".join(keywords), body=" ; ".join(body),
                             filters={"category": row.category, "city": row.city})


def _touched(conn: Connection, instance) -> list[int]:
    if isinstance(instance, Listing):
        return [instance.id]
    if not inspect(instance).attrs.name.history.has_changes():  # only a provider's name is in its listings'
        return []
    return list(conn.scalars(select(Listing.__table__.c.id).where(Listing.__table__.c.provider_id == instance.id)))


register(Source(kind=KIND, models=(Listing, Provider), touched=_touched, load=_load))
