"""One person, one calendar: a booking may not overlap the founder's other bookings or meetings, nor the
mentor's meetings (409 `calendar_conflict` naming the clash to whoever's own calendar it is)."""
from datetime import timedelta

import pytest

from app.conversations import meetings
from app.conversations.models import Conversation, Meeting, MeetingOffer
from app.core.errors import Conflict
from app.extensions import db
from app.mentoring import bookings
from tests.conversations.conftest import at, conversation, people  # noqa: F401  (fixtures)


@pytest.fixture
def mentor_type(make_mentor, make_session_type):
    def factory(name="Mei Mentor", minutes=30):
        mentor = make_mentor(windows=[(d, "00:00", "24:00") for d in range(7)], name=name)
        return mentor, make_session_type(mentor, duration_minutes=minutes)
    return factory


def _meeting(people, conversation, starts_at):  # noqa: F811
    offer = meetings.make_offer(founder=people["founder"], conversation_id=conversation.id,
                                times=[{"starts_at": starts_at, "duration_minutes": 60}])
    return meetings.accept_offer(investor=people["investor"], offer_id=offer.id, starts_at=starts_at)


def test_booking_over_the_founders_meeting_is_refused_naming_it(people, conversation, mentor_type):  # noqa: F811
    _meeting(people, conversation, at(3, 10))
    _mentor, session_type = mentor_type()
    with pytest.raises(Conflict) as caught:
        bookings.book(founder=people["founder"], session_type_id=session_type.id, starts_at=at(3, 10, 30))
    assert caught.value.code == "calendar_conflict"
    assert "Ivy Investor" in caught.value.message
    assert caught.value.details["conflicts"][0]["kind"] == "meeting"
    booking = bookings.book(founder=people["founder"], session_type_id=session_type.id, starts_at=at(3, 11))
    assert booking.status == "confirmed"  # back to back is fine


@pytest.mark.parametrize("approval", [False, True])
def test_booking_over_another_mentor_session_is_refused(people, mentor_type, approval):  # noqa: F811
    founder = people["founder"]
    _m1, first = mentor_type("Ann Mentor", minutes=60)
    _m2, second = mentor_type("Bo Mentor")
    first.requires_approval = approval
    db.session.commit()
    held = bookings.book(founder=founder, session_type_id=first.id, starts_at=at(4, 9))
    assert held.status == ("requested" if approval else "confirmed")
    with pytest.raises(Conflict) as caught:
        bookings.book(founder=founder, session_type_id=second.id, starts_at=at(4, 9, 30))
    assert caught.value.code == "calendar_conflict" and "Ann Mentor" in caught.value.message
    bookings.cancel(actor=founder, booking_id=held.id)
    assert bookings.book(founder=founder, session_type_id=second.id, starts_at=at(4, 9, 30)).id


def test_reschedule_checks_the_calendar(people, conversation, mentor_type):  # noqa: F811
    founder = people["founder"]
    _mentor, session_type = mentor_type(minutes=60)
    booking = bookings.book(founder=founder, session_type_id=session_type.id, starts_at=at(5, 9))
    moved = bookings.reschedule(actor=founder, booking_id=booking.id, starts_at=at(5, 10))  # its own time is free
    assert moved.starts_at == at(5, 10)
    _meeting(people, conversation, at(5, 14))
    with pytest.raises(Conflict) as caught:
        bookings.reschedule(actor=founder, booking_id=booking.id, starts_at=at(5, 14))
    assert caught.value.code == "calendar_conflict"


def test_the_mentors_meeting_blocks_the_time_without_naming_it(people, make_user, mentor_type):  # noqa: F811
    mentor, session_type = mentor_type()
    investor = people["investor"]
    low, high = sorted((mentor.id, investor.id))
    conv = Conversation(user_low_id=low, user_high_id=high, started_by_id=mentor.id)
    db.session.add(conv)
    db.session.flush()
    offer = MeetingOffer(conversation_id=conv.id, founder_id=mentor.id, investor_id=investor.id,
                         last_starts_at=at(6, 10), status="accepted")
    db.session.add(offer)
    db.session.flush()
    db.session.add(Meeting(offer_id=offer.id, conversation_id=conv.id, founder_id=mentor.id,
                           investor_id=investor.id, starts_at=at(6, 10), ends_at=at(6, 10) + timedelta(hours=1)))
    db.session.commit()
    with pytest.raises(Conflict) as caught:
        bookings.book(founder=people["founder"], session_type_id=session_type.id, starts_at=at(6, 10))
    assert caught.value.code == "calendar_conflict"
    assert caught.value.details == {"busy": "mentor"} and "Ivy" not in caught.value.message


def test_api_answers_409_with_the_clash(login, people, conversation, mentor_type):  # noqa: F811
    _meeting(people, conversation, at(3, 16))
    _mentor, session_type = mentor_type()
    response = login(people["founder"]).post("/api/bookings", json={"session_type_id": session_type.id,
                                                                   "starts_at": at(3, 16).isoformat()})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "calendar_conflict" and "Ivy Investor" in error["message"]
