"""Gold-mentor open days: dated events with one or more mentors, seats and a waitlist (issue 15 item 9).

Admins schedule them; founders take a seat or, when the seats are gone, a place on the waitlist; leaving a seat
gives it to the first on the waitlist, who is told. Taking and leaving lock the open day's row (PostgreSQL row
lock; SQLite's write lock) inside one unit of work, and a seat is a UNIQUE (open day, seat number) row, so many
founders taking the last seat at once give one seat and the rest waitlist places.

Invitations (RFC 5546): a founder given a seat is emailed a REQUEST (UID `openday-<id>@fuhua`, the mentors as
ORGANIZER and attendees), a founder who leaves a seat a CANCEL; each mentor is invited when the day is
scheduled and told when it is cancelled. SEQUENCE is the open day's `ics_sequence`, one more with each change.
"""
from __future__ import annotations

import base64
import logging
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from icalendar import Event, vText
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.accounts.models import Role, User
from app.core import jobs, uow
from app.core.db import utcnow
from app.core.errors import Conflict, Invalid, InvalidState, NotFound, PermissionDenied
from app.core.pagination import Page, paginate
from app.extensions import db
from app.mentoring import notifications as _kinds  # noqa: F401  (registers the kinds)
from app.mentoring.models import OpenDay, OpenDayPlace, OpenDayStatus, open_day_mentors
from app.notifications import services as notifications
from app.notifications.kinds import user_locale

log = logging.getLogger(__name__)

MAX_SEATS = 500
MAX_HOURS = 12


# Scheduling (admins) ------------------------------------------------------------------------------

def _require_admin(actor: User) -> None:
    if not getattr(actor, "is_admin", False):
        raise PermissionDenied(_l("Only administrators can schedule open days."), code="admins_only")


def _check(title: str, starts_at: datetime, ends_at: datetime, seats: int, mentor_ids: list[int]) -> list[User]:
    details = {}
    if not title.strip():
        details["title"] = [str(_l("Give the open day a title."))]
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        details["starts_at"] = [str(_l("Give the time with its UTC offset."))]
    elif starts_at <= utcnow():
        details["starts_at"] = [str(_l("Choose a time in the future."))]
    elif not starts_at < ends_at or (ends_at - starts_at) > timedelta(hours=MAX_HOURS):
        details["ends_at"] = [str(_l("End after the start, at most %(n)d hours later.", n=MAX_HOURS))]
    if not 1 <= seats <= MAX_SEATS:
        details["seats"] = [str(_l("Give 1 to %(n)d seats.", n=MAX_SEATS))]
    ids = sorted({i for i in mentor_ids if 0 < i < 2**31})
    mentors = list(db.session.scalars(select(User).where(User.id.in_(ids), User.role == Role.MENTOR,
                                                         User.is_active_account.is_(True)))) if ids else []
    if not mentors or len(mentors) != len(ids):
        details["mentor_ids"] = [str(_l("Choose one or more mentors."))]
    if details:
        raise Invalid(details=details)
    return mentors


def schedule(*, admin: User, title: str, starts_at: datetime, ends_at: datetime, seats: int,
             mentor_ids: list[int], description: str = "", location: str = "") -> OpenDay:
    """Schedule an open day; each mentor gets the invitation."""
    _require_admin(admin)
    title = (title or "").strip()[:200]
    mentors = _check(title, starts_at, ends_at, seats, mentor_ids)
    with uow.unit_of_work():
        day = OpenDay(title=title, description=(description or "").strip()[:5000], starts_at=starts_at,
                      ends_at=ends_at, seats=seats, location=(location or "").strip()[:500], created_by_id=admin.id)
        day.mentors = mentors
        db.session.add(day)
        db.session.flush()
        for mentor in mentors:
            _invite(day, mentor, "open_day_mentor_invited")
    log.info("open day %s scheduled by %s", day.id, admin.id)
    return day


def cancel(*, admin: User, open_day_id: int) -> OpenDay:
    """Cancel an open day: everyone seated and every mentor gets the cancellation, the waitlisted are told."""
    _require_admin(admin)
    with uow.unit_of_work(lock=[(OpenDay, _valid(open_day_id))]):
        day = get_open_day(open_day_id)
        if day.status != OpenDayStatus.SCHEDULED:
            raise InvalidState(_l("This open day is already cancelled."), code="open_day_cancelled")
        day.status = OpenDayStatus.CANCELLED
        _changed(day)
        mentors, places = list(day.mentors), list(day.places)
        for mentor in mentors:
            _invite(day, mentor, "open_day_cancelled")
        for place in places:
            if place.seat_no is not None:
                _invite(day, place.founder, "open_day_cancelled")
            else:
                _notify(day, place.founder, "open_day_cancelled", email=False)
    return day


# Reading ---------------------------------------------------------------------------------------

def _valid(open_day_id: int) -> int:
    return open_day_id if 0 < open_day_id < 2**31 else 0


def get_open_day(open_day_id: int) -> OpenDay:
    day = db.session.get(OpenDay, open_day_id) if _valid(open_day_id) else None
    if day is None:
        raise NotFound(_l("Open day not found."), code="open_day_not_found")
    return day


def list_open_days(*, scope: str = "upcoming", page: int = 1, per_page: int = 20) -> Page:
    """Scheduled open days that have not ended (soonest first), or `past` ones, or `all`."""
    stmt = select(OpenDay).options(selectinload(OpenDay.mentors), selectinload(OpenDay.places))
    now = utcnow()
    if scope == "upcoming":
        stmt = stmt.where(OpenDay.status == OpenDayStatus.SCHEDULED, OpenDay.ends_at > now) \
            .order_by(OpenDay.starts_at, OpenDay.id)
    elif scope == "past":
        stmt = stmt.where(OpenDay.ends_at <= now).order_by(OpenDay.starts_at.desc(), OpenDay.id.desc())
    else:
        stmt = stmt.order_by(OpenDay.starts_at.desc(), OpenDay.id.desc())
    return paginate(stmt, page=page, per_page=per_page)


def open_days_of(user_id: int, starts_at: datetime, ends_at: datetime) -> list[OpenDay]:
    """Scheduled open days overlapping [starts_at, ends_at) where the user has a seat or is a mentor."""
    seated = select(OpenDayPlace.open_day_id).where(OpenDayPlace.founder_id == user_id,
                                                     OpenDayPlace.seat_no.is_not(None))
    mentoring = select(open_day_mentors.c.open_day_id).where(open_day_mentors.c.user_id == user_id)
    return list(db.session.scalars(select(OpenDay).where(
        or_(OpenDay.id.in_(seated), OpenDay.id.in_(mentoring)), OpenDay.status == OpenDayStatus.SCHEDULED,
        OpenDay.starts_at < ends_at, starts_at < OpenDay.ends_at).order_by(OpenDay.starts_at)))


def seats_taken(day: OpenDay) -> int:
    return sum(1 for p in day.places if p.seat_no is not None)


def waitlist(day: OpenDay) -> list[OpenDayPlace]:
    """The waitlist, first in line first."""
    return sorted((p for p in day.places if p.seat_no is None), key=lambda p: p.id)


def place_of(day: OpenDay, user) -> OpenDayPlace | None:
    user_id = getattr(user, "id", None)
    return next((p for p in day.places if p.founder_id == user_id), None)


def position(place: OpenDayPlace) -> int | None:
    """1 for the first on the waitlist; None for a seat."""
    if place.seat_no is not None:
        return None
    return db.session.scalar(select(func.count(OpenDayPlace.id)).where(
        OpenDayPlace.open_day_id == place.open_day_id, OpenDayPlace.seat_no.is_(None),
        OpenDayPlace.id <= place.id)) or 0


def summary(day: OpenDay, viewer=None) -> dict:
    """What the list, the page and the API show of an open day to `viewer`."""
    place = place_of(day, viewer)
    taken = seats_taken(day)
    return {"seats_taken": taken, "seats_left": max(0, day.seats - taken), "waitlist_count": len(waitlist(day)),
            "my_status": None if place is None else ("seated" if place.seat_no is not None else "waitlisted"),
            "my_position": position(place) if place is not None else None}


# Founders: take and leave ------------------------------------------------------------------------

def take_seat(*, founder: User, open_day_id: int, topic: str = "") -> OpenDayPlace:
    """Take a seat, or the next waitlist place when every seat is taken (409 when already in)."""
    if founder.role != Role.FOUNDER:
        raise PermissionDenied(_l("Only founders can take a seat at an open day."), code="founders_only")
    open_day_id, founder_id = _valid(open_day_id), founder.id
    with uow.unit_of_work(lock=[(OpenDay, open_day_id), (User, founder_id)]):
        day = get_open_day(open_day_id)
        _open_for_seats(day)
        if db.session.scalar(select(OpenDayPlace.id).where(OpenDayPlace.open_day_id == day.id,
                                                           OpenDayPlace.founder_id == founder_id)):
            raise Conflict(_l("You already have a place at this open day."), code="already_registered")
        taken = set(db.session.scalars(select(OpenDayPlace.seat_no).where(
            OpenDayPlace.open_day_id == day.id, OpenDayPlace.seat_no.is_not(None))))
        free = next((n for n in range(1, day.seats + 1) if n not in taken), None)
        if free is not None:
            _check_calendar(founder, day)
        place = OpenDayPlace(open_day_id=day.id, founder_id=founder_id, seat_no=free, topic=(topic or "").strip()[:500],
                             seated_at=utcnow() if free else None)
        try:
            with db.session.begin_nested():
                db.session.add(place)
        except IntegrityError:  # the same founder twice at once (the lock makes a lost seat impossible)
            raise Conflict(_l("You already have a place at this open day."), code="already_registered") from None
        if free is not None:
            _changed(day)
            _invite(day, founder, "open_day_seat")
        else:
            _notify(day, founder, "open_day_waitlisted", email=False, position=position(place))
    return place


def leave(*, founder: User, open_day_id: int) -> None:
    """Leave your seat (it goes to the first on the waitlist, who is told) or your waitlist place."""
    open_day_id = _valid(open_day_id)
    with uow.unit_of_work(lock=[(OpenDay, open_day_id)]):
        day = get_open_day(open_day_id)
        place = db.session.scalar(select(OpenDayPlace).where(OpenDayPlace.open_day_id == day.id,
                                                             OpenDayPlace.founder_id == founder.id))
        if place is None:
            raise NotFound(_l("You have no place at this open day."), code="no_place")
        seat_no = place.seat_no
        db.session.delete(place)
        db.session.flush()
        if seat_no is None or day.status != OpenDayStatus.SCHEDULED:
            return
        _changed(day)
        _invite(day, founder, "open_day_left")
        if day.starts_at > utcnow():
            _promote(day, seat_no)


def _promote(day: OpenDay, seat_no: int) -> None:
    """The freed seat goes to the first on the waitlist who is free at that time (the others stay in line)."""
    from app.conversations.meetings import calendar_clashes
    for place in db.session.scalars(select(OpenDayPlace).where(OpenDayPlace.open_day_id == day.id,
                                                               OpenDayPlace.seat_no.is_(None))
                                    .order_by(OpenDayPlace.id)):
        if calendar_clashes(place.founder_id, day.starts_at, day.ends_at):
            continue
        place.seat_no, place.seated_at = seat_no, utcnow()
        db.session.flush()
        _changed(day)
        _invite(day, place.founder, "open_day_promoted")
        return


def _open_for_seats(day: OpenDay) -> None:
    if day.status != OpenDayStatus.SCHEDULED:
        raise InvalidState(_l("This open day is cancelled."), code="open_day_cancelled")
    if day.starts_at <= utcnow():
        raise InvalidState(_l("This open day has already started."), code="already_started")


def _check_calendar(founder: User, day: OpenDay) -> None:
    """One person, one calendar: a seat that overlaps the founder's sessions or meetings is refused."""
    from app.conversations.meetings import calendar_clashes
    clashes = calendar_clashes(founder.id, day.starts_at, day.ends_at)
    if clashes:
        raise Conflict(_l("That time clashes with your calendar: %(what)s",
                          what=" ".join(c["text"] for c in clashes)), code="calendar_conflict",
                       details={"conflicts": [{"kind": c["kind"], "id": c["id"]} for c in clashes]})


# Calendar and notifications ---------------------------------------------------------------------

def page_url(day: OpenDay) -> str:
    return f"{current_app.config['SITE_URL'].rstrip('/')}/open-days/{day.id}"


def open_day_event(day: OpenDay, founders: list[User]) -> Event:
    """The open day as a VEVENT: the mentors organise and attend, with `founders` attending."""
    from app.mentoring.calendar import person
    link = page_url(day)
    event = Event()
    event.add("uid", f"openday-{day.id}@fuhua")
    event.add("dtstamp", utcnow())
    event.add("dtstart", day.starts_at)
    event.add("dtend", day.ends_at)
    event.add("sequence", day.ics_sequence)
    event.add("summary", f"{day.title} ({', '.join(m.name for m in day.mentors)})")
    event.add("description", "\n\n".join(t for t in (day.description, link) if t))
    event.add("url", link)
    event.add("location", vText(day.location or link))
    event.add("status", "CANCELLED" if day.status == OpenDayStatus.CANCELLED else "CONFIRMED")
    if day.mentors:
        event["organizer"] = person(day.mentors[0])
    for mentor in day.mentors:
        event.add("attendee", person(mentor, partstat="ACCEPTED"), encode=0)
    for founder in founders:
        event.add("attendee", person(founder, partstat="ACCEPTED"), encode=0)
    return event


def invitation_ics(day: OpenDay, user: User, method: str) -> bytes:
    """The invitation for one person: a founder sees themselves among the mentors, a mentor every seated founder."""
    from app.mentoring.calendar import new_calendar
    if any(m.id == user.id for m in day.mentors):
        founders = [p.founder for p in day.places if p.seat_no is not None]
    else:
        founders = [user]
    cal = new_calendar("Open day")
    cal.add("method", method)
    cal.add_component(open_day_event(day, founders))
    return cal.to_ical()


def _changed(day: OpenDay) -> None:
    day.ics_sequence = (day.ics_sequence or 0) + 1
    db.session.flush()


def _data(day: OpenDay, **extra) -> dict:
    return {"open_day_id": day.id, "title": day.title, "starts_at": day.starts_at.isoformat(),
            "mentors": ", ".join(m.name for m in day.mentors), **extra}


def _notify(day: OpenDay, user: User, kind: str, email: bool | None = None, **extra) -> None:
    notifications.notify(user=user, kind=kind, data=_data(day, **extra), url=f"/open-days/{day.id}", email=email)


def _invite(day: OpenDay, user: User, kind: str) -> None:
    """Notify `user` and email them the open day's invitation as it stands now (REQUEST, or CANCEL when they
    left or the day is cancelled), in their language, once, after the commit."""
    from app.mentoring.bookings import send_invitation_email

    db.session.flush()
    db.session.expire(day, ["places", "mentors"])  # read again: seats taken or left in this unit
    leaving = kind == "open_day_left" or day.status == OpenDayStatus.CANCELLED
    method = "CANCEL" if leaving else "REQUEST"
    with force_locale(user_locale(user)):
        ics = base64.b64encode(invitation_ics(day, user, method)).decode("ascii")
    note = notifications.notify(user=user, kind=kind, data=_data(day), url=f"/open-days/{day.id}", email=False)
    if user.is_active:
        uow.after_commit(jobs.enqueue, send_invitation_email, notification_id=note.id, ics=ics, method=method)
