"""Slot computation: weekly windows in the mentor's zone across DST, overrides, notice, horizon, bookings."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.mentoring import bookings, services
from tests.mentoring.conftest import UTC

BERLIN = ZoneInfo("Europe/Berlin")
# Central Europe moves to summer time on the last Sunday of March: 2027-03-28, 02:00 → 03:00.
BEFORE_DST = datetime(2027, 3, 27, tzinfo=UTC)  # Saturday
NOW = datetime(2027, 3, 1, tzinfo=UTC)


@pytest.fixture
def berlin_mentor(make_mentor):
    return make_mentor(timezone="Europe/Berlin", windows=[(d, "09:00", "11:00") for d in range(7)])


def slots(mentor, session_type, start, end, now=NOW):
    return services.list_slots(mentor_id=mentor.id, session_type_id=session_type.id, start=start, end=end, now=now)


def test_window_keeps_local_time_across_spring_forward(berlin_mentor, make_session_type):
    session_type = make_session_type(berlin_mentor, max_days_ahead=365)
    found = slots(berlin_mentor, session_type, BEFORE_DST, BEFORE_DST + timedelta(days=2))
    assert [s.starts_at for s in found] == [
        datetime(2027, 3, 27, 8, tzinfo=UTC), datetime(2027, 3, 27, 9, tzinfo=UTC),  # CET, UTC+1
        datetime(2027, 3, 28, 7, tzinfo=UTC), datetime(2027, 3, 28, 8, tzinfo=UTC),  # CEST, UTC+2
    ]
    assert {s.starts_at.astimezone(BERLIN).hour for s in found} == {9, 10}


def test_window_keeps_local_time_across_fall_back(berlin_mentor, make_session_type):
    session_type = make_session_type(berlin_mentor, max_days_ahead=365)
    start = datetime(2027, 10, 30, tzinfo=UTC)  # Sat; summer time ends Sun 2027-10-31
    found = slots(berlin_mentor, session_type, start, start + timedelta(days=2), now=datetime(2027, 10, 1, tzinfo=UTC))
    assert [s.starts_at.hour for s in found] == [7, 8, 8, 9]
    assert {s.starts_at.astimezone(BERLIN).hour for s in found} == {9, 10}


def test_window_inside_the_skipped_hour_gives_no_slot(make_mentor, make_session_type):
    mentor = make_mentor(timezone="Europe/Berlin", windows=[(6, "02:00", "03:00")])
    session_type = make_session_type(mentor, duration_minutes=30, max_days_ahead=365)
    assert slots(mentor, session_type, datetime(2027, 3, 28, tzinfo=UTC), datetime(2027, 3, 29, tzinfo=UTC)) == []
    week_later = slots(mentor, session_type, datetime(2027, 4, 4, tzinfo=UTC), datetime(2027, 4, 5, tzinfo=UTC))
    assert [s.starts_at.astimezone(BERLIN).strftime("%H:%M") for s in week_later] == ["02:00", "02:30"]


def test_viewer_in_another_zone_sees_the_same_instants(login, make_user, berlin_mentor, make_session_type):
    session_type = make_session_type(berlin_mentor, max_days_ahead=365, min_notice_minutes=0)
    viewer = make_user("founder", timezone="Asia/Shanghai")
    day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=10)
    body = login(viewer).get(f"/api/mentors/{berlin_mentor.id}/slots", query_string={
        "session_type_id": session_type.id, "start": day.isoformat(), "end": (day + timedelta(days=1)).isoformat()
    }).get_json()
    shown = [datetime.fromisoformat(s["starts_at"]) for s in body]
    assert all(s.utcoffset() == timedelta(hours=8) for s in shown)
    assert [s.astimezone(BERLIN).hour for s in shown] == [9, 10]


def test_blocked_override_removes_slots_and_extra_hours_add_them(berlin_mentor, make_session_type):
    session_type = make_session_type(berlin_mentor, max_days_ahead=365)
    day = datetime(2027, 3, 27, tzinfo=UTC)
    services.add_override(mentor=berlin_mentor, starts_at=day.replace(hour=8), ends_at=day.replace(hour=9),
                          available=False)
    services.add_override(mentor=berlin_mentor, starts_at=day.replace(hour=14), ends_at=day.replace(hour=16),
                          available=True)
    found = slots(berlin_mentor, session_type, day, day + timedelta(days=1))
    assert [s.starts_at.hour for s in found] == [9, 14, 15]


def test_notice_and_horizon_limit_slots(berlin_mentor, make_session_type):
    session_type = make_session_type(berlin_mentor, min_notice_minutes=24 * 60, max_days_ahead=3)
    now = datetime(2027, 3, 26, 8, 30, tzinfo=UTC)
    found = slots(berlin_mentor, session_type, now, now + timedelta(days=10), now=now)
    assert [s.starts_at for s in found] == [datetime(2027, 3, 27, 9, tzinfo=UTC), datetime(2027, 3, 28, 7, tzinfo=UTC),
                                            datetime(2027, 3, 28, 8, tzinfo=UTC), datetime(2027, 3, 29, 7, tzinfo=UTC),
                                            datetime(2027, 3, 29, 8, tzinfo=UTC)]  # horizon: 29th 08:30


def test_range_is_limited_and_ordered(berlin_mentor, make_session_type):
    session_type = make_session_type(berlin_mentor)
    with pytest.raises(services.Invalid):
        slots(berlin_mentor, session_type, NOW, NOW + timedelta(days=200))
    with pytest.raises(services.Invalid):
        slots(berlin_mentor, session_type, NOW, NOW - timedelta(days=1))


def test_booked_time_and_buffers_are_removed(make_mentor, make_user, make_session_type):
    mentor = make_mentor(windows=[(d, "09:00", "13:00") for d in range(7)])
    session_type = make_session_type(mentor, buffer_before_minutes=0, buffer_after_minutes=60)
    day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=8)
    bookings.book(founder=make_user("founder"), session_type_id=session_type.id, starts_at=day.replace(hour=9))
    found = services.list_slots(mentor_id=mentor.id, session_type_id=session_type.id, start=day,
                                end=day + timedelta(days=1))
    # 9–10 booked, 10–11 its buffer; the 11:00 slot's own buffer (12–13) still fits the day
    assert [s.starts_at.hour for s in found] == [11, 12]


def test_window_until_midnight_offers_the_last_slot(make_mentor, make_session_type):
    mentor = make_mentor(windows=[(5, "22:00", "24:00")])  # Saturday, UTC
    session_type = make_session_type(mentor, max_days_ahead=365)
    found = slots(mentor, session_type, BEFORE_DST, BEFORE_DST + timedelta(days=1))
    assert [s.starts_at.hour for s in found] == [22, 23]
