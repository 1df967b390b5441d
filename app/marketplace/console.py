"""The operator console: every request, filtered by state, category, provider and age, sorted, paginated; and the
stuck ones (no quote N days after it was sent or countered, a delivery unanswered N days: settings
MARKETPLACE_STUCK_QUOTE_DAYS and MARKETPLACE_STUCK_DELIVERY_DAYS)."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from app.core.db import utcnow
from app.core.errors import PermissionDenied
from app.core.pagination import Page, paginate
from app.extensions import db
from app.marketplace.models import RequestState as S
from app.marketplace.models import ResourceRequest
from app.providers.models import Listing, Provider

STUCK = ("no_quote", "delivery")
STUCK_LABELS = {"no_quote": _l("No quote yet"), "delivery": _l("Delivery unanswered")}
SORTS = ("created", "updated", "state", "provider", "startup", "price")
SORT_LABELS = {"created": _l("Sent"), "updated": _l("Last change"), "state": _l("State"), "provider": _l("Provider"),
               "startup": _l("Startup"), "price": _l("Price")}


def stuck_days() -> dict[str, int]:
    """How many days make a request stuck, per kind (from the settings)."""
    config = current_app.config
    return {"no_quote": int(config.get("MARKETPLACE_STUCK_QUOTE_DAYS", 3)),
            "delivery": int(config.get("MARKETPLACE_STUCK_DELIVERY_DAYS", 7))}


def stuck_condition(kind: str, now: datetime | None = None):
    """SQL: the request is stuck in this way."""
    now = now or utcnow()
    days = stuck_days()
    if kind == "no_quote":
        cutoff = now - timedelta(days=days["no_quote"])
        return or_(and_(ResourceRequest.state == S.SUBMITTED, ResourceRequest.created_at <= cutoff),
                   and_(ResourceRequest.state == S.COUNTERED, ResourceRequest.countered_at <= cutoff))
    cutoff = now - timedelta(days=days["delivery"])
    return and_(ResourceRequest.state == S.DELIVERED, ResourceRequest.delivered_at <= cutoff)


def _require_admin(actor) -> None:
    if not getattr(actor, "is_admin", False):
        raise PermissionDenied(_l("Only incubator admins can see every request."), code="admins_only")


def _sorted(stmt: Select, sort: str, order: str) -> Select:
    from app.accounts.models import Organisation
    if sort in ("provider", "startup"):
        org = select(Organisation.name).where(Organisation.id == getattr(ResourceRequest, f"{sort}_id"))
        column = org.scalar_subquery()
    else:
        column = {"created": ResourceRequest.created_at, "state": ResourceRequest.state,
                  "price": ResourceRequest.quoted_price,
                  "updated": func.coalesce(ResourceRequest.updated_at, ResourceRequest.created_at)}[sort]
    direction = column.asc() if order == "asc" else column.desc()
    tie = ResourceRequest.id.asc() if order == "asc" else ResourceRequest.id.desc()
    return stmt.order_by(direction.nulls_last(), tie)


def requests_query(*, actor, state: list[str] | None = None, category: str | None = None,
                   provider_id: int | None = None, min_age_days: int | None = None, max_age_days: int | None = None,
                   stuck: str | None = None, q: str | None = None, sort: str = "created", order: str = "desc",
                   now: datetime | None = None) -> Select:
    """The requests matching the filters (a select for `paginate`). Age is counted from when it was sent."""
    _require_admin(actor)
    now = now or utcnow()
    stmt = (select(ResourceRequest).join(Listing, Listing.id == ResourceRequest.listing_id)
            .options(selectinload(ResourceRequest.listing), selectinload(ResourceRequest.provider),
                     selectinload(ResourceRequest.startup)))
    if state:
        stmt = stmt.where(ResourceRequest.state.in_(state))
    if category:
        stmt = stmt.where(Listing.category == category)
    if provider_id:
        stmt = stmt.where(ResourceRequest.provider_id == provider_id)
    if min_age_days is not None:
        stmt = stmt.where(ResourceRequest.created_at <= now - timedelta(days=min_age_days))
    if max_age_days is not None:
        stmt = stmt.where(ResourceRequest.created_at >= now - timedelta(days=max_age_days))
    if stuck:
        stmt = stmt.where(stuck_condition(stuck, now))
    if q and q.strip():
        text = q.strip().lstrip("#")
        like = "%" + text.lower().replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"
        match = func.lower(Listing.title).like(like, escape="/")
        if text.isdigit() and len(text) < 10:
            match = or_(match, ResourceRequest.id == int(text))
        stmt = stmt.where(match)
    return _sorted(stmt, sort if sort in SORTS else "created", order)


def list_requests(*, actor, page: int = 1, per_page: int = 25, **filters) -> Page:
    """One page of the console."""
    return paginate(requests_query(actor=actor, **filters), page=page, per_page=per_page)


def stuck_counts(*, actor) -> dict[str, int]:
    """How many requests are stuck, per kind (the console's tabs)."""
    _require_admin(actor)
    now = utcnow()
    return {kind: db.session.scalar(select(func.count(ResourceRequest.id)).where(stuck_condition(kind, now))) or 0
            for kind in STUCK}


def providers() -> list[Provider]:
    """The provider organisations, for the filter."""
    return list(db.session.scalars(select(Provider).order_by(Provider.name)))


def age_days(req: ResourceRequest, now: datetime | None = None) -> int:
    return max(0, ((now or utcnow()) - req.created_at).days)
