"""Issue 15 items 8 and 9: the scorecard's hours, progress and monthly ratings; gold mentors by the admins'
thresholds, with a badge and a directory filter."""
from datetime import timedelta

import pytest

from app.core.db import utcnow
from app.core.errors import Invalid, PermissionDenied
from app.mentoring import gold, scorecard
from app.mentoring.models import Booking, BookingFeedback, BookingStatus
from app.startups import services as startups


@pytest.fixture
def history(db, make_mentor, make_session_type):
    """history(mentor, [(status, rating, days_ago, startup, stage_then), ...]): sessions in the past."""
    from app.mentoring import services

    def make(mentor, rows, *, capacity=1):
        profile = services.profile_for(mentor)
        session_type = make_session_type(mentor, capacity=capacity, duration_minutes=90)
        founders = {}
        for i, (status, rating, days_ago, founder, startup, stage) in enumerate(rows):
            starts_at = utcnow().replace(minute=0, second=0, microsecond=0) - timedelta(days=days_ago)
            booking = Booking(mentor_id=profile.id, session_type_id=session_type.id, founder_id=founder.id,
                              startup_id=startup.id if startup else None, startup_stage=stage,
                              starts_at=starts_at, ends_at=starts_at + timedelta(minutes=90), status=status,
                              absent_side="mentor" if status == BookingStatus.NO_SHOW else None)
            db.session.add(booking)
            db.session.flush()
            if rating:
                for side, author in (("founder", founder), ("mentor", mentor)):
                    db.session.add(BookingFeedback(booking_id=booking.id, side=side, author_id=author.id,
                                                   rating=rating, created_at=starts_at + timedelta(hours=3)))
            founders[i] = founder
        db.session.commit()
    return make


def _startup(founder, name, stage):
    return startups.create_startup(founder=founder, name=name, sector="robotics", stage=stage, summary="机器人",
                                   needs="", tags=[])


def test_hours_progress_and_months(db, make_user, make_mentor, history):
    mentor = make_mentor(name="周明")
    f1, f2 = make_user("founder", name="甲"), make_user("founder", name="乙")
    grew = _startup(f1, "灵巧手科技", "seed")          # was prototype when first mentored
    same = _startup(f2, "光子芯片", "pre_seed")        # still pre-seed
    history(mentor, [(BookingStatus.COMPLETED, 5, 40, f1, grew, "prototype"),
                     (BookingStatus.COMPLETED, 4, 10, f1, grew, "pre_seed"),
                     (BookingStatus.COMPLETED, 3, 5, f2, same, "pre_seed"),
                     (BookingStatus.NO_SHOW, None, 3, f2, same, "pre_seed")])
    admin = make_user("investor", is_admin=True)
    row = next(r for r in scorecard.scorecard(actor=admin) if r["mentor_id"] == mentor.id)
    assert row["hours_delivered"] == 4.5 and row["sessions_delivered"] == 3
    assert (row["startups_mentored"], row["startups_progressed"], row["progress_rate"]) == (2, 1, 0.5)
    assert row["no_show_rate"] == 0.25
    assert len(row["rating_months"]) == 6 and row["rating_months"][-1]["month"] == utcnow().strftime("%Y-%m")
    assert sum(m["count"] for m in row["rating_months"]) == 3


def test_a_group_session_counts_its_hours_once(db, make_user, make_mentor, history):
    mentor = make_mentor()
    founders = [make_user("founder") for _ in range(3)]
    history(mentor, [(BookingStatus.COMPLETED, None, 3, f, None, None) for f in founders], capacity=3)
    admin = make_user("investor", is_admin=True)
    row = next(r for r in scorecard.scorecard(actor=admin) if r["mentor_id"] == mentor.id)
    assert row["sessions_delivered"] == 3 and row["hours_delivered"] == 1.5


def test_gold_by_the_thresholds_with_badge_and_filter(db, client, login, make_user, make_mentor, history):
    star, shaky = make_mentor(name="金导师"), make_mentor(name="Busy Mentor")
    founder = make_user("founder")
    history(star, [(BookingStatus.COMPLETED, 5, d, founder, None, None) for d in (20, 30, 40)])
    history(shaky, [(BookingStatus.COMPLETED, 5, d, founder, None, None) for d in (21, 31, 41)]
            + [(BookingStatus.NO_SHOW, None, 50, founder, None, None)])
    admin = make_user("investor", is_admin=True)
    gold.set_criteria(actor=admin, min_sessions=3, min_rating=4.5, max_no_show_rate=0.1)
    listed = client.get("/api/mentors?gold=true").get_json()
    assert [m["name"] for m in listed["items"]] == ["金导师"]
    everyone = {m["name"]: m["is_gold"] for m in client.get("/api/mentors").get_json()["items"]}
    assert everyone == {"金导师": True, "Busy Mentor": False}
    page = client.get("/mentors?gold=1", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "金导师" in page and "Busy Mentor" not in page and "金牌导师" in page
    profile = client.get(f"/mentors/{star.id}").get_data(as_text=True)
    assert "data-gold" in profile
    # loosen the no-show threshold: both are gold
    as_admin = login(admin)
    response = as_admin.put("/api/mentors/gold-criteria", json={"min_sessions": 3, "min_rating": 4.5,
                                                                "max_no_show_rate": 0.25})
    assert response.status_code == 200
    assert client.get("/api/mentors?gold=true").get_json()["total"] == 2
    rows = as_admin.get("/api/mentors/scorecard").get_json()
    assert all(r["is_gold"] for r in rows if r["mentor_id"] in (star.id, shaky.id))


def test_only_admins_set_the_criteria_and_values_are_checked(db, login, make_user):
    with pytest.raises(PermissionDenied):
        gold.set_criteria(actor=make_user("mentor"), min_sessions=1, min_rating=4, max_no_show_rate=0)
    admin = make_user("investor", is_admin=True)
    with pytest.raises(Invalid):
        gold.set_criteria(actor=admin, min_sessions=-1, min_rating=6, max_no_show_rate=2)
    response = login(admin).put("/api/mentors/gold-criteria", json={"min_sessions": 1, "min_rating": 9,
                                                                    "max_no_show_rate": 0})
    assert response.status_code == 422 and "min_rating" in response.get_json()["error"]["details"]
    assert login(make_user("mentor")).put("/api/mentors/gold-criteria", json={
        "min_sessions": 1, "min_rating": 4, "max_no_show_rate": 0}).status_code == 403


def test_criteria_page_saves_in_chinese(db, login, make_user):
    admin = login(make_user("investor", is_admin=True))
    page = admin.get("/mentoring/gold-criteria", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "金牌导师标准" in page
    response = admin.client.post("/mentoring/gold-criteria", data={
        "csrf_token": admin.csrf_token, "min_sessions": "8", "min_rating": "4.2", "max_no_show_percent": "5"},
        follow_redirects=True)
    assert response.status_code == 200
    criteria = gold.current_criteria()
    assert (criteria.min_sessions, criteria.min_rating, criteria.max_no_show_rate) == (8, 4.2, 0.05)
