"""Item 5 of issue 15: a zone change keeps local times or instants; overrides block, add to or replace a day."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.core.errors import Invalid
from app.mentoring import services
from tests.mentoring.conftest import UTC

BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")
NOW = datetime(2027, 5, 1, tzinfo=UTC)
MONDAY = datetime(2027, 5, 10)  # a Monday in summer time on both sides


def day_slots(mentor, session_type, day: datetime, zone: ZoneInfo) -> list[str]:
    start = day.replace(tzinfo=zone).astimezone(UTC)
    found = services.list_slots(mentor_id=mentor.id, session_type_id=session_type.id, start=start,
                                end=start + timedelta(days=1), now=NOW)
    return [s.starts_at.astimezone(zone).strftime("%H:%M") for s in found]


def override(mentor, zone, day, start, end, *, kind):
    at = lambda hhmm: day.replace(hour=int(hhmm[:2]), minute=int(hhmm[3:]), tzinfo=zone)  # noqa: E731
    return services.add_override(mentor=mentor, starts_at=at(start), ends_at=at(end), available=kind != "block",
                                 replaces_day=kind == "replace")


@pytest.fixture
def berlin(make_mentor, make_session_type):
    mentor = make_mentor(timezone="Europe/Berlin", windows=[(0, "09:00", "12:00")])
    return mentor, make_session_type(mentor, max_days_ahead=365)


def test_zone_change_keeps_local_times_by_default(berlin):
    mentor, session_type = berlin
    services.update_my_profile(mentor=mentor, timezone="America/New_York")
    assert day_slots(mentor, session_type, MONDAY, NEW_YORK) == ["09:00", "10:00", "11:00"]
    assert {w.timezone for w in services.profile_for(mentor).windows} == {"America/New_York"}


def this_weeks_gap_hours() -> int:
    """Berlin minus New York this week (6, or 5 in the weeks their summer times disagree)."""
    now = datetime.now(UTC)
    return int((now.astimezone(BERLIN).utcoffset() - now.astimezone(NEW_YORK).utcoffset()).total_seconds() // 3600)


def test_zone_change_can_keep_the_instants(berlin):
    mentor, session_type = berlin
    services.update_my_profile(mentor=mentor, timezone="America/New_York", keep="instant")
    first = 9 - this_weeks_gap_hours()
    assert day_slots(mentor, session_type, MONDAY, NEW_YORK) == [f"{h:02d}:00" for h in range(first, first + 3)]


def test_zone_change_keeping_instants_splits_a_window_across_midnight(make_mentor, make_session_type):
    mentor = make_mentor(timezone="Asia/Shanghai", windows=[(0, "06:00", "10:00")])
    session_type = make_session_type(mentor, max_days_ahead=365)
    services.update_my_profile(mentor=mentor, timezone="UTC", keep="instant")
    windows = [(w.weekday, w.start_time.strftime("%H:%M"), w.end_time.strftime("%H:%M"))
               for w in services.profile_for(mentor).windows]
    assert windows == [(0, "00:00", "02:00"), (6, "22:00", "23:59")]  # Monday 06:00-10:00 UTC+8, as UTC
    utc = ZoneInfo("UTC")
    assert day_slots(mentor, session_type, MONDAY - timedelta(days=1), utc) == ["22:00", "23:00"]
    assert day_slots(mentor, session_type, MONDAY, utc) == ["00:00", "01:00"]


def test_zone_change_with_an_unknown_choice_is_refused(berlin):
    mentor, _ = berlin
    with pytest.raises(Invalid) as raised:
        services.update_my_profile(mentor=mentor, timezone="America/New_York", keep="sideways")
    assert "keep" in raised.value.details


def test_zone_change_api_takes_the_choice(login, berlin):
    mentor, session_type = berlin
    response = login(mentor).put("/api/mentors/me", json={"timezone": "America/New_York", "keep": "instant"})
    assert response.status_code == 200, response.get_json()
    first = 9 - this_weeks_gap_hours()
    assert day_slots(mentor, session_type, MONDAY, NEW_YORK) == [f"{h:02d}:00" for h in range(first, first + 3)]
    bad = login(mentor).put("/api/mentors/me", json={"timezone": "Europe/Berlin", "keep": "both"})
    assert bad.status_code == 422 and "keep" in bad.get_json()["error"]["details"]


def test_override_replaces_the_days_hours(berlin):
    mentor, session_type = berlin
    override(mentor, BERLIN, MONDAY, "14:00", "16:00", kind="replace")
    assert day_slots(mentor, session_type, MONDAY, BERLIN) == ["14:00", "15:00"]
    assert day_slots(mentor, session_type, MONDAY + timedelta(days=7), BERLIN) == ["09:00", "10:00", "11:00"]


def test_extra_hours_add_to_the_days_hours(berlin):
    mentor, session_type = berlin
    override(mentor, BERLIN, MONDAY, "14:00", "16:00", kind="add")
    assert day_slots(mentor, session_type, MONDAY, BERLIN) == ["09:00", "10:00", "11:00", "14:00", "15:00"]


def test_extra_hours_made_after_a_block_reopen_it(berlin):
    mentor, session_type = berlin
    override(mentor, BERLIN, MONDAY, "00:00", "23:30", kind="block")
    assert day_slots(mentor, session_type, MONDAY, BERLIN) == []
    override(mentor, BERLIN, MONDAY, "14:00", "16:00", kind="add")
    assert day_slots(mentor, session_type, MONDAY, BERLIN) == ["14:00", "15:00"]


def test_a_block_made_after_extra_hours_closes_them(berlin):
    mentor, session_type = berlin
    override(mentor, BERLIN, MONDAY, "14:00", "17:00", kind="add")
    override(mentor, BERLIN, MONDAY, "15:00", "16:00", kind="block")
    assert day_slots(mentor, session_type, MONDAY, BERLIN) == ["09:00", "10:00", "11:00", "14:00", "16:00"]


def test_a_partial_block_keeps_the_slot_grid(berlin):
    mentor, session_type = berlin
    override(mentor, BERLIN, MONDAY, "09:00", "09:30", kind="block")
    assert day_slots(mentor, session_type, MONDAY, BERLIN) == ["10:00", "11:00"]


def test_override_api_replaces_a_day_and_says_its_kind(login, berlin):
    mentor, session_type = berlin
    start = MONDAY.replace(hour=14, tzinfo=BERLIN)
    response = login(mentor).post("/api/mentors/me/overrides", json={
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(), "replaces_day": True})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["kind"] == "replace" and body["available"] is True and body["replaces_day"] is True
    assert day_slots(mentor, session_type, MONDAY, BERLIN) == ["14:00", "15:00"]


# The editor page ---------------------------------------------------------------------------------

def test_editor_changes_the_zone_keeping_local_times(login, berlin):
    mentor, session_type = berlin
    api = login(mentor)
    response = api.post("/mentoring/availability", data={"csrf_token": api.csrf_token, "form": "zone",
                                                          "timezone": "America/New_York", "keep": "local"})
    assert response.status_code == 302
    assert day_slots(mentor, session_type, MONDAY, NEW_YORK) == ["09:00", "10:00", "11:00"]


def test_editor_refuses_an_unknown_zone_choice_without_a_500(login, berlin):
    mentor, session_type = berlin
    api = login(mentor)
    for data in ({"timezone": "Mars/Olympus", "keep": "local"}, {"timezone": "America/New_York", "keep": "x"}):
        response = api.post("/mentoring/availability", data={"csrf_token": api.csrf_token, "form": "zone", **data})
        assert response.status_code == 422 and 'class="error"' in response.get_data(as_text=True)
    assert services.profile_for(mentor).timezone == "Europe/Berlin"


def test_editor_adds_an_override_that_replaces_the_day(login, berlin):
    mentor, session_type = berlin
    api = login(mentor)
    response = api.post("/mentoring/availability", data={
        "csrf_token": api.csrf_token, "o-csrf_token": api.csrf_token, "o-starts_at": "2027-05-10T14:00",
        "o-ends_at": "2027-05-10T16:00", "o-available": "replace", "o-note": "Board day"})
    assert response.status_code == 302
    assert day_slots(mentor, session_type, MONDAY, BERLIN) == ["14:00", "15:00"]


def test_editor_shows_a_days_slots_and_explains_contradictions(login, berlin):
    mentor, session_type = berlin
    override(mentor, BERLIN, MONDAY, "09:00", "09:30", kind="block")
    override(mentor, BERLIN, MONDAY, "13:00", "13:30", kind="add")
    override(mentor, BERLIN, MONDAY, "08:00", "10:00", kind="add")
    page = login(mentor).get("/mentoring/availability", query_string={"day": "2027-05-10",
                                                                       "type": session_type.id}).get_data(as_text=True)
    assert "08:00, 09:00, 10:00, 11:00" in page  # the later extra hours reopen 09:00-09:30: the later override wins
    assert "reopen part of the earlier block 09:00–09:30" in page
    assert "overlap your weekly hours" in page
    assert "No “Office hour” session (60 minutes) fits in 13:00–13:30" in page


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "yesterday", "2027-02-30", "2027-05-10T09:00"])
def test_editor_takes_any_day_without_a_500(login, berlin, day):
    mentor, _ = berlin
    assert login(mentor).get("/mentoring/availability", query_string={"day": day, "type": "x"}).status_code == 200


def test_editor_refuses_a_nul_in_the_day_with_a_4xx(login, berlin):
    mentor, _ = berlin
    assert login(mentor).get("/mentoring/availability", query_string={"day": "\x00"}).status_code == 422
