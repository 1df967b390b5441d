"""Issue 15 item 8 (part): who cancelled counts against that side only on the admin scorecard."""
from datetime import timedelta

import pytest

from app.mentoring import bookings
from tests.mentoring.conftest import next_weekday


def test_a_founders_cancellation_does_not_count_against_the_mentor(login, make_user, make_mentor,
                                                                    make_session_type):
    mentor = make_mentor(name="李导师", windows=[(d, "09:00", "12:00") for d in range(7)])
    session_type = make_session_type(mentor)
    founder = make_user("founder", name="王创始人")
    monday = next_weekday(0)
    made = [bookings.book(founder=founder, session_type_id=session_type.id, starts_at=monday.replace(hour=h))
            for h in (9, 10, 11)]
    bookings.cancel(actor=founder, booking_id=made[0].id, reason="公司有事")
    bookings.cancel(actor=founder, booking_id=made[1].id)
    bookings.cancel(actor=mentor, booking_id=made[2].id, reason="出差")
    admin = login(make_user("investor", is_admin=True))
    row = next(r for r in admin.get("/api/mentors/scorecard").get_json() if r["mentor_id"] == mentor.id)
    assert row["cancellation_rate"] == round(1 / 3, 3)
    assert row["founder_cancellation_rate"] == round(2 / 3, 3)
    by_mentor = admin.get("/api/mentors/scorecard?sort=founder_cancellation_rate").get_json()
    assert by_mentor[0]["mentor_id"] == mentor.id
    page = admin.get("/mentoring/scorecard?lang=zh", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "导师取消" in page and "创始人取消" in page
    assert "李导师" in page and 'data-col="cancellation_rate">33%' in page
    assert 'data-col="founder_cancellation_rate">67%' in page


def _held(db, booking):
    from app.mentoring.models import Booking
    row = db.session.get(Booking, booking.id)
    row.starts_at -= timedelta(days=30)
    row.ends_at -= timedelta(days=30)
    db.session.commit()


def test_either_side_reports_a_no_show_and_it_counts_against_the_absent_side(login, make_user, make_mentor,
                                                                              make_session_type, db):
    mentor = make_mentor(name="赵导师", windows=[(d, "09:00", "12:00") for d in range(7)])
    session_type = make_session_type(mentor)
    founder = make_user("founder", name="钱创始人")
    monday = next_weekday(0)
    made = [bookings.book(founder=founder, session_type_id=session_type.id, starts_at=monday.replace(hour=h))
            for h in (9, 10, 11)]
    for booking in made:
        _held(db, booking)
    founder_api, mentor_api = login(founder), login(mentor)
    response = founder_api.post(f"/api/bookings/{made[0].id}/no-show")
    assert response.status_code == 200 and response.get_json()["absent_side"] == "mentor"
    assert mentor_api.post(f"/api/bookings/{made[1].id}/no-show").get_json()["absent_side"] == "founder"
    assert founder_api.post(f"/api/bookings/{made[1].id}/no-show").status_code == 409  # already recorded
    assert mentor_api.post(f"/api/bookings/{made[2].id}/complete").status_code == 200
    assert login(make_user("founder")).post(f"/api/bookings/{made[2].id}/no-show").status_code == 404
    admin = login(make_user("investor", is_admin=True))
    row = next(r for r in admin.get("/api/mentors/scorecard").get_json() if r["mentor_id"] == mentor.id)
    assert row["no_show_rate"] == round(1 / 3, 3) and row["founder_no_show_rate"] == round(1 / 3, 3)
    page = admin.get("/mentoring/scorecard", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "导师缺席" in page and "创始人缺席" in page and 'data-col="no_show_rate">33%' in page


def test_the_founder_sees_a_no_show_button_on_a_started_session(login, make_user, make_mentor, make_session_type,
                                                                db):
    mentor = make_mentor(windows=[(d, "09:00", "12:00") for d in range(7)])
    founder = make_user("founder")
    booking = bookings.book(founder=founder, session_type_id=make_session_type(mentor).id,
                            starts_at=next_weekday(0).replace(hour=9))
    _held(db, booking)
    api = login(founder)
    assert "The mentor did not come" in api.get("/sessions?scope=past").get_data(as_text=True)
    response = api.post(f"/sessions/{booking.id}/no-show", data={"csrf_token": api.csrf_token})
    assert response.status_code == 302
    assert bookings.get_booking(user=founder, booking_id=booking.id).absent_side == "mentor"


def _ended(db, booking, *, days_ago: float):
    from app.core.db import utcnow
    from app.mentoring.models import Booking
    row = db.session.get(Booking, booking.id)
    length = row.ends_at - row.starts_at
    row.ends_at = utcnow() - timedelta(days=days_ago)
    row.starts_at = row.ends_at - length
    db.session.commit()


@pytest.fixture
def completed(make_user, make_mentor, make_session_type, db):
    mentor = make_mentor(windows=[(d, "09:00", "12:00") for d in range(7)])
    founder = make_user("founder")
    booking = bookings.book(founder=founder, session_type_id=make_session_type(mentor).id,
                            starts_at=next_weekday(0).replace(hour=9))
    _ended(db, booking, days_ago=1)
    bookings.complete(mentor=mentor, booking_id=booking.id)
    return mentor, founder, booking


def test_feedback_stays_hidden_until_both_have_rated(login, completed):
    mentor, founder, booking = completed
    founder_api, mentor_api = login(founder), login(mentor)
    rated = founder_api.post(f"/api/bookings/{booking.id}/feedback", json={"rating": 5, "comment": "很有帮助"})
    assert rated.status_code == 201
    assert mentor_api.get(f"/api/bookings/{booking.id}").get_json()["feedback"] == []
    assert [f["rating"] for f in founder_api.get(f"/api/bookings/{booking.id}").get_json()["feedback"]] == [5]
    page = mentor_api.get(f"/sessions/{booking.id}").get_data(as_text=True)
    assert "data-feedback-blind" in page and "很有帮助" not in page and "★★★★★" not in page
    assert mentor_api.post(f"/api/bookings/{booking.id}/feedback", json={"rating": 2}).status_code == 201
    assert sorted(f["rating"] for f in mentor_api.get(f"/api/bookings/{booking.id}").get_json()["feedback"]) == [2, 5]
    assert sorted(f["rating"] for f in founder_api.get(f"/api/bookings/{booking.id}").get_json()["feedback"]) == [2, 5]
    assert "很有帮助" in mentor_api.get(f"/sessions/{booking.id}").get_data(as_text=True)


def test_feedback_shows_after_seven_days_without_the_other_rating(login, completed, db):
    mentor, founder, booking = completed
    assert login(founder).post(f"/api/bookings/{booking.id}/feedback", json={"rating": 4}).status_code == 201
    assert login(mentor).get(f"/api/bookings/{booking.id}").get_json()["feedback"] == []
    _ended(db, booking, days_ago=7.01)
    assert [f["rating"] for f in login(mentor).get(f"/api/bookings/{booking.id}").get_json()["feedback"]] == [4]


def test_the_profile_rating_waits_for_the_blind_feedback(login, completed, db):
    mentor, founder, booking = completed
    login(founder).post(f"/api/bookings/{booking.id}/feedback", json={"rating": 1})
    assert login(mentor).get(f"/api/mentors/{mentor.id}").get_json()["rating"] is None
    login(mentor).post(f"/api/bookings/{booking.id}/feedback", json={"rating": 5})
    assert login(mentor).get(f"/api/mentors/{mentor.id}").get_json()["rating"] == 1.0
