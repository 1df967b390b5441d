"""Conversation fixtures: a founder with a startup and a pitch, an investor interested in it, a mentor booking."""
from datetime import datetime, timedelta, timezone

import pytest

from app.core.db import utcnow

UTC = timezone.utc


def at(days: int, hour: int, minute: int = 0) -> datetime:
    """A UTC time `days` from today at hh:mm (whole minutes, well in the future for days >= 2)."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=days, hours=hour, minutes=minute)


@pytest.fixture
def people(db, make_user):
    """founder (with a startup pitching in a public roadshow), investor (interested in the pitch), outsiders."""
    from app.roadshows import engagement
    from app.roadshows import services as roadshows
    from app.startups import services as startups

    admin = make_user("investor", is_admin=True, name="Ada Admin")
    founder = make_user("founder", name="Fang Founder")
    cofounder = make_user("founder", name="Cao Cofounder")
    investor = make_user("investor", name="Ivy Investor", timezone="Europe/Berlin")
    other_investor = make_user("investor", name="Otto Investor")
    startup = startups.create_startup(founder=founder, name="Qubit Forge", sector="quantum", stage="seed",
                                      summary="Quantum sensors", needs="", tags=[])
    start = utcnow() + timedelta(days=1)
    roadshow = roadshows.create_roadshow(actor=admin, title="Demo Day", starts_at=start,
                                         ends_at=start + timedelta(hours=2))
    pitch = roadshows.add_pitch(actor=admin, roadshow_id=roadshow.id, startup_id=startup.id, title="Quantum sensing")
    engagement.mark_interest(user=investor, pitch_id=pitch.id)
    return {"admin": admin, "founder": founder, "cofounder": cofounder, "investor": investor,
            "other_investor": other_investor, "startup": startup, "pitch": pitch}


@pytest.fixture
def conversation(people):
    from app.conversations import services
    conv, _created = services.open_conversation(actor=people["founder"], user_id=people["investor"].id,
                                                pitch_id=people["pitch"].id)
    return conv


@pytest.fixture
def make_booking(db, make_user):
    """make_booking(founder, starts_at) -> a confirmed 60-minute mentor booking at that time."""
    from app.mentoring import bookings
    from app.mentoring import services as mentoring

    def factory(founder, starts_at: datetime):
        mentor = make_user("mentor", name="Mei Mentor", timezone="UTC")
        mentoring.update_my_profile(mentor=mentor, timezone="UTC", bio="Hardware scaling.", tags=["hardware"])
        for day in range(7):
            mentoring.add_window(mentor=mentor, weekday=day, start_time="00:00", end_time="24:00")
        session_type = mentoring.create_session_type(
            mentor=mentor, name="Office hour", duration_minutes=60, capacity=1, min_notice_minutes=0,
            max_days_ahead=60, requires_approval=False, cancellation_window_minutes=1440)
        return bookings.book(founder=founder, session_type_id=session_type.id, starts_at=starts_at, topic="Scaling")

    return factory
