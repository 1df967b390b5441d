"""Availability calendars of time-based listings (compute hours, lab or line slots): the provider adds slots, one
by one or from a weekly pattern in their time zone; a startup's request picks one free slot; accepting the
request takes it (`take_slot`, a conditional UPDATE, so of two accepts of one slot only one wins).
"""
from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from app.core import uow
from app.core.db import utcnow
from app.core.errors import Conflict, Invalid, NotFound, PermissionDenied
from app.extensions import db
from app.providers import listings
from app.providers.models import Listing, ListingSlot

log = logging.getLogger(__name__)

MAX_SLOTS_PER_CALL = 500
MAX_OPEN_SLOTS = 2000  # future slots of one listing
MAX_SLOT_LENGTH = timedelta(days=7)
MIN_SLOT_LENGTH = timedelta(minutes=15)
MAX_DAYS_AHEAD = 366
MAX_PATTERN_DAYS = 92


def _managed_listing(actor, listing_id: int) -> Listing:
    listing = listings.get_listing(listing_id, viewer=actor)
    if not listings.can_manage(actor, listing):
        raise PermissionDenied(_l("Only the members of %(org)s can change this listing's calendar.",
                                  org=listing.provider.name), code="not_a_member")
    return listing


def pattern_slots(*, first_day: date, last_day: date, weekdays: list[int], start_time: time, end_time: time,
                  slot_minutes: int | None, timezone: str) -> list[tuple[datetime, datetime]]:
    """The slots of a weekly pattern: on each chosen weekday (0 = Monday) from `first_day` to `last_day`, the
    window `start_time`–`end_time` in `timezone` (an end of 00:00 is midnight at the end of the day), cut into
    `slot_minutes` pieces (None: the whole window is one slot). Correct across daylight-saving changes."""
    if last_day < first_day:
        raise Invalid(details={"last_day": [str(_l("The last day must not be before the first."))]})
    if (last_day - first_day).days >= MAX_PATTERN_DAYS:
        raise Invalid(details={"last_day": [str(_l("Add at most %(n)d days at a time.", n=MAX_PATTERN_DAYS))]})
    if not weekdays or any(not isinstance(d, int) or not 0 <= d <= 6 for d in weekdays):
        raise Invalid(details={"weekdays": [str(_l("Choose at least one day of the week."))]})
    if end_time != time(0, 0) and end_time <= start_time:
        raise Invalid(details={"end_time": [str(_l("The end must be after the start (00:00 means midnight)."))]})
    if slot_minutes is not None and not 15 <= slot_minutes <= 7 * 24 * 60:
        raise Invalid(details={"slot_minutes": [str(_l("A slot lasts 15 minutes to 7 days."))]})
    zone = ZoneInfo(timezone)
    out = []
    day = first_day
    while day <= last_day:
        if day.weekday() in weekdays:
            start = datetime.combine(day, start_time, tzinfo=zone)
            end_day = day + timedelta(days=1) if end_time == time(0, 0) else day
            end = datetime.combine(end_day, end_time, tzinfo=zone)
            start, end = start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC"))
            step = timedelta(minutes=slot_minutes) if slot_minutes else end - start
            while start + step <= end:
                out.append((start, start + step))
                start += step
        day += timedelta(days=1)
    if not out:
        raise Invalid(details={"slot_minutes": [str(_l("No slot fits: check the days, the times and the slot "
                                                       "length."))]})
    return out


def _check(slots: list[tuple[datetime, datetime]], now: datetime) -> list[tuple[datetime, datetime]]:
    if not slots:
        raise Invalid(details={"slots": [str(_l("Add at least one slot."))]})
    if len(slots) > MAX_SLOTS_PER_CALL:
        raise Invalid(details={"slots": [str(_l("Add at most %(n)d slots at a time.", n=MAX_SLOTS_PER_CALL))]})
    slots = sorted(slots)
    for starts_at, ends_at in slots:
        if starts_at.tzinfo is None or ends_at.tzinfo is None:
            raise Invalid(details={"slots": [str(_l("Give times with their offset, e.g. 2027-03-01T09:00+08:00."))]})
        if not MIN_SLOT_LENGTH <= ends_at - starts_at <= MAX_SLOT_LENGTH:
            raise Invalid(details={"slots": [str(_l("A slot lasts 15 minutes to 7 days."))]})
        if starts_at <= now:
            raise Invalid(details={"slots": [str(_l("Slots must start in the future."))]})
        if starts_at > now + timedelta(days=MAX_DAYS_AHEAD):
            raise Invalid(details={"slots": [str(_l("Slots can be at most a year ahead."))]})
    for (_s1, e1), (s2, _e2) in zip(slots, slots[1:], strict=False):
        if s2 < e1:
            raise Invalid(details={"slots": [str(_l("The new slots overlap each other."))]})
    return slots


def add_slots(*, actor, listing_id: int, slots: list[tuple[datetime, datetime]]) -> list[ListingSlot]:
    """Add bookable slots to a listing (its provider's members). Slots overlapping one already there are refused
    (409 `slot_overlap`), so the calendar never offers one time twice."""
    listing = _managed_listing(actor, listing_id)
    now = utcnow()
    slots = _check(slots, now)
    with uow.unit_of_work(lock=[(Listing, listing.id)]):
        existing = list(db.session.scalars(select(ListingSlot).where(
            ListingSlot.listing_id == listing.id, ListingSlot.ends_at > slots[0][0],
            ListingSlot.starts_at < slots[-1][1])))
        clash = next(((s, e) for s, e in slots for other in existing
                      if other.starts_at < e and s < other.ends_at), None)
        if clash:
            raise Conflict(_l("A new slot overlaps one already in the calendar (%(when)s).",
                              when=clash[0].isoformat(timespec="minutes")), code="slot_overlap")
        open_count = db.session.scalar(select(func.count(ListingSlot.id)).where(
            ListingSlot.listing_id == listing.id, ListingSlot.starts_at > now)) or 0
        if open_count + len(slots) > MAX_OPEN_SLOTS:
            raise Conflict(_l("A calendar holds at most %(n)d future slots.", n=MAX_OPEN_SLOTS), code="too_many_slots")
        made = [ListingSlot(listing_id=listing.id, starts_at=s, ends_at=e) for s, e in slots]
        db.session.add_all(made)
    log.info("user %s added %d slots to listing %s", actor.id, len(made), listing.id)
    return made


def delete_slot(*, actor, listing_id: int, slot_id: int) -> None:
    """Remove a free slot (409 `slot_taken` once a request took it, `slot_requested` while one asks for it)."""
    from app.marketplace.models import ResourceRequest
    from app.marketplace.services import OPEN_STATES

    listing = _managed_listing(actor, listing_id)
    with uow.unit_of_work(lock=[(Listing, listing.id)]):
        slot = _slot_of(listing.id, slot_id)
        if slot.request_id is not None:
            raise Conflict(_l("This slot is booked by an accepted request: it cannot be removed."),
                           code="slot_taken")
        waiting = db.session.scalar(select(func.count(ResourceRequest.id)).where(
            ResourceRequest.slot_id == slot.id, ResourceRequest.state.in_(OPEN_STATES)))
        if waiting:
            raise Conflict(_l("An open request asks for this slot: decline it first."), code="slot_requested")
        db.session.execute(delete(ListingSlot).where(ListingSlot.id == slot.id, ListingSlot.request_id.is_(None)))


def _slot_of(listing_id: int, slot_id) -> ListingSlot:
    slot = db.session.get(ListingSlot, slot_id) if isinstance(slot_id, int) and 0 < slot_id < 2**31 else None
    if slot is None or slot.listing_id != listing_id:
        raise NotFound(_l("Slot not found."))
    return slot


def calendar(listing: Listing, *, start: datetime | None = None, end: datetime | None = None,
             include_taken: bool = False, limit: int = 500) -> list[ListingSlot]:
    """A listing's slots from `start` (default: now) to `end`, in time order; free ones only unless
    `include_taken` (the provider's view)."""
    stmt = (select(ListingSlot).where(ListingSlot.listing_id == listing.id,
                                      ListingSlot.starts_at > (start or utcnow()))
            .order_by(ListingSlot.starts_at).limit(limit))
    if end is not None:
        stmt = stmt.where(ListingSlot.starts_at < end)
    if not include_taken:
        stmt = stmt.where(ListingSlot.request_id.is_(None))
    return list(db.session.scalars(stmt))


def bookable_slot(listing: Listing, slot_id) -> ListingSlot:
    """A slot a request may pick: the listing's, ahead, and not taken (409 `slot_taken`)."""
    if slot_id is None:
        raise Invalid(details={"slot_id": [str(_l("Choose a slot from the calendar."))]})
    try:
        slot = _slot_of(listing.id, slot_id)
    except NotFound:
        raise Invalid(details={"slot_id": [str(_l("Choose a slot from the calendar."))]}) from None
    if slot.starts_at <= utcnow():
        raise Conflict(_l("This slot has already begun: choose another."), code="slot_past")
    if slot.request_id is not None:
        raise Conflict(_l("This slot was just booked by someone else: choose another."), code="slot_taken")
    return slot


def take_slot(*, slot_id: int, request_id: int) -> None:
    """Inside the accepting unit of work: the request takes its slot, or 409 `slot_taken` if another request took
    it first (the conditional UPDATE waits for, then sees, a concurrent taker's commit). Flushes only."""
    taken = db.session.execute(
        update(ListingSlot).where(ListingSlot.id == slot_id, ListingSlot.request_id.is_(None),
                                  ListingSlot.starts_at > utcnow())
        .values(request_id=request_id).execution_options(synchronize_session=False)).rowcount
    if taken != 1:
        raise Conflict(_l("This slot is already booked by another request: ask the provider for another slot."),
                       code="slot_taken")


def release_slot(*, request_id: int) -> None:
    """A cancelled request gives its slot back. Flushes only."""
    db.session.execute(update(ListingSlot).where(ListingSlot.request_id == request_id)
                       .values(request_id=None).execution_options(synchronize_session=False))
