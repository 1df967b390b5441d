"""Mentoring pages: directory, profile with the week view, booking form, My sessions, session page, editors."""
from datetime import timedelta

from app.mentoring import bookings
from app.mentoring.models import Booking, BookingStatus
from tests.mentoring.conftest import next_weekday


def test_directory_filters_by_text_tag_sector_and_language(client, make_mentor):
    make_mentor(name="Ada Circuit", tags=["tape-out"], sectors=["ai_chips"], languages=["en"])
    make_mentor(name="Bo Biology", tags=["clinical"], sectors=["biotech"], languages=["zh"])
    page = client.get("/mentors").get_data(as_text=True)
    assert "Ada Circuit" in page and "Bo Biology" in page
    assert "Bo Biology" not in client.get("/mentors?q=circuit").get_data(as_text=True)
    assert "Ada Circuit" not in client.get("/mentors?tag=clinical").get_data(as_text=True)
    assert "Ada Circuit" not in client.get("/mentors?sector=biotech").get_data(as_text=True)
    assert "Bo Biology" not in client.get("/mentors?language=en").get_data(as_text=True)


def test_profile_week_view_links_to_the_booking_form(login, make_user, make_mentor, make_session_type):
    mentor = make_mentor(windows=[(d, "09:00", "11:00") for d in range(7)])
    session_type = make_session_type(mentor, name="Strategy hour")
    api = login(make_user("founder"))
    week = next_weekday(0)
    page = api.get(f"/mentors/{mentor.id}?week={week.date().isoformat()}").get_data(as_text=True)
    assert "Strategy hour" in page and f"/mentors/{mentor.id}/book?type={session_type.id}" in page


def test_founder_books_through_the_form_and_sees_it_in_my_sessions(login, make_user, make_mentor,
                                                                     make_session_type, db):
    mentor = make_mentor(windows=[(d, "09:00", "11:00") for d in range(7)])
    session_type = make_session_type(mentor, requires_approval=True)
    founder = make_user("founder")
    api = login(founder)
    starts_at = next_weekday(2).replace(hour=9)
    url = f"/mentors/{mentor.id}/book?type={session_type.id}&at={starts_at.isoformat().replace('+', '%2B')}"
    assert api.get(url).status_code == 200
    response = api.post(url, data={"csrf_token": api.csrf_token, "topic": "Seed round", "startup_id": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    booking = db.session.query(Booking).one()
    assert booking.status == BookingStatus.REQUESTED and booking.topic == "Seed round"
    assert "Seed round" in api.get("/sessions?scope=pending").get_data(as_text=True)
    mentor_api = login(mentor)
    assert "Seed round" in mentor_api.get("/sessions?scope=pending").get_data(as_text=True)
    confirm = mentor_api.post(f"/sessions/{booking.id}/confirm", data={"csrf_token": mentor_api.csrf_token})
    assert confirm.status_code == 302
    db.session.refresh(booking)
    assert booking.status == BookingStatus.CONFIRMED
    assert f"/sessions/{booking.id}" in api.get("/sessions").get_data(as_text=True)
    assert api.get(f"/sessions/{booking.id}").status_code == 200


def test_session_page_is_private(login, make_user, make_mentor, make_session_type):
    mentor = make_mentor()
    session_type = make_session_type(mentor)
    booking = bookings.book(founder=make_user("founder"), session_type_id=session_type.id,
                            starts_at=next_weekday(2).replace(hour=9))
    assert login(make_user("founder")).get(f"/sessions/{booking.id}").status_code == 404


def test_mentor_sets_a_week_in_one_form(login, make_user, db):
    mentor = make_user("mentor")
    api = login(mentor)
    data = {"csrf_token": api.csrf_token, "form": "week", "timezone": "Europe/Berlin",
            **{f"day{d}": "09:00-12:00, 14:00-17:30" for d in range(5)}, "day5": "", "day6": ""}
    assert api.post("/mentoring/availability", data=data).status_code == 302
    page = api.get("/mentoring/availability").get_data(as_text=True)
    assert page.count('value="09:00-12:00, 14:00-17:30"') == 5
    bad = api.post("/mentoring/availability", data={**data, "day0": "9-12, 14:00-17:30"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "flash-error" in html and 'id="day0-error"' in html
    assert 'value="9-12, 14:00-17:30"' in html and html.count('value="09:00-12:00, 14:00-17:30"') == 4


def test_a_stale_token_keeps_the_weekly_hours_typed(login, make_user):
    api = login(make_user("mentor"))
    data = {"csrf_token": "stale", "form": "week", "day0": "08:00-11:00", **{f"day{d}": "" for d in range(1, 7)}}
    response = api.post("/mentoring/availability", data=data, headers={"Accept-Language": "zh-CN"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'value="08:00-11:00"' in html and "表单未能提交" in html
    assert api.get("/mentoring/availability").get_data(as_text=True).count('value="08:00-11:00"') == 0


def test_mentor_adds_a_session_type_and_an_override(login, make_user):
    api = login(make_user("mentor"))
    response = api.post("/mentoring/session-types", data={
        "csrf_token": api.csrf_token, "name": "Open day", "duration_minutes": 60, "capacity": 5,
        "min_notice_minutes": 60, "max_days_ahead": 30, "buffer_before_minutes": 0, "buffer_after_minutes": 10,
        "cancellation_window_minutes": 120, "is_active": "y"})
    assert response.status_code == 302
    assert "Open day" in api.get("/mentoring/session-types").get_data(as_text=True)
    day = next_weekday(3)
    response = api.post("/mentoring/availability", data={
        "csrf_token": api.csrf_token, "o-csrf_token": api.csrf_token,
        "o-starts_at": day.strftime("%Y-%m-%dT09:00"), "o-ends_at": day.strftime("%Y-%m-%dT12:00"),
        "o-available": "0", "o-note": "Conference"})
    assert response.status_code == 302
    assert "Conference" in api.get("/mentoring/availability").get_data(as_text=True)


def test_profile_editor_saves(login, make_user):
    mentor = make_user("mentor")
    api = login(mentor)
    assert api.get("/mentoring/profile").status_code == 200
    response = api.post("/mentoring/profile", data={"csrf_token": api.csrf_token, "headline": "Chip veteran",
                                                    "bio": "20 years of silicon.", "tags": "tape-out, 供应链",
                                                    "sectors": ["ai_chips"], "languages": ["en", "zh"],
                                                    "timezone": "Asia/Tokyo"})
    assert response.status_code == 302
    page = api.get(f"/mentors/{mentor.id}").get_data(as_text=True)
    assert "Chip veteran" in page and "#供应链" in page and "Asia/Tokyo" in page


def test_editors_are_for_mentors_only(login, make_user):
    api = login(make_user("founder"))
    for path in ("/mentoring/profile", "/mentoring/availability", "/mentoring/session-types"):
        assert api.get(path).status_code == 403


def test_feedback_form_on_completed_session(login, make_user, make_mentor, make_session_type, db):
    mentor = make_mentor()
    session_type = make_session_type(mentor)
    founder = make_user("founder")
    booking = bookings.book(founder=founder, session_type_id=session_type.id, starts_at=next_weekday(2).replace(hour=9))
    booking.starts_at -= timedelta(days=20)
    booking.ends_at -= timedelta(days=20)
    db.session.commit()
    bookings.complete(mentor=mentor, booking_id=booking.id)
    api = login(founder)
    assert "Your feedback" in api.get(f"/sessions/{booking.id}").get_data(as_text=True)
    response = api.post(f"/sessions/{booking.id}/feedback", data={"csrf_token": api.csrf_token, "rating": "4",
                                                                  "comment": "Clear next steps"})
    assert response.status_code == 302
    assert "Clear next steps" in api.get(f"/sessions/{booking.id}").get_data(as_text=True)


def test_book_without_a_slot_leads_to_the_week_view(login, make_user, make_mentor, make_session_type):
    mentor = make_mentor(windows=[(d, "09:00", "11:00") for d in range(7)])
    session_type = make_session_type(mentor, name="Strategy hour")
    api = login(make_user("founder"))
    for query in ("", f"?type={session_type.id}", "?type=abc&at=nonsense", f"?type={session_type.id}&at=2026-13-01"):
        response = api.get(f"/mentors/{mentor.id}/book{query}")
        assert response.status_code == 302, query
        assert response.headers["Location"].split("#")[0].startswith(f"/mentors/{mentor.id}"), query
        assert response.headers["Location"].endswith("#book-h")
    assert api.get("/mentors/424242/book").status_code == 404


def test_a_refused_reschedule_shows_the_session_page_with_the_reason(login, make_user, make_mentor,
                                                                     make_session_type):
    mentor = make_mentor(windows=[(d, "09:00", "17:00") for d in range(7)])
    founder = make_user("founder")
    booking = bookings.book(founder=founder, session_type_id=make_session_type(mentor).id,
                            starts_at=next_weekday(2).replace(hour=9))
    api = login(founder)
    for starts_at in ("明天下午", next_weekday(2).replace(hour=3).isoformat(), ""):
        response = api.post(f"/sessions/{booking.id}/reschedule",
                            data={"csrf_token": api.csrf_token, "starts_at": starts_at})
        html = response.get_data(as_text=True)
        assert response.status_code == 422 and 'id="new-time-error"' in html, starts_at
    stale = api.post(f"/sessions/{booking.id}/reschedule", data={"csrf_token": "stale", "starts_at": ""})
    assert stale.status_code == 400 and "The form was not sent" in stale.get_data(as_text=True)
    assert bookings.get_booking(user=founder, booking_id=booking.id).starts_at == next_weekday(2).replace(hour=9)
