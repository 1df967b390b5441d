"""iCalendar: invitations per booking (RFC 5545/5546), and a personal feed reached with a secret token.

An invitation is the booking's VEVENT with a stable UID (`booking-<id>@fuhua`), the mentor as ORGANIZER and
both people as ATTENDEEs, and the booking's `ics_sequence` as SEQUENCE: 0 when first sent, one more with
each change sent (confirmed, moved, cancelled, declined), so a calendar applies the latest and ignores
older ones. `METHOD:REQUEST` adds or updates the event; `METHOD:CANCEL` removes it. URL is the session's
page; LOCATION the meeting link, phone number or address, else the session's page (its room).

The feed (`feed_ics`) lists everything the person has committed to; see `app.mentoring.feed`.
"""
from __future__ import annotations

import secrets

from flask import current_app
from icalendar import Calendar, Event, vCalAddress, vText
from sqlalchemy import select

from app.accounts.models import User
from app.core.db import utcnow
from app.core.errors import NotFound
from app.extensions import db
from app.mentoring import locations
from app.mentoring.models import Booking, BookingStatus, CalendarFeed

REQUEST, CANCEL, PUBLISH = "REQUEST", "CANCEL", "PUBLISH"
STATUS = {BookingStatus.REQUESTED: "TENTATIVE", BookingStatus.CONFIRMED: "CONFIRMED",
          BookingStatus.COMPLETED: "CONFIRMED", BookingStatus.NO_SHOW: "CONFIRMED",
          BookingStatus.CANCELLED: "CANCELLED", BookingStatus.DECLINED: "CANCELLED"}


def new_calendar(name: str = "Mentor booking") -> Calendar:
    cal = Calendar()
    cal.add("prodid", f"-//Fuhua//{name}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    return cal


def booking_uid(booking_id: int) -> str:
    return f"booking-{booking_id}@fuhua"


def person(user: User, *, partstat: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(user.name)
    if partstat:
        address.params["role"] = vText("REQ-PARTICIPANT")
        address.params["partstat"] = vText(partstat)
    return address


def booking_event(booking: Booking, *, founders: list[User] | None = None, uid: str | None = None,
                  sequence: int | None = None) -> Event:
    """The booking as a VEVENT. `founders`/`uid`/`sequence` let the feed show a group session once."""
    session_type, mentor_user = booking.session_type, booking.mentor.user
    kind, detail = session_type.location_kind, session_type.location_detail
    page = locations.session_url(booking.id)
    event = Event()
    event.add("uid", uid or booking_uid(booking.id))
    event.add("dtstamp", utcnow())
    event.add("dtstart", booking.starts_at)
    event.add("dtend", booking.ends_at)
    event.add("sequence", booking.ics_sequence if sequence is None else sequence)
    founders = founders if founders is not None else [booking.founder]
    who = booking.founder.name if len(founders) == 1 else f"{len(founders)} founders"
    event.add("summary", f"{session_type.name}: {mentor_user.name} / {who}")
    where = locations.describe(kind, detail)
    lines = [booking.topic or "", f"{where}", f"{page}"]
    event.add("description", "\n\n".join(line for line in lines if line).strip())
    event.add("url", page)
    event.add("location", vText(locations.ics_location(kind, detail, booking.id)))
    event.add("status", STATUS.get(booking.status, "CONFIRMED"))
    event["organizer"] = person(mentor_user)
    event.add("attendee", person(mentor_user, partstat="ACCEPTED"), encode=0)
    for founder in founders:
        partstat = "DECLINED" if booking.status in (BookingStatus.CANCELLED, BookingStatus.DECLINED) else "ACCEPTED"
        event.add("attendee", person(founder, partstat=partstat), encode=0)
    return event


def booking_ics(booking: Booking, method: str = PUBLISH) -> bytes:
    """The booking as an .ics file: PUBLISH (a download), REQUEST (an invitation or its update), CANCEL."""
    cal = new_calendar()
    cal.add("method", method)
    cal.add_component(booking_event(booking))
    return cal.to_ical()


def group_uid(session_type_id: int, starts_at) -> str:
    """The UID of one occurrence of a group session: the mentor's one event, every founder attending."""
    return f"group-{session_type_id}-{starts_at.strftime('%Y%m%dT%H%M%SZ')}@fuhua"


def occurrence_ics(session_type, starts_at) -> tuple[str, bytes]:
    """The mentor's invitation to one occurrence of a group session, as it stands: REQUEST listing every founder
    holding a seat, or CANCEL once nobody does; SEQUENCE is the session type's `ics_sequence`."""
    rows = db.session.scalars(select(Booking).where(Booking.session_type_id == session_type.id,
                                                    Booking.starts_at == starts_at).order_by(Booking.id)).all()
    standing = [b for b in rows if b.status not in (BookingStatus.CANCELLED, BookingStatus.DECLINED)]
    method = REQUEST if standing else CANCEL
    first = next((b for b in standing if b.status != BookingStatus.REQUESTED), standing[0] if standing else rows[-1])
    cal = new_calendar()
    cal.add("method", method)
    cal.add_component(booking_event(first, founders=[b.founder for b in standing], uid=group_uid(session_type.id,
                                                                                                   starts_at),
                                    sequence=session_type.ics_sequence))
    return method, cal.to_ical()


def invitation_method(booking: Booking) -> str:
    """REQUEST while the booking stands, CANCEL once it is cancelled or declined."""
    return CANCEL if booking.status in (BookingStatus.CANCELLED, BookingStatus.DECLINED) else REQUEST


# The personal feed --------------------------------------------------------------------------

def feed_for(user: User, *, create: bool = True) -> CalendarFeed | None:
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is None and create:
        feed = CalendarFeed(user_id=user.id, token=secrets.token_urlsafe(32))
        db.session.add(feed)
        db.session.commit()
    return feed


def regenerate_feed(*, user: User) -> CalendarFeed:
    """A new secret token: the old feed URL stops working."""
    feed = feed_for(user)
    feed.token = secrets.token_urlsafe(32)
    db.session.commit()
    return feed


def feed_url(feed: CalendarFeed) -> str:
    return f"{current_app.config['SITE_URL'].rstrip('/')}/calendar/{feed.token}.ics"


def feed_ics(token: str) -> bytes:
    """Everything the token's owner has committed to, from 90 days ago on (see `app.mentoring.feed`)."""
    from app.mentoring import feed as feed_builder
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token == token)) if token else None
    user = db.session.get(User, feed.user_id) if feed else None
    if user is None or not user.is_active:
        raise NotFound()
    return feed_builder.build(user)
