"""The personal calendar feed: one person's every commitment, from 90 days ago on.

- mentor sessions, as founder or as mentor (requested ones as TENTATIVE); a group session the person
  mentors is one event with every founder attending, not one per seat;
- confirmed founder–investor meetings;
- roadshows the person registered for;
- open days the person has a seat at (not a waitlist place) or mentors at, once each.
Cancelled and declined ones are left out: a subscribed calendar drops what the feed no longer lists.
"""
from __future__ import annotations

from datetime import timedelta
from itertools import groupby

from flask import current_app
from icalendar import Event
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.core.db import utcnow
from app.extensions import db
from app.mentoring.calendar import booking_event, group_uid, new_calendar
from app.mentoring.models import ACTIVE_STATUSES, Booking, BookingStatus, MentorProfile

PAST_DAYS = 90
SHOWN = (*ACTIVE_STATUSES, BookingStatus.COMPLETED, BookingStatus.NO_SHOW)


def build(user: User) -> bytes:
    """The feed's iCalendar text (METHOD:PUBLISH, as subscriptions expect)."""
    since = utcnow() - timedelta(days=PAST_DAYS)
    cal = new_calendar("Calendar feed")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Fuhua · {user.name}")
    for event in [*_bookings(user, since), *_meetings(user, since), *_roadshows(user, since), *_open_days(user, since)]:
        cal.add_component(event)
    return cal.to_ical()


def _bookings(user: User, since) -> list[Event]:
    profile_ids = select(MentorProfile.id).where(MentorProfile.user_id == user.id)
    rows = db.session.scalars(
        select(Booking).options(selectinload(Booking.session_type), selectinload(Booking.founder))
        .where(or_(Booking.founder_id == user.id, Booking.mentor_id.in_(profile_ids)),
               Booking.status.in_(SHOWN), Booking.starts_at >= since)
        .order_by(Booking.starts_at, Booking.session_type_id, Booking.id)).all()
    events = [booking_event(b) for b in rows if b.founder_id == user.id]
    mentored = [b for b in rows if b.founder_id != user.id]
    for (type_id, starts_at), group in groupby(mentored, key=lambda b: (b.session_type_id, b.starts_at)):
        group = list(group)
        if len(group) == 1 and group[0].session_type.capacity == 1:
            events.append(booking_event(group[0]))
            continue
        # one occurrence of a group session: one event, every founder attending; confirmed if any seat is
        first = next((b for b in group if b.status != BookingStatus.REQUESTED), group[0])
        events.append(booking_event(first, founders=[b.founder for b in group], uid=group_uid(type_id, starts_at),
                                    sequence=first.session_type.ics_sequence))
    return events


def _meetings(user: User, since) -> list[Event]:
    from app.conversations.meetings import meeting_event
    from app.conversations.models import Meeting, MeetingStatus
    rows = db.session.scalars(select(Meeting).where(
        or_(Meeting.founder_id == user.id, Meeting.investor_id == user.id), Meeting.status == MeetingStatus.CONFIRMED,
        Meeting.starts_at >= since).order_by(Meeting.starts_at))
    return [meeting_event(m) for m in rows]


def _roadshows(user: User, since) -> list[Event]:
    from app.roadshows.models import Registration, Roadshow, RoadshowStatus
    rows = db.session.scalars(select(Roadshow).join(Registration, Registration.roadshow_id == Roadshow.id).where(
        Registration.user_id == user.id, Roadshow.status != RoadshowStatus.CANCELLED, Roadshow.ends_at >= since)
        .order_by(Roadshow.starts_at))
    site = current_app.config["SITE_URL"].rstrip("/")
    events = []
    for roadshow in rows:
        link = f"{site}/roadshows/{roadshow.id}"
        event = Event()
        event.add("uid", f"roadshow-{roadshow.id}@fuhua")
        event.add("dtstamp", utcnow())
        event.add("dtstart", roadshow.starts_at)
        event.add("dtend", roadshow.ends_at)
        event.add("summary", f"Fuhua roadshow: {roadshow.title}")
        event.add("description", f"{roadshow.description}\n\n{link}".strip())
        event.add("url", link)
        event.add("location", link)
        event.add("status", "CONFIRMED")
        events.append(event)
    return events


def _open_days(user: User, since) -> list[Event]:
    from app.mentoring.models import OpenDay, OpenDayPlace, OpenDayStatus, open_day_mentors
    from app.mentoring.open_days import open_day_event
    seated = select(OpenDayPlace.open_day_id).where(OpenDayPlace.founder_id == user.id,
                                                     OpenDayPlace.seat_no.is_not(None))
    mentoring = select(open_day_mentors.c.open_day_id).where(open_day_mentors.c.user_id == user.id)
    rows = db.session.scalars(select(OpenDay).where(
        or_(OpenDay.id.in_(seated), OpenDay.id.in_(mentoring)), OpenDay.status == OpenDayStatus.SCHEDULED,
        OpenDay.ends_at >= since).order_by(OpenDay.starts_at))
    events = []
    for day in rows:
        mentor = any(m.id == user.id for m in day.mentors)
        founders = [p.founder for p in day.places if p.seat_no is not None] if mentor else [user]
        events.append(open_day_event(day, founders))
    return events
