"""Reviews both ways: the startup rates the provider and the provider rates the startup, once each per completed
request; each rated side may reply once, in public. Blind: a review stays hidden from the other side and the public
until both have rated, or until 14 days after completion (`revealed_at`, set when the review is written and
brought forward when the second one comes).

A listing's rating (`Listing.rating_avg`) counts the startups' reviews once they are revealed: at once when both
have rated, or by `flask marketplace reveal-reviews` (daily) for those revealed by time.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app.core import uow
from app.core.db import utcnow
from app.core.errors import Conflict, Invalid, NotFound, PermissionDenied
from app.extensions import db
from app.marketplace import services
from app.marketplace.models import RequestState as S
from app.marketplace.models import ResourceRequest, Review, ReviewSide
from app.providers.models import Listing

REVEAL_AFTER = timedelta(days=14)
CENT = Decimal("0.01")
MAX_TEXT = 5000


def other_side(side: str) -> str:
    return ReviewSide.PROVIDER if side == ReviewSide.STARTUP else ReviewSide.STARTUP


def is_revealed(item: Review, now=None) -> bool:
    return item.revealed_at is not None and item.revealed_at <= (now or utcnow())


def visible_reviews(req: ResourceRequest, viewer) -> list[Review]:
    """The request's reviews `viewer` may read: their own side's, and the other's once revealed (admins: all). A
    review a moderator hid shows only to its author and admins."""
    sides = services.parties_of(viewer, req)
    if getattr(viewer, "is_admin", False):
        return list(req.reviews)
    now = utcnow()
    viewer_id = getattr(viewer, "id", None) if getattr(viewer, "is_authenticated", False) else None
    return [r for r in req.reviews if (r.side in sides or is_revealed(r, now))
            and (r.hidden_at is None or r.author_id == viewer_id)]


def _side(actor, req: ResourceRequest, side: str | None) -> str:
    sides = services.parties_of(actor, req)
    if not sides:
        raise PermissionDenied(_l("Only the startup and the provider of this request can review it."),
                               code="not_a_party")
    if side is not None and side not in sides:
        raise PermissionDenied(_l("You do not belong to that side of the request."), code="wrong_party")
    return side or sides[0]


def review(*, actor, request_id: int, rating: int, comment: str = "", side: str | None = None) -> Review:
    """Rate the other side of a completed request (once per side: a repeat, also at the same instant, is a 409
    `already_reviewed`). Hidden until the other side has rated too, or 14 days after completion."""
    if not 1 <= int(rating) <= 5:
        raise Invalid(details={"rating": [str(_l("Rate from 1 to 5."))]})
    comment = (comment or "").strip()
    if len(comment) > MAX_TEXT:
        raise Invalid(details={"comment": [str(_l("Keep a comment under 5,000 characters."))]})
    with uow.unit_of_work(lock=services.request_lock(request_id)):
        req = services.get_request(request_id, viewer=actor)
        side = _side(actor, req, side)
        if req.state != S.COMPLETED:
            raise Conflict(_l("Only completed requests can be reviewed."), code="invalid_transition",
                           details={"state": req.state, "action": "review"})
        if any(r.side == side for r in req.reviews):
            raise Conflict(_l("Your side has already reviewed this request."), code="already_reviewed")
        now = utcnow()
        item = Review(request_id=req.id, listing_id=req.listing_id, author_id=actor.id, rating=int(rating),
                      comment=comment, side=side, revealed_at=(req.completed_at or now) + REVEAL_AFTER)
        db.session.add(item)
        db.session.flush()
        counterpart = next((r for r in req.reviews if r.side == other_side(side) and r.id != item.id), None)
        if counterpart is not None:  # both have rated: both are shown now
            for each in (item, counterpart):
                each.revealed_at = min(each.revealed_at, now)
        db.session.flush()
        if is_revealed(item, now) or counterpart is not None:
            _count_ratings([req.listing_id])
        services.record_event(req, actor.id, "review", req.state, req.state, {"rating": int(rating), "side": side})
        kind = "request_reviewed" if side == ReviewSide.STARTUP else "startup_reviewed"
        services.notify_side(req, other_side(side), kind,
                             {"startup": req.startup.name, "provider": req.provider.name,
                              "listing": req.listing.title, "rating": int(rating), "side": side}, exclude=actor)
    return item


def reply(*, actor, review_id: int, body: str) -> Review:
    """The reviewed side answers a review once, in public, after it is revealed (409 `already_replied`,
    `review_hidden`)."""
    body = (body or "").strip()
    if not body:
        raise Invalid(details={"body": [str(_l("Write your reply."))]})
    if len(body) > MAX_TEXT:
        raise Invalid(details={"body": [str(_l("Keep a reply under 5,000 characters."))]})
    found = db.session.get(Review, review_id) if 0 < review_id < 2**31 else None
    if found is None:
        raise NotFound(_l("Review not found."))
    with uow.unit_of_work(lock=services.request_lock(found.request_id)):
        req = services.get_request(found.request_id, viewer=actor)
        item = db.session.get(Review, review_id)
        if other_side(item.side) not in services.parties_of(actor, req):
            raise PermissionDenied(_l("Only the side that was reviewed can reply."), code="wrong_party")
        if not is_revealed(item):
            raise Conflict(_l("You can reply once the review is shown: when you have rated too, or 14 days after "
                              "completion."), code="review_hidden")
        if item.reply is not None:
            raise Conflict(_l("This review already has a reply."), code="already_replied")
        item.reply, item.reply_author_id, item.replied_at = body, actor.id, utcnow()
        services.record_event(req, actor.id, "review_reply", req.state, req.state, {"side": other_side(item.side)})
        services.notify_side(req, item.side, "review_replied", {"name": actor.name, "listing": req.listing.title},
                             exclude=actor)
    return item


# Ratings ------------------------------------------------------------------------------------

def _shown(now=None):
    """SQL: revealed and not hidden by a moderator (what ratings and public lists count)."""
    return (Review.revealed_at <= (now or utcnow())) & Review.hidden_at.is_(None)


def recount_listing(listing_id: int) -> None:
    """Recompute a listing's rating after a review was hidden or restored (flushes; the caller commits)."""
    _count_ratings([listing_id])


def _count_ratings(listing_ids: list[int]) -> None:
    """Recompute the listings' ratings from their startups' revealed reviews, and mark those reviews counted."""
    now = utcnow()
    for listing_id in sorted(set(listing_ids)):
        avg, count = db.session.execute(
            select(func.avg(Review.rating), func.count(Review.id))
            .where(Review.listing_id == listing_id, Review.side == ReviewSide.STARTUP, _shown(now))).one()
        db.session.execute(update(Listing).where(Listing.id == listing_id)
                           .values(rating_avg=Decimal(str(avg)).quantize(CENT) if avg is not None else None,
                                   rating_count=count).execution_options(synchronize_session=False))
        db.session.execute(update(Review).where(Review.listing_id == listing_id, _shown(now),
                                                Review.rating_counted.is_(False))
                           .values(rating_counted=True).execution_options(synchronize_session=False))


def reveal_due() -> int:
    """Count into the listings' ratings the reviews revealed by time since the last run. Returns how many."""
    with uow.unit_of_work():
        due = list(db.session.execute(select(Review.id, Review.listing_id)
                                      .where(_shown(), Review.rating_counted.is_(False))))
        if due:
            _count_ratings([listing_id for _id, listing_id in due])
    return len(due)


def provider_rating(provider_id: int) -> tuple[Decimal | None, int]:
    """The average of the startups' revealed ratings over all of a provider's listings, and how many."""
    avg, count = db.session.execute(select(func.avg(Review.rating), func.count(Review.id))
                                    .join(Listing, Listing.id == Review.listing_id)
                                    .where(Listing.provider_id == provider_id, Review.side == ReviewSide.STARTUP,
                                           _shown())).one()
    return (Decimal(str(avg)).quantize(Decimal("0.1")) if avg is not None else None), count


def startup_rating(startup_id: int) -> tuple[Decimal | None, int]:
    """The average of the providers' revealed ratings of a startup, and how many."""
    avg, count = db.session.execute(select(func.avg(Review.rating), func.count(Review.id))
                                    .join(ResourceRequest, ResourceRequest.id == Review.request_id)
                                    .where(ResourceRequest.startup_id == startup_id,
                                           Review.side == ReviewSide.PROVIDER, _shown())).one()
    return (Decimal(str(avg)).quantize(Decimal("0.1")) if avg is not None else None), count


def reviews_of_listing(listing_id: int, limit: int = 20) -> list[Review]:
    """The startups' revealed reviews of a listing, newest first, with the provider's replies."""
    return list(db.session.scalars(select(Review).where(Review.listing_id == listing_id,
                                                        Review.side == ReviewSide.STARTUP, _shown())
                                   .order_by(Review.id.desc()).limit(limit)))
