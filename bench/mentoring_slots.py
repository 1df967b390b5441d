"""Benchmark: slot computation for a busy mentor.

A mentor with 10 weekly windows (Mon–Fri 09:00–12:00 and 13:00–18:00, Europe/Berlin), 20 date overrides
(10 blocked, 10 extra hours) and 500 existing bookings spread over the next 90 days; we time
`compute_slots` over the whole 90-day range for a 60-minute 1:1 session type with a 15-minute buffer.

    .venv/bin/python bench/mentoring_slots.py [--runs 50] [--database-url sqlite:////tmp/bench.db]
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SOCKETIO_ASYNC_MODE", "threading")

UTC = timezone.utc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="How many timed runs")
    parser.add_argument("--database-url", default=None, help="Default: a throwaway SQLite file")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"

    from app import create_app
    from app.extensions import db
    from config import TestConfig, database_url

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url(url, "sqlite://")

    app = create_app(Config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        profile, session_type, now = build(db)
        from app.mentoring.slots import compute_slots
        timings, count = [], 0
        for _ in range(args.runs):
            db.session.expire_all()
            started = time.perf_counter()
            found = compute_slots(profile, session_type, now, now + timedelta(days=90), now=now)
            timings.append((time.perf_counter() - started) * 1000)
            count = len(found)
        print(f"database: {db.engine.dialect.name}; runs: {args.runs}; free slots found: {count}")
        print(f"median {statistics.median(timings):.1f} ms · p90 {sorted(timings)[int(len(timings) * .9) - 1]:.1f} ms"
              f" · min {min(timings):.1f} ms")
        db.drop_all()


def build(db):
    from app.accounts.models import User
    from app.mentoring.models import (
        AvailabilityOverride,
        AvailabilityWindow,
        Booking,
        BookingSeat,
        BookingSlot,
        MentorProfile,
        SessionType,
        TimeClaim,
    )

    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    mentor = User(email="mentor@bench.test", password_hash="x", name="Bench Mentor", role="mentor",
                  timezone="Europe/Berlin")
    founder = User(email="founder@bench.test", password_hash="x", name="Bench Founder", role="founder")
    db.session.add_all([mentor, founder])
    db.session.flush()
    profile = MentorProfile(user_id=mentor.id, timezone="Europe/Berlin", tags=[], sectors=[], languages=[])
    db.session.add(profile)
    db.session.flush()
    from datetime import time as t
    for weekday in range(5):
        db.session.add(AvailabilityWindow(mentor_id=profile.id, weekday=weekday, start_time=t(9), end_time=t(12),
                                          timezone="Europe/Berlin"))
        db.session.add(AvailabilityWindow(mentor_id=profile.id, weekday=weekday, start_time=t(13), end_time=t(18),
                                          timezone="Europe/Berlin"))
    for i in range(20):
        start = now + timedelta(days=4 * i + 1, hours=3)
        db.session.add(AvailabilityOverride(mentor_id=profile.id, starts_at=start, ends_at=start + timedelta(hours=3),
                                            available=bool(i % 2)))
    session_type = SessionType(mentor_id=profile.id, name="1:1", duration_minutes=60, capacity=1,
                               min_notice_minutes=0, max_days_ahead=120, buffer_before_minutes=0,
                               buffer_after_minutes=15)
    db.session.add(session_type)
    db.session.flush()
    # 500 bookings on distinct hours across 90 days (every ~4.3 hours)
    step = timedelta(minutes=(90 * 24 * 60) // 500 // 5 * 5)
    for i in range(500):
        starts_at = now + timedelta(hours=1) + step * i
        booking = Booking(mentor_id=profile.id, session_type_id=session_type.id, founder_id=founder.id,
                          starts_at=starts_at, ends_at=starts_at + timedelta(hours=1), status="confirmed")
        slot = BookingSlot(mentor_id=profile.id, session_type_id=session_type.id, starts_at=starts_at)
        db.session.add_all([booking, slot])
        db.session.flush()
        db.session.add(BookingSeat(slot_id=slot.id, seat_no=1, booking_id=booking.id))
        db.session.add_all([TimeClaim(slot_id=slot.id, mentor_id=profile.id,
                                      grain_at=starts_at + timedelta(minutes=5 * g)) for g in range(15)])
    db.session.commit()
    return profile, session_type, now


if __name__ == "__main__":
    main()
