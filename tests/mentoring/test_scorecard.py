"""Issue 15 item 8 (part): who cancelled counts against that side only on the admin scorecard."""
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
