"""iCalendar: one .ics per booking, and a personal feed reached with a secret, regenerable token."""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from icalendar import Calendar, Event, vCalAddress, vText
from sqlalchemy import or_, select

from app.accounts.models import User
from app.core.db import utcnow
from app.core.errors import NotFound
from app.extensions import db
from app.mentoring.models import Booking, BookingStatus, CalendarFeed, MentorProfile

FEED_PAST_DAYS = 90
STATUS = {BookingStatus.REQUESTED: "TENTATIVE", BookingStatus.CONFIRMED: "CONFIRMED",
          BookingStatus.COMPLETED: "CONFIRMED", BookingStatus.NO_SHOW: "CONFIRMED"}


def _calendar() -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Fuhua//Mentor booking//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    return cal


def _event(booking: Booking) -> Event:
    site = current_app.config["SITE_URL"].rstrip("/")
    mentor_user = booking.mentor.user
    event = Event()
    event.add("uid", f"booking-{booking.id}@fuhua")
    event.add("dtstamp", utcnow())
    event.add("dtstart", booking.starts_at)
    event.add("dtend", booking.ends_at)
    event.add("summary", f"{booking.session_type.name}: {mentor_user.name} / {booking.founder.name}")
    description = booking.topic or ""
    event.add("description", f"{description}\n\n{site}/sessions/{booking.id}".strip())
    event.add("url", f"{site}/sessions/{booking.id}")
    event.add("location", vText(f"{site}/sessions/{booking.id}/room"))
    cancelled = booking.status in (BookingStatus.CANCELLED, BookingStatus.DECLINED)
    event.add("status", "CANCELLED" if cancelled else STATUS.get(booking.status, "CONFIRMED"))
    event.add("sequence", int(booking.updated_at.timestamp()) % 2_000_000_000 if booking.updated_at else 0)
    organizer = vCalAddress(f"mailto:{mentor_user.email}")
    organizer.params["cn"] = vText(mentor_user.name)
    event["organizer"] = organizer
    attendee = vCalAddress(f"mailto:{booking.founder.email}")
    attendee.params["cn"] = vText(booking.founder.name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    event.add("attendee", attendee, encode=0)
    return event


def booking_ics(booking: Booking) -> bytes:
    cal = _calendar()
    cal.add("method", "PUBLISH")
    cal.add_component(_event(booking))
    return cal.to_ical()


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
    """Every booking of the token's owner (as founder or mentor) from 90 days ago on."""
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token == token)) if token else None
    user = db.session.get(User, feed.user_id) if feed else None
    if user is None or not user.is_active:
        raise NotFound()
    profile_ids = select(MentorProfile.id).where(MentorProfile.user_id == user.id)
    bookings = db.session.scalars(
        select(Booking).where(or_(Booking.founder_id == user.id, Booking.mentor_id.in_(profile_ids)),
                              Booking.starts_at >= utcnow() - timedelta(days=FEED_PAST_DAYS))
        .order_by(Booking.starts_at)).all()
    cal = _calendar()
    cal.add("x-wr-calname", f"Fuhua · {user.name}")
    for booking in bookings:
        cal.add_component(_event(booking))
    return cal.to_ical()
