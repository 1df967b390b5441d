"""Statistics services: the date range, every figure of the dashboard, medians, weeks, a startup's numbers."""
from datetime import date, datetime, timedelta, timezone

import pytest

from app.core.errors import Invalid, NotFound, PermissionDenied
from app.statistics import services
from app.statistics.sql import median

UTC = timezone.utc


def _dashboard(world, **kw):
    period = services.resolve_period(start=world.start, end=world.end, tz="UTC")
    return services.dashboard(actor=world.admin, period=period, **kw)


def test_default_range_is_the_last_90_days_in_the_viewers_zone():
    period = services.resolve_period(tz="Asia/Shanghai", today=date(2026, 11, 22))
    assert (period.start, period.end, period.days) == (date(2026, 8, 25), date(2026, 11, 22), 90)
    assert period.starts_at == datetime(2026, 8, 24, 16, 0, tzinfo=UTC)  # 00:00 in Shanghai
    assert period.ends_at == datetime(2026, 11, 22, 16, 0, tzinfo=UTC)  # the end day is included


@pytest.mark.parametrize(("start", "end", "field"), [
    (date(2026, 5, 2), date(2026, 5, 1), "end"),
    (date(2010, 1, 1), date(2026, 1, 1), "end"),
    (date(1999, 12, 31), date(2000, 1, 5), "start"),
    (date(2100, 1, 1), date(9999, 12, 31), "end"),
])
def test_bad_ranges_are_field_errors(start, end, field, request_ctx):
    with pytest.raises(Invalid) as caught:
        services.resolve_period(start=start, end=end, tz="UTC")
    assert caught.value.status_code == 422 and caught.value.code == "invalid_range"
    assert list(caught.value.details) == [field]


def test_only_admins_see_the_dashboard(world, request_ctx):
    period = services.resolve_period(tz="UTC")
    with pytest.raises(PermissionDenied):
        services.dashboard(actor=world.founder, period=period)


def test_startups_by_stage_with_new_ones(world):
    figures = _dashboard(world).startups
    by_stage = {r["stage"]: (r["startups"], r["new"]) for r in figures["by_stage"]}
    assert by_stage["seed"] == (1, 1) and by_stage["idea"] == (1, 1) and by_stage["growth"] == (0, 0)
    assert (figures["total"], figures["new"]) == (2, 2)


def test_mentor_sessions_by_status_rating_and_week(world):
    m = _dashboard(world).mentoring
    assert (m["booked"], m["delivered"], m["cancelled"]) == (4, 1, 1)
    assert m["by_status"]["confirmed"] == 1 and m["by_status"]["no_show"] == 1
    assert (m["average_rating"], m["ratings"]) == (4.0, 1)  # founders' ratings of the mentor only
    assert sum(w["total"] for w in m["weeks"]) == 4
    assert all(w["week"].weekday() == 0 for w in m["weeks"])


def test_roadshow_attendance_counts_viewers_like_the_report(world):
    rows = _dashboard(world).roadshows["rows"]
    assert len(rows) == 1
    row = rows[0]
    # investor (two sockets) + founder + one anonymous socket
    assert (row["viewers"], row["questions"], row["answered"], row["interest"], row["messages"]) == (3, 2, 1, 1, 1)
    assert row["pitches"] == 1


def test_requests_turnaround_settlements_and_vouchers(world):
    dash = _dashboard(world)
    assert dash.requests["total"] == 3
    assert dash.requests["by_category"][0]["category"] == "compute"
    assert {k: v for k, v in dash.requests["by_state"].items() if v} == {"completed": 1, "quoted": 1, "submitted": 1}
    assert dash.turnaround["quote"]["requests"] == 2 and dash.turnaround["quote"]["median_hours"] >= 0
    assert dash.turnaround["deliver"]["requests"] == 1
    cash = next(s for s in dash.settlements if s["method"] == "cash")
    assert (cash["settlements"], str(cash["amount"])) == (1, "25.00")
    assert (str(dash.vouchers["granted"]), str(dash.vouchers["spent"])) == ("500.00", "0.00")


def test_nothing_outside_the_range_is_counted(world):
    period = services.resolve_period(start=world.start - timedelta(days=400), end=world.start - timedelta(days=300),
                                     tz="UTC")
    dash = services.dashboard(actor=world.admin, period=period)
    assert dash.mentoring["booked"] == 0 and dash.roadshows["rows"] == [] and dash.requests["total"] == 0
    assert dash.startups["new"] == 0 and dash.startups["total"] == 2  # stages are the current state
    assert all(s["settlements"] == 0 for s in dash.settlements) and dash.vouchers["granted"] == 0
    assert dash.turnaround["quote"] == {"median_hours": None, "requests": 0}


def test_sections_limit_what_is_computed(world):
    dash = _dashboard(world, sections=("vouchers",))
    assert dash.vouchers["granted"] > 0 and dash.mentoring == {} and dash.roadshows == {}


def test_median_in_sql_for_odd_and_even_counts(world, make_user):
    from app.accounts.models import Organisation
    from app.startups import services as startups

    founder = make_user("founder")
    made = [startups.create_startup(founder=founder, name=f"M{i}", sector="ai", stage="growth", summary="x",
                                    needs="", tags=[]) for i in range(3)]
    ids = sorted(s.id for s in made)
    assert median(Organisation.id, Organisation.id.in_(ids)) == (ids[1], 3)
    assert median(Organisation.id, Organisation.id.in_(ids[:2])) == ((ids[0] + ids[1]) / 2, 2)
    assert median(Organisation.id, Organisation.id.in_([])) == (None, 0)


def test_weeks_are_mondays_in_the_viewers_zone(world, db):
    """A session at Monday 01:00 in Shanghai (Sunday 17:00 UTC) belongs to that Monday's week there."""
    from sqlalchemy import select

    from app.mentoring.models import Booking
    booking = db.session.scalars(select(Booking).where(Booking.status == "confirmed")).first()
    monday = date(2020, 3, 16)  # far from the fixture's other sessions
    booking.starts_at = datetime(2020, 3, 15, 17, 0, tzinfo=UTC)
    booking.ends_at = booking.starts_at + timedelta(hours=1)
    db.session.commit()
    period = services.resolve_period(start=date(2020, 3, 10), end=date(2020, 3, 20), tz="Asia/Shanghai")
    weeks = services.dashboard(actor=world.admin, period=period, sections=("mentoring",)).mentoring["weeks"]
    assert [w["week"] for w in weeks] == [date(2020, 3, 9), monday]
    assert [w["total"] for w in weeks] == [0, 1]
    utc_weeks = services.mentoring_figures(services.resolve_period(start=date(2020, 3, 10), end=date(2020, 3, 20),
                                                                   tz="UTC"))["weeks"]
    assert [w["total"] for w in utc_weeks] == [1, 0]


def test_startup_numbers_for_members_and_admins_only(world, request_ctx):
    mine = services.startup_statistics(actor=world.founder, startup_id=world.startup.id)
    assert mine["sessions"] | {"by_status": None} == {"booked": 4, "delivered": 1, "cancelled": 1, "upcoming": 1,
                                                      "by_status": None}
    assert mine["requests"]["total"] == 3 and mine["requests"]["by_state"]["quoted"] == 1
    assert [(p["pitch_id"], p["interest"], p["questions"]) for p in mine["pitches"]] == [(world.pitch.id, 1, 2)]
    assert services.startup_statistics(actor=world.admin, startup_id=world.startup.id) == mine
    with pytest.raises(PermissionDenied):
        services.startup_statistics(actor=world.outsider, startup_id=world.startup.id)
    with pytest.raises(NotFound):
        services.startup_statistics(actor=world.admin, startup_id=2**31 + 5)
