"""Reminders 24 h and 1 h before a confirmed session, in-app and by email, each sent exactly once.

`send_due_reminders()` is safe to run as often as you like and from several workers at once: a
reminder is sent only by the run that inserts its `BookingReminder` row (unique booking + kind + booking
time), so a booking that moves is reminded again for its new time, and never twice for one time.
Schedule `flask mentoring send-reminders` every few minutes (cron, systemd timer).
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.core import uow
from app.core.db import utcnow
from app.extensions import db
from app.mentoring import notifications as _kinds  # noqa: F401  (registers the kinds)
from app.mentoring.models import Booking, BookingReminder, BookingStatus, MentorProfile
from app.notifications import services as notifications

log = logging.getLogger(__name__)

REMINDERS = (("24h", timedelta(hours=24)), ("1h", timedelta(hours=1)))


def _claim(booking_id: int, kind: str, starts_at: datetime, send: bool = True) -> bool:
    """Insert the reminder's row for the booking's time and, when `send`, notify both sides in the same unit
    of work; False when another run already claimed it, or the booking has since moved or been cancelled
    (nothing is sent then)."""
    mentor_id = db.session.scalar(select(Booking.mentor_id).where(Booking.id == booking_id))
    # the mentor's lock, as every booking move takes it: a reschedule or cancel is either seen here or waits
    with uow.unit_of_work(lock=[(MentorProfile, mentor_id)] if mentor_id else []):
        booking = db.session.get(Booking, booking_id)
        if booking is None or booking.status != BookingStatus.CONFIRMED or booking.starts_at != starts_at:
            return False
        try:
            with db.session.begin_nested():
                db.session.add(BookingReminder(booking_id=booking_id, kind=kind, starts_at=starts_at))
        except IntegrityError:
            return False
        if send:
            _send(booking, kind)
    return True


def send_due_reminders(*, now: datetime | None = None) -> int:
    """Send every reminder that is due now. Returns how many this run sent."""
    now = now or utcnow()
    sent = 0
    for kind, lead in REMINDERS:
        due = db.session.scalars(
            select(Booking.id).where(Booking.status == BookingStatus.CONFIRMED, Booking.starts_at > now,
                                     Booking.starts_at <= now + lead)
            .where(~select(BookingReminder.id).where(BookingReminder.booking_id == Booking.id,
                                                     BookingReminder.kind == kind,
                                                     BookingReminder.starts_at == Booking.starts_at).exists())
            .order_by(Booking.starts_at)).all()
        for booking_id in due:
            booking = db.session.get(Booking, booking_id)
            if kind == "24h" and booking.starts_at - now <= timedelta(hours=1):
                # booked (or moved) at short notice: the 1 h reminder is the one that matters
                _claim(booking_id, kind, booking.starts_at, send=False)
                continue
            if _claim(booking_id, kind, booking.starts_at):
                sent += 1
    log.info("sent %d mentoring reminders", sent)
    return sent


def _send(booking: Booking, kind: str) -> None:
    data = {"booking_id": booking.id, "session": booking.session_type.name,
            "starts_at": booking.starts_at.isoformat(), "where_kind": booking.session_type.location_kind,
            "where_detail": booking.session_type.location_detail}
    mentor = booking.mentor.user
    for user, other in ((booking.founder, mentor.name), (mentor, booking.founder.name)):
        notifications.notify(user=user, kind=f"booking_reminder_{kind}", data={**data, "other": other},
                             url=f"/sessions/{booking.id}")
