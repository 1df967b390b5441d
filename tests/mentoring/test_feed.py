"""One feed per person with every commitment, read back through its URL and parsed with python `icalendar`:
mentor sessions (a group session once, with every founder), founder–investor meetings, registered roadshows."""
import icalendar
import pytest
from sqlalchemy import select

from app.conversations import meetings
from app.mentoring import bookings
from app.roadshows import services as roadshows
from app.roadshows.models import Roadshow
from tests.conversations.conftest import at, conversation, people  # noqa: F401  (fixtures)


@pytest.fixture
def mentor_types(make_mentor, make_session_type):
    mentor = make_mentor(windows=[(d, "00:00", "24:00") for d in range(7)], name="Mei Mentor")
    return mentor, make_session_type(mentor, name="Office hour"), make_session_type(mentor, name="Open day",
                                                                                   capacity=3, duration_minutes=90)


def _feed(login, user) -> list:
    api = login(user)
    url = api.get("/api/calendar-feed").get_json()["url"]
    response = api.get(url.replace("http://localhost", ""))
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    cal = icalendar.Calendar.from_ical(response.data)
    assert str(cal["method"]) == "PUBLISH"
    return list(cal.walk("VEVENT"))


def _uids(events) -> list[str]:
    return sorted(str(e["uid"]) for e in events)


def test_founder_feed_has_sessions_meetings_and_roadshows(db, login, people, conversation,  # noqa: F811
                                                          mentor_types, make_user):
    founder, investor = people["founder"], people["investor"]
    _mentor, one_to_one, _open_day = mentor_types
    booking = bookings.book(founder=founder, session_type_id=one_to_one.id, starts_at=at(4, 9))
    cancelled = bookings.book(founder=founder, session_type_id=one_to_one.id, starts_at=at(4, 15))
    bookings.cancel(actor=founder, booking_id=cancelled.id)
    offer = meetings.make_offer(founder=founder, conversation_id=conversation.id,
                                times=[{"starts_at": at(3, 14), "duration_minutes": 60}])
    meeting = meetings.accept_offer(investor=investor, offer_id=offer.id, starts_at=at(3, 14))
    roadshow = db.session.scalar(select(Roadshow).order_by(Roadshow.id.desc()))  # the pitch's roadshow
    roadshows.register(user=founder, roadshow_id=roadshow.id)

    events = _feed(login, founder)
    assert _uids(events) == sorted([f"booking-{booking.id}@fuhua", f"meeting-{meeting.id}@fuhua",
                                    f"roadshow-{roadshow.id}@fuhua"])
    by_uid = {str(e["uid"]): e for e in events}
    assert by_uid[f"meeting-{meeting.id}@fuhua"].decoded("dtstart") == at(3, 14)
    assert str(by_uid[f"roadshow-{roadshow.id}@fuhua"]["url"]).endswith(f"/roadshows/{roadshow.id}")
    assert str(by_uid[f"booking-{booking.id}@fuhua"]["url"]).endswith(f"/sessions/{booking.id}")

    # the investor's feed has the meeting too; someone else's feed has none of it
    assert _uids(_feed(login, investor)) == [f"meeting-{meeting.id}@fuhua"]
    assert _feed(login, make_user("founder")) == []


def test_a_group_session_is_one_event_in_the_mentors_feed(login, mentor_types, make_user):
    mentor, _one, open_day = mentor_types
    founders = [make_user("founder", name=f"Founder {i}") for i in range(3)]
    for founder in founders:
        bookings.book(founder=founder, session_type_id=open_day.id, starts_at=at(5, 9))
    events = _feed(login, mentor)
    assert len(events) == 1
    attendees = {str(a) for a in events[0]["attendee"]}
    assert {f"mailto:{f.email}" for f in founders} <= attendees
    assert "3 founders" in str(events[0]["summary"])
    # each founder sees their own seat
    assert len(_feed(login, founders[0])) == 1


def test_a_rotated_token_stops_the_old_feed(login, client, mentor_types, make_user):
    founder = make_user("founder")
    api = login(founder)
    old = api.get("/api/calendar-feed").get_json()["url"].replace("http://localhost", "")
    new = api.post("/api/calendar-feed").get_json()["url"].replace("http://localhost", "")
    assert new != old
    assert client.get(old).status_code == 404 and client.get(new).status_code == 200
