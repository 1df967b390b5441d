"""Mentoring API (SPEC §8): profiles, session types, availability, slots, bookings and their moves."""
from datetime import datetime, timedelta

import icalendar
import pytest

from app.mentoring import bookings
from app.mentoring.models import Booking, BookingStatus
from tests.mentoring.conftest import UTC, next_weekday


def iso(value: datetime) -> str:
    return value.isoformat()


@pytest.fixture
def mentor(make_mentor):
    return make_mentor(windows=[(d, "09:00", "12:00") for d in range(7)])


@pytest.fixture
def one_to_one(mentor, make_session_type):
    return make_session_type(mentor)


@pytest.fixture
def founder(make_user):
    return make_user("founder")


def book(client, session_type, starts_at, topic="Go-to-market"):
    return client.post("/api/bookings", json={"session_type_id": session_type.id, "starts_at": iso(starts_at),
                                              "topic": topic})


def test_mentor_puts_profile_and_directory_finds_it(login, make_user):
    mentor = make_user("mentor", name="Grace Hopper")
    client = login(mentor)
    response = client.put("/api/mentors/me", json={"bio": "Compilers and chips.", "tags": ["Compilers", "RISC-V"],
                                                   "sectors": ["ai_chips"], "languages": ["en", "zh"],
                                                   "timezone": "Europe/Berlin"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["id"] == mentor.id and body["tags"] == ["compilers", "risc-v"] and body["timezone"] == "Europe/Berlin"
    assert body["rating"] is None and body["sessions_delivered"] == 0
    anonymous = login(make_user("investor")).client.application.test_client()
    assert [m["id"] for m in anonymous.get("/api/mentors?q=compilers").get_json()["items"]] == [mentor.id]
    assert [m["id"] for m in anonymous.get("/api/mentors?tag=risc-v").get_json()["items"]] == [mentor.id]
    assert [m["id"] for m in anonymous.get("/api/mentors?sector=ai_chips&language=zh").get_json()["items"]] == [
        mentor.id]
    assert anonymous.get("/api/mentors?language=de").get_json()["total"] == 0
    assert anonymous.get(f"/api/mentors/{mentor.id}").get_json()["name"] == "Grace Hopper"


def test_only_mentors_have_a_profile(login, founder):
    response = login(founder).put("/api/mentors/me", json={"bio": "x"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "mentors_only"


def test_bad_timezone_and_unknown_sector_are_422(login, make_user):
    client = login(make_user("mentor"))
    assert client.put("/api/mentors/me", json={"timezone": "Mars/Olympus"}).status_code == 422
    assert client.put("/api/mentors/me", json={"sectors": ["alchemy"]}).status_code == 422


def test_session_type_accepts_buffer_minutes_for_both_buffers(login, make_user):
    client = login(make_user("mentor"))
    response = client.post("/api/mentors/me/session-types", json={
        "name": "Deep dive", "duration_minutes": 45, "capacity": 1, "min_notice_minutes": 60, "max_days_ahead": 30,
        "buffer_minutes": 15, "requires_approval": True})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["buffer_before_minutes"] == body["buffer_after_minutes"] == body["buffer_minutes"] == 15
    assert body["requires_approval"] is True
    assert client.post("/api/mentors/me/session-types", json={"name": "Odd", "duration_minutes": 7}).status_code == 422


def test_availability_window_and_override_contract(login, make_user):
    client = login(make_user("mentor"))
    response = client.post("/api/mentors/me/availability", json={"weekday": 0, "start_time": "09:00",
                                                                 "end_time": "12:30", "timezone": "Asia/Shanghai"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json() == {"id": response.get_json()["id"], "weekday": 0, "start_time": "09:00",
                                   "end_time": "12:30", "timezone": "Asia/Shanghai"}
    bad = client.post("/api/mentors/me/availability", json={"weekday": 7, "start_time": "9", "end_time": "08:00"})
    assert bad.status_code == 422 and {"weekday", "start_time"} <= set(bad.get_json()["error"]["details"])
    backwards = client.post("/api/mentors/me/availability", json={"weekday": 1, "start_time": "12:00",
                                                                  "end_time": "09:00"})
    assert backwards.status_code == 422
    start = next_weekday(2).replace(hour=9)
    override = client.post("/api/mentors/me/overrides", json={"starts_at": iso(start),
                                                              "ends_at": iso(start + timedelta(hours=2)),
                                                              "available": False})
    assert override.status_code == 201 and override.get_json()["available"] is False
    availability = client.get("/api/mentors/me/availability").get_json()
    assert len(availability["windows"]) == 1 and len(availability["overrides"]) == 1


def test_slots_need_sign_in_and_a_valid_session_type(client, login, founder, mentor, one_to_one):
    assert client.get(f"/api/mentors/{mentor.id}/slots?session_type_id={one_to_one.id}").status_code == 401
    api = login(founder)
    assert api.get(f"/api/mentors/{mentor.id}/slots").status_code == 422
    assert api.get(f"/api/mentors/{mentor.id}/slots?session_type_id=999999").status_code == 404
    assert api.get(f"/api/mentors/{mentor.id}/slots?session_type_id={one_to_one.id}&start=tomorrow").status_code == 422


def test_slots_are_listed_in_the_viewers_zone(login, make_user, mentor, one_to_one):
    viewer = make_user("founder", timezone="America/New_York")
    day = next_weekday(2)
    response = login(viewer).get(f"/api/mentors/{mentor.id}/slots", query_string={
        "session_type_id": one_to_one.id, "start": iso(day), "end": iso(day + timedelta(days=1))})
    assert response.status_code == 200, response.get_json()
    slots = response.get_json()
    assert [s["seats_left"] for s in slots] == [1, 1, 1]
    first = datetime.fromisoformat(slots[0]["starts_at"])
    assert first == day.replace(hour=9) and first.utcoffset() in (timedelta(hours=-5), timedelta(hours=-4))


def test_booking_confirms_and_takes_the_slot(login, founder, mentor, one_to_one):
    api = login(founder)
    starts_at = next_weekday(3).replace(hour=10)
    response = book(api, one_to_one, starts_at)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "confirmed" and body["mentor"]["id"] == mentor.id and body["founder"]["id"] == founder.id
    assert datetime.fromisoformat(body["starts_at"]) == starts_at
    again = book(api, one_to_one, starts_at)
    assert again.status_code == 409 and again.get_json()["error"]["code"] in ("slot_taken", "already_booked")
    day = starts_at.replace(hour=0)
    slots = api.get(f"/api/mentors/{mentor.id}/slots", query_string={
        "session_type_id": one_to_one.id, "start": iso(day), "end": iso(day + timedelta(days=1))}).get_json()
    assert [datetime.fromisoformat(s["starts_at"]).astimezone(UTC).hour for s in slots] == [9, 11]


def test_second_founder_gets_slot_taken(login, make_user, founder, one_to_one):
    starts_at = next_weekday(3).replace(hour=10)
    assert book(login(founder), one_to_one, starts_at).status_code == 201
    response = book(login(make_user("founder")), one_to_one, starts_at)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "slot_taken"


def test_time_outside_availability_is_not_available(login, founder, one_to_one):
    response = book(login(founder), one_to_one, next_weekday(3).replace(hour=15))
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "not_available"


def test_naive_time_is_refused(login, founder, one_to_one):
    response = login(founder).post("/api/bookings", json={"session_type_id": one_to_one.id,
                                                          "starts_at": "2030-01-01T10:00:00"})
    assert response.status_code == 422


def test_overlapping_session_of_another_type_conflicts(login, make_user, mentor, one_to_one, make_session_type):
    long_type = make_session_type(mentor, name="Long", duration_minutes=90)
    starts_at = next_weekday(4).replace(hour=9)
    assert book(login(founder := make_user("founder")), long_type, starts_at).status_code == 201
    assert founder
    # the 60-minute type at 10:00 overlaps 9:00–10:30
    response = book(login(make_user("founder")), one_to_one, starts_at.replace(hour=10))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "slot_taken"


def test_buffers_keep_neighbouring_sessions_apart(login, make_user, mentor, make_session_type):
    buffered = make_session_type(mentor, name="Buffered", duration_minutes=60, buffer_after_minutes=30)
    plain = make_session_type(mentor, name="Plain", duration_minutes=30)
    day = next_weekday(5)
    assert book(login(make_user("founder")), buffered, day.replace(hour=9)).status_code == 201
    response = book(login(make_user("founder")), plain, day.replace(hour=10))
    assert response.status_code == 409
    assert book(login(make_user("founder")), plain, day.replace(hour=10, minute=30)).status_code == 201


def test_group_session_fills_to_capacity_and_shows_seats_left(login, make_user, mentor, make_session_type):
    group = make_session_type(mentor, name="Open day", capacity=3)
    starts_at = next_weekday(1).replace(hour=9)
    for expected_left in (2, 1, 0):
        assert book(login(make_user("founder")), group, starts_at).status_code == 201
        slots = login(make_user("founder")).get(f"/api/mentors/{mentor.id}/slots", query_string={
            "session_type_id": group.id, "start": iso(starts_at), "end": iso(starts_at + timedelta(minutes=1))})
        seats = [s["seats_left"] for s in slots.get_json()]
        assert seats == ([expected_left] if expected_left else [])
    assert book(login(make_user("founder")), group, starts_at).status_code == 409


def test_approval_flow_and_wrong_party(login, make_user, founder, mentor, make_session_type):
    approval = make_session_type(mentor, name="Review", requires_approval=True)
    api = login(founder)
    booking = book(api, approval, next_weekday(2).replace(hour=11)).get_json()
    assert booking["status"] == "requested"
    assert api.post(f"/api/bookings/{booking['id']}/confirm").status_code == 403
    stranger = login(make_user("mentor"))
    assert stranger.post(f"/api/bookings/{booking['id']}/confirm").status_code == 404
    mentor_api = login(mentor)
    pending = mentor_api.get("/api/bookings?scope=pending").get_json()
    assert [b["id"] for b in pending["items"]] == [booking["id"]]
    confirmed = mentor_api.post(f"/api/bookings/{booking['id']}/confirm")
    assert confirmed.status_code == 200 and confirmed.get_json()["status"] == "confirmed"
    again = mentor_api.post(f"/api/bookings/{booking['id']}/confirm")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "invalid_state"


def test_decline_frees_the_slot(login, make_user, founder, mentor, make_session_type):
    approval = make_session_type(mentor, name="Review", requires_approval=True)
    starts_at = next_weekday(2).replace(hour=11)
    booking = book(login(founder), approval, starts_at).get_json()
    assert book(login(make_user("founder")), approval, starts_at).status_code == 409  # a request holds its slot
    declined = login(mentor).post(f"/api/bookings/{booking['id']}/decline", json={"reason": "Travelling"})
    assert declined.status_code == 200 and declined.get_json()["status"] == "declined"
    assert book(login(make_user("founder")), approval, starts_at).status_code == 201


def test_cancel_inside_window_is_late_and_frees_the_slot(login, make_user, founder, mentor, make_session_type, db):
    soon = make_session_type(mentor, name="Soon", cancellation_window_minutes=60 * 24 * 30)
    starts_at = next_weekday(2).replace(hour=9)
    api = login(founder)
    booking = book(api, soon, starts_at).get_json()
    response = api.post(f"/api/bookings/{booking['id']}/cancel", json={})
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled" and response.get_json()["late_cancellation"] is True
    assert api.post(f"/api/bookings/{booking['id']}/cancel", json={}).status_code == 409
    assert book(login(make_user("founder")), soon, starts_at).status_code == 201


def test_cancel_outside_window_is_not_late(login, founder, one_to_one):
    api = login(founder)
    booking = book(api, one_to_one, next_weekday(2, weeks=3).replace(hour=9)).get_json()
    assert api.post(f"/api/bookings/{booking['id']}/cancel", json={}).get_json()["late_cancellation"] is False


def _past_booking(db, booking_id):
    booking = db.session.get(Booking, booking_id)
    booking.starts_at -= timedelta(days=30)
    booking.ends_at -= timedelta(days=30)
    db.session.commit()


def test_complete_no_show_and_feedback(login, founder, mentor, one_to_one, db):
    api, mentor_api = login(founder), login(mentor)
    booking = book(api, one_to_one, next_weekday(2).replace(hour=9)).get_json()
    early = mentor_api.post(f"/api/bookings/{booking['id']}/complete")
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "not_started"
    assert api.post(f"/api/bookings/{booking['id']}/feedback", json={"rating": 5}).status_code == 409
    _past_booking(db, booking["id"])
    assert api.post(f"/api/bookings/{booking['id']}/complete").status_code == 403
    assert mentor_api.post(f"/api/bookings/{booking['id']}/complete").get_json()["status"] == "completed"
    assert mentor_api.post(f"/api/bookings/{booking['id']}/no-show").status_code == 409
    assert api.post(f"/api/bookings/{booking['id']}/feedback", json={"rating": 6}).status_code == 422
    feedback = api.post(f"/api/bookings/{booking['id']}/feedback", json={"rating": 4, "comment": "Sharp advice"})
    assert feedback.status_code == 201 and feedback.get_json()["side"] == "founder"
    assert api.post(f"/api/bookings/{booking['id']}/feedback", json={"rating": 5}).status_code == 409
    assert mentor_api.post(f"/api/bookings/{booking['id']}/feedback", json={"rating": 5}).status_code == 201
    profile = api.get(f"/api/mentors/{mentor.id}").get_json()
    assert profile["rating"] == 4.0 and profile["sessions_delivered"] == 1


def test_no_show(login, founder, mentor, one_to_one, db):
    booking = book(login(founder), one_to_one, next_weekday(2).replace(hour=9)).get_json()
    _past_booking(db, booking["id"])
    response = login(mentor).post(f"/api/bookings/{booking['id']}/no-show")
    assert response.status_code == 200 and response.get_json()["status"] == "no_show"


def test_reschedule_moves_the_booking_and_frees_the_old_time(login, make_user, founder, one_to_one):
    api = login(founder)
    old = next_weekday(2).replace(hour=9)
    new = old.replace(hour=11)
    booking = book(api, one_to_one, old).get_json()
    response = api.post(f"/api/bookings/{booking['id']}/reschedule", json={"starts_at": iso(new)})
    assert response.status_code == 200, response.get_json()
    assert datetime.fromisoformat(response.get_json()["starts_at"]) == new
    assert book(login(make_user("founder")), one_to_one, old).status_code == 201
    # a taken target leaves the booking where it was
    blocker = book(login(make_user("founder")), one_to_one, old.replace(hour=10)).get_json()
    assert blocker["status"] == "confirmed"
    moved = api.post(f"/api/bookings/{booking['id']}/reschedule", json={"starts_at": iso(old.replace(hour=10))})
    assert moved.status_code == 409 and moved.get_json()["error"]["code"] == "slot_taken"
    assert datetime.fromisoformat(api.get(f"/api/bookings/{booking['id']}").get_json()["starts_at"]) == new


def test_reschedule_to_an_overlapping_time_of_its_own(login, founder, mentor, make_session_type):
    long_type = make_session_type(mentor, name="Long", duration_minutes=90)
    api = login(founder)
    start = next_weekday(2).replace(hour=9)
    booking = book(api, long_type, start).get_json()
    response = api.post(f"/api/bookings/{booking['id']}/reschedule",
                        json={"starts_at": iso(start + timedelta(minutes=90))})
    assert response.status_code == 200, response.get_json()


def test_bookings_are_private_to_the_parties(login, make_user, founder, one_to_one):
    booking = book(login(founder), one_to_one, next_weekday(2).replace(hour=9)).get_json()
    other = login(make_user("founder"))
    assert other.get(f"/api/bookings/{booking['id']}").status_code == 404
    assert other.get(f"/api/bookings/{booking['id']}/ics").status_code == 404
    assert other.post(f"/api/bookings/{booking['id']}/cancel", json={}).status_code == 404
    assert other.get("/api/bookings").get_json()["total"] == 0


def test_only_founders_book(login, make_user, one_to_one):
    response = book(login(make_user("investor")), one_to_one, next_weekday(2).replace(hour=9))
    assert response.status_code == 403


def test_booking_ics_parses(login, founder, mentor, one_to_one):
    api = login(founder)
    starts_at = next_weekday(2).replace(hour=9)
    booking = book(api, one_to_one, starts_at, topic="Pricing").get_json()
    response = api.get(f"/api/bookings/{booking['id']}/ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    cal = icalendar.Calendar.from_ical(response.data)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    assert events[0].decoded("dtstart") == starts_at
    assert events[0].decoded("dtend") == starts_at + timedelta(hours=1)
    assert str(events[0]["status"]) == "CONFIRMED"
    assert "Pricing" in str(events[0]["description"])


def test_calendar_feed_lists_bookings_and_can_be_regenerated(login, client, founder, one_to_one):
    api = login(founder)
    book(api, one_to_one, next_weekday(2).replace(hour=9))
    url = api.get("/api/calendar-feed").get_json()["url"]
    path = url.removeprefix("http://localhost")
    response = client.get(path)
    assert response.status_code == 200
    assert len(list(icalendar.Calendar.from_ical(response.data).walk("VEVENT"))) == 1
    new_url = api.post("/api/calendar-feed").get_json()["url"]
    assert new_url != url
    assert client.get(path).status_code == 404
    assert client.get(new_url.removeprefix("http://localhost")).status_code == 200


def test_list_scopes(login, founder, mentor, one_to_one, db):
    api = login(founder)
    past = book(api, one_to_one, next_weekday(2).replace(hour=9)).get_json()
    upcoming = book(api, one_to_one, next_weekday(2).replace(hour=11)).get_json()
    _past_booking(db, past["id"])
    assert [b["id"] for b in api.get("/api/bookings?scope=upcoming").get_json()["items"]] == [upcoming["id"]]
    assert [b["id"] for b in api.get("/api/bookings?scope=past").get_json()["items"]] == [past["id"]]
    assert [b["id"] for b in login(mentor).get("/api/bookings?scope=upcoming").get_json()["items"]] == [
        upcoming["id"]]
    assert api.get("/api/bookings?scope=later").status_code == 422


def test_service_refuses_double_booking_even_when_the_slot_check_is_skipped(db, founder, make_user, one_to_one,
                                                                             monkeypatch):
    """The unique claims hold on their own: with the availability check switched off, the second insert fails."""
    starts_at = next_weekday(2).replace(hour=9)
    bookings.book(founder=founder, session_type_id=one_to_one.id, starts_at=starts_at)
    monkeypatch.setattr(bookings, "_check_bookable", lambda *a, **k: None)
    with pytest.raises(bookings.Conflict) as error:
        bookings.book(founder=make_user("founder"), session_type_id=one_to_one.id,
                      starts_at=starts_at + timedelta(minutes=30))
    assert error.value.code == "slot_taken"
    statuses = [b.status for b in db.session.query(Booking).all()]
    assert statuses == [BookingStatus.CONFIRMED]
    assert UTC


def test_full_open_day_waitlist_gives_the_freed_seat_to_the_first_in_line(login, make_user, mentor,
                                                                           make_session_type, db):
    group = make_session_type(mentor, name="Open day", capacity=2)
    starts_at = next_weekday(1).replace(hour=10)
    first, second = login(make_user("founder")), login(make_user("founder"))
    seat_holder = book(first, group, starts_at).get_json()
    assert book(second, group, starts_at).status_code == 201
    early = login(make_user("founder")).post("/api/bookings/waitlist", json={"session_type_id": group.id,
                                                                              "starts_at": iso(starts_at)})
    assert early.status_code == 201 and early.get_json()["position"] == 1
    waiting_user = make_user("founder")
    waiting = login(waiting_user)
    late = waiting.post("/api/bookings/waitlist", json={"session_type_id": group.id, "starts_at": iso(starts_at)})
    assert late.status_code == 201 and late.get_json()["position"] == 2
    assert waiting.post("/api/bookings/waitlist", json={"session_type_id": group.id,
                                                        "starts_at": iso(starts_at)}).status_code == 409
    full = waiting.get(f"/api/mentors/{mentor.id}/slots", query_string={
        "session_type_id": group.id, "start": iso(starts_at), "end": iso(starts_at + timedelta(minutes=1)),
        "include_full": "true"}).get_json()
    assert [s["seats_left"] for s in full] == [0]
    assert first.post(f"/api/bookings/{seat_holder['id']}/cancel", json={}).status_code == 200
    promoted = db.session.query(Booking).filter(Booking.status == "confirmed", Booking.starts_at == starts_at).all()
    assert len(promoted) == 2 and waiting_user.id not in {b.founder_id for b in promoted}
    assert book(waiting, group, starts_at).status_code == 409  # still full: the seat went to the first in line


def test_scorecard_for_admins_only_and_sortable(login, make_user, founder, mentor, make_mentor, one_to_one, db):
    other = make_mentor()
    booking = book(login(founder), one_to_one, next_weekday(2).replace(hour=9)).get_json()
    _past_booking(db, booking["id"])
    login(mentor).post(f"/api/bookings/{booking['id']}/complete")
    login(founder).post(f"/api/bookings/{booking['id']}/feedback", json={"rating": 5})
    assert login(founder).get("/api/mentors/scorecard").status_code == 403
    admin = login(make_user("investor", is_admin=True))
    rows = admin.get("/api/mentors/scorecard?sort=sessions_delivered").get_json()
    assert [r["mentor_id"] for r in rows] == [mentor.id, other.id]
    assert rows[0]["sessions_delivered"] == 1 and rows[0]["rating"] == 5.0 and rows[0]["no_show_rate"] == 0.0
    ascending = admin.get("/api/mentors/scorecard?sort=sessions_delivered&order=asc").get_json()
    assert [r["mentor_id"] for r in ascending] == [other.id, mentor.id]
    assert admin.get("/api/mentors/scorecard?sort=bogus").status_code == 422
    assert "Mentor scorecard" in admin.get("/mentoring/scorecard?sort=rating").get_data(as_text=True)
