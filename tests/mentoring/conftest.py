"""Mentoring fixtures: a mentor with a profile, session types and weekly windows; a clock to freeze."""
from datetime import datetime, timedelta, timezone

import pytest

from app.mentoring import services

UTC = timezone.utc


def next_weekday(weekday: int, *, weeks: int = 1) -> datetime:
    """Midnight UTC of a coming weekday, at least `weeks` weeks out (far from notice limits)."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    days = (weekday - today.weekday()) % 7 + 7 * weeks
    return today + timedelta(days=days)


@pytest.fixture
def make_mentor(make_user):
    """make_mentor(timezone="UTC", windows=[(weekday, "09:00", "17:00")], **profile) -> mentor user (with profile)."""

    def factory(*, timezone: str = "UTC", windows=None, **profile):
        account = {key: profile.pop(key) for key in ("name", "locale") if key in profile}
        mentor = make_user("mentor", timezone=timezone, **account)
        services.update_my_profile(mentor=mentor, timezone=timezone, bio=profile.pop("bio", "Hardware scaling."),
                                   tags=profile.pop("tags", ["hardware"]), **profile)
        for weekday, start, end in windows if windows is not None else [(d, "09:00", "17:00") for d in range(7)]:
            services.add_window(mentor=mentor, weekday=weekday, start_time=start, end_time=end)
        return mentor

    return factory


@pytest.fixture
def make_session_type():
    """make_session_type(mentor, **fields) with easy defaults (60 min, 1:1, no notice limits to speak of)."""

    def factory(mentor, **fields):
        defaults = {"name": "Office hour", "duration_minutes": 60, "capacity": 1, "min_notice_minutes": 0,
                    "max_days_ahead": 60, "requires_approval": False, "cancellation_window_minutes": 1440}
        return services.create_session_type(mentor=mentor, **{**defaults, **fields})

    return factory


from tests.notifications.conftest import smtp_server  # noqa: E402,F401  (a real SMTP server in-process)
