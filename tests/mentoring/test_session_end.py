"""Issue 15 item 8: the end of a session completes it (unless a no-show was reported) and asks both sides to
rate it, in-app and by email in each one's language, exactly once across repeated runs."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.errors import InvalidState
from app.mentoring import bookings
from app.mentoring.models import Booking, BookingStatus
from app.mentoring.session_end import close_ended_sessions
from app.notifications.models import Notification
from tests.mentoring.conftest import next_weekday


@pytest.fixture
def held(db, make_mentor, make_user, make_session_type):
    """A confirmed session (mentor in Chinese, founder in English) moved into the past: it ended an hour ago."""
    from app.core.db import utcnow

    mentor = make_mentor(name="周导师", locale="zh")
    founder = make_user("founder", name="Ada Founder", locale="en")
    session_type = make_session_type(mentor, name="一对一辅导")
    booking = bookings.book(founder=founder, session_type_id=session_type.id,
                            starts_at=next_weekday(2).replace(hour=10), topic="融资计划")
    row = db.session.get(Booking, booking.id)
    row.starts_at = utcnow().replace(second=0, microsecond=0) - timedelta(hours=2)
    row.ends_at = row.starts_at + timedelta(hours=1)
    db.session.commit()
    return mentor, founder, row


def _prompts(db, user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                              Notification.kind == "booking_rate")))


def test_an_ended_session_is_completed_and_both_are_asked_once(db, held, smtp_server):
    mentor, founder, booking = held
    assert close_ended_sessions(now=booking.ends_at + timedelta(minutes=5)) == 0  # inside the grace
    assert db.session.get(Booking, booking.id).status == BookingStatus.CONFIRMED
    runs = [close_ended_sessions() for _ in range(3)]
    assert runs == [1, 0, 0]
    assert db.session.get(Booking, booking.id).status == BookingStatus.COMPLETED
    assert len(_prompts(db, mentor)) == len(_prompts(db, founder)) == 1
    assert _prompts(db, founder)[0].url == f"/sessions/{booking.id}#feedback"
    subjects = {m["To"].addresses[0].addr_spec: m["Subject"] for m in smtp_server.messages
                if "Rate" in m["Subject"] or "评价" in m["Subject"]}
    assert subjects[founder.email] == "Rate your session: 一对一辅导 with 周导师"
    assert subjects[mentor.email] == "请评价本次辅导：一对一辅导（与 Ada Founder）"
    assert len([m for m in smtp_server.messages if m["To"].addresses[0].addr_spec == mentor.email
                and m["Subject"] == subjects[mentor.email]]) == 1


def test_a_reported_no_show_keeps_it_from_completing(db, held):
    mentor, founder, booking = held
    bookings.mark_no_show(actor=founder, booking_id=booking.id)
    assert close_ended_sessions() == 0
    row = db.session.get(Booking, booking.id)
    assert (row.status, row.absent_side) == (BookingStatus.NO_SHOW, "mentor")
    assert _prompts(db, founder) == [] and _prompts(db, mentor) == []


def test_a_no_show_can_still_be_reported_until_someone_rates(db, held):
    mentor, founder, booking = held
    close_ended_sessions()
    bookings.mark_no_show(actor=mentor, booking_id=booking.id)
    row = db.session.get(Booking, booking.id)
    assert (row.status, row.absent_side) == (BookingStatus.NO_SHOW, "founder")


def test_once_rated_the_session_stays_completed(db, held):
    mentor, founder, booking = held
    close_ended_sessions()
    bookings.give_feedback(author=founder, booking_id=booking.id, rating=4, comment="很有帮助")
    with pytest.raises(InvalidState):
        bookings.mark_no_show(actor=mentor, booking_id=booking.id)


def test_a_session_the_mentor_completed_still_prompts_only_who_has_not_rated(db, held):
    mentor, founder, booking = held
    bookings.complete(mentor=mentor, booking_id=booking.id)
    bookings.give_feedback(author=mentor, booking_id=booking.id, rating=5)
    assert close_ended_sessions() == 1
    assert len(_prompts(db, founder)) == 1 and _prompts(db, mentor) == []


def test_old_sessions_are_left_alone(db, held):
    _mentor, founder, booking = held
    assert close_ended_sessions(now=booking.ends_at + timedelta(days=8)) == 0
    assert db.session.get(Booking, booking.id).status == BookingStatus.CONFIRMED


def test_cancelled_sessions_are_not_closed(db, make_mentor, make_user, make_session_type):
    mentor = make_mentor()
    founder = make_user("founder")
    session_type = make_session_type(mentor)
    booking = bookings.book(founder=founder, session_type_id=session_type.id,
                            starts_at=next_weekday(2).replace(hour=10))
    bookings.cancel(actor=founder, booking_id=booking.id)
    assert close_ended_sessions(now=booking.ends_at + timedelta(hours=1)) == 0


def test_the_command_runs_repeatedly(app, db, held):
    runner = app.test_cli_runner()
    outputs = [runner.invoke(args=["mentoring", "close-sessions"]) for _ in range(2)]
    assert [r.exit_code for r in outputs] == [0, 0], outputs[0].output
    assert "Closed 1 session" in outputs[0].output and "Closed 0 session" in outputs[1].output
