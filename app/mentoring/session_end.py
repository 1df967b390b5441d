"""The end of a session: it is completed and both sides are asked to rate it, exactly once.

`close_ended_sessions()` runs from the scheduled `flask mentoring close-sessions` (and safely from several
workers at once), like the reminders in `app.mentoring.reminders`: a session is handled only by the run that
inserts its `BookingReminder` row of kind "ended" for the session's time, so each party is prompted once per
session whatever the number of runs.

`MENTORING_CLOSE_AFTER_MINUTES` (15) after a confirmed session ends it becomes completed, unless a no-show
was reported by then (its status is `no_show`, so it is left alone). A session the mentor had already
marked completed is not changed but still gets its prompts. Sessions that ended more than
`FEEDBACK_BLIND_DAYS` ago are left alone (no late prompts when the job first runs on old data).
Either side may still report a no-show on an automatically completed session until someone rates it
(`bookings.mark_no_show`): the prompt says so.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.core import uow
from app.core.db import utcnow
from app.extensions import db
from app.mentoring import notifications as _kinds  # noqa: F401  (registers the kinds)
from app.mentoring.bookings import FEEDBACK_BLIND_DAYS
from app.mentoring.models import Booking, BookingReminder, BookingStatus, MentorProfile
from app.notifications import services as notifications

log = logging.getLogger(__name__)

KIND = "ended"
CLOSABLE = (BookingStatus.CONFIRMED, BookingStatus.COMPLETED)


def _grace() -> timedelta:
    return timedelta(minutes=int(current_app.config.get("MENTORING_CLOSE_AFTER_MINUTES", 15)))


def close_ended_sessions(*, now: datetime | None = None) -> int:
    """Complete the confirmed sessions that have ended and prompt both sides to rate. Returns how many sessions
    this run closed (prompted)."""
    now = now or utcnow()
    cutoff = now - _grace()
    due = db.session.scalars(
        select(Booking.id).where(Booking.status.in_(CLOSABLE), Booking.ends_at <= cutoff,
                                 Booking.ends_at > now - timedelta(days=FEEDBACK_BLIND_DAYS))
        .where(~select(BookingReminder.id).where(BookingReminder.booking_id == Booking.id,
                                                 BookingReminder.kind == KIND,
                                                 BookingReminder.starts_at == Booking.starts_at).exists())
        .order_by(Booking.ends_at, Booking.id)).all()
    closed = sum(1 for booking_id in due if _close(booking_id, cutoff))
    log.info("closed %d ended mentoring sessions", closed)
    return closed


def _close(booking_id: int, cutoff: datetime) -> bool:
    """Claim the session's "ended" row, complete it if still confirmed, prompt the sides yet to rate. False when
    another run got there first or the session changed meanwhile (a no-show reported, say)."""
    mentor_id = db.session.scalar(select(Booking.mentor_id).where(Booking.id == booking_id))
    with uow.unit_of_work(lock=[(MentorProfile, mentor_id)] if mentor_id else []):
        booking = db.session.get(Booking, booking_id)
        if booking is None or booking.status not in CLOSABLE or booking.ends_at > cutoff:
            return False
        try:
            with db.session.begin_nested():
                db.session.add(BookingReminder(booking_id=booking.id, kind=KIND, starts_at=booking.starts_at))
        except IntegrityError:
            return False
        if booking.status == BookingStatus.CONFIRMED:
            booking.status = BookingStatus.COMPLETED
        rated = {f.side for f in booking.feedback}
        mentor = booking.mentor.user
        data = {"booking_id": booking.id, "session": booking.session_type.name,
                "starts_at": booking.starts_at.isoformat()}
        for side, user, other in (("founder", booking.founder, mentor.name), ("mentor", mentor, booking.founder.name)):
            if side not in rated:
                notifications.notify(user=user, kind="booking_rate", data={**data, "other": other},
                                     url=f"/sessions/{booking.id}#feedback")
    return True
