"""Reminders 24 h and 1 h before, each exactly once; the confirmation email carries the .ics (real SMTP)."""
from datetime import datetime, timedelta

import icalendar
from sqlalchemy import func, select

from app.mentoring import bookings
from app.mentoring.models import Booking, BookingReminder
from app.mentoring.reminders import send_due_reminders
from app.notifications.models import Notification
from tests.mentoring.conftest import UTC, next_weekday


def _booking(make_mentor, make_user, make_session_type, **type_fields):
    mentor = make_mentor()
    session_type = make_session_type(mentor, **type_fields)
    founder = make_user("founder")
    booking = bookings.book(founder=founder, session_type_id=session_type.id,
                            starts_at=next_weekday(2).replace(hour=10), topic="Fundraising")
    return mentor, founder, booking


def _kinds(db, user) -> list[str]:
    return sorted(db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id,
                                                                     Notification.kind.like("booking_reminder%"))))


def test_confirmation_email_has_the_ics(db, make_mentor, make_user, make_session_type, smtp_server):
    _mentor, founder, booking = _booking(make_mentor, make_user, make_session_type)
    confirmations = [m for m in smtp_server.messages if m["To"].addresses[0].addr_spec == founder.email
                     and "Confirmed" in m["Subject"]]
    assert len(confirmations) == 1
    ics = [part for part in confirmations[0].iter_attachments() if part.get_content_type() == "text/calendar"]
    assert len(ics) == 1
    event = icalendar.Calendar.from_ical(ics[0].get_content()).walk("VEVENT")[0]
    assert event.decoded("dtstart") == booking.starts_at


def test_reminders_go_out_once_each_at_24h_and_1h(db, make_mentor, make_user, make_session_type, smtp_server):
    mentor, founder, booking = _booking(make_mentor, make_user, make_session_type)
    starts_at = booking.starts_at
    assert send_due_reminders(now=starts_at - timedelta(hours=30)) == 0
    day_before = starts_at - timedelta(hours=23)
    assert send_due_reminders(now=day_before) == 1
    assert send_due_reminders(now=day_before) == 0  # a second run (or worker) sends nothing
    assert _kinds(db, founder) == _kinds(db, mentor) == ["booking_reminder_24h"]
    assert send_due_reminders(now=starts_at - timedelta(minutes=50)) == 1
    assert send_due_reminders(now=starts_at - timedelta(minutes=40)) == 0
    assert _kinds(db, founder) == ["booking_reminder_1h", "booking_reminder_24h"]
    subjects = [m["Subject"] for m in smtp_server.messages if m["To"].addresses[0].addr_spec == founder.email]
    assert sum("Tomorrow" in s for s in subjects) == 1 and sum("In an hour" in s for s in subjects) == 1
    assert db.session.scalar(select(func.count(BookingReminder.id))) == 2


def test_short_notice_booking_gets_only_the_1h_reminder(db, make_mentor, make_user, make_session_type):
    _mentor, founder, booking = _booking(make_mentor, make_user, make_session_type)
    assert send_due_reminders(now=booking.starts_at - timedelta(minutes=30)) == 1
    assert _kinds(db, founder) == ["booking_reminder_1h"]


def test_cancelled_bookings_get_no_reminder(db, make_mentor, make_user, make_session_type):
    _mentor, founder, booking = _booking(make_mentor, make_user, make_session_type)
    bookings.cancel(actor=founder, booking_id=booking.id)
    assert send_due_reminders(now=booking.starts_at - timedelta(minutes=30)) == 0


def test_cli_command_runs(app, db, make_mentor, make_user, make_session_type):
    result = app.test_cli_runner().invoke(args=["mentoring", "send-reminders"])
    assert result.exit_code == 0, result.output
    assert "reminder" in result.output
    assert isinstance(db.session.scalar(select(func.count(Booking.id))), int)
    assert UTC and datetime


def test_a_moved_booking_is_reminded_again_for_its_new_time(db, make_mentor, make_user, make_session_type,
                                                            smtp_server):
    _mentor, founder, booking = _booking(make_mentor, make_user, make_session_type)
    old = booking.starts_at
    assert send_due_reminders(now=old - timedelta(hours=23)) == 1
    new = old + timedelta(days=1)
    bookings.reschedule(actor=founder, booking_id=booking.id, starts_at=new)
    assert send_due_reminders(now=old - timedelta(minutes=30)) == 0  # nothing for the time it left
    assert send_due_reminders(now=new - timedelta(hours=23)) == 1
    assert send_due_reminders(now=new - timedelta(hours=22)) == 0
    assert send_due_reminders(now=new - timedelta(minutes=30)) == 1
    assert send_due_reminders(now=new - timedelta(minutes=20)) == 0
    assert _kinds(db, founder) == ["booking_reminder_1h", "booking_reminder_24h", "booking_reminder_24h"]
    subjects = [m["Subject"] for m in smtp_server.messages if m["To"].addresses[0].addr_spec == founder.email]
    assert sum("Tomorrow" in s for s in subjects) == 2 and sum("In an hour" in s for s in subjects) == 1
    times = sorted(r.starts_at for r in db.session.scalars(select(BookingReminder)))
    assert times == [old, new, new]
