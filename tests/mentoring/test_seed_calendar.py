"""The demo data keeps one person, one calendar: no demo founder is in two sessions or meetings at once."""
from itertools import combinations

from sqlalchemy import select

from app.accounts.models import User
from app.conversations.models import Meeting, MeetingStatus
from app.mentoring.models import ACTIVE_STATUSES, Booking, BookingStatus
from tests.test_seed import _seeded_database, seeded  # noqa: F401  (fixtures)


def test_no_demo_founder_is_double_booked(db, seeded):  # noqa: F811
    founders = db.session.scalars(select(User).where(User.role == "founder")).all()
    assert founders
    busiest = 0
    for founder in founders:
        times = [(b.starts_at, b.ends_at, f"booking {b.id}") for b in db.session.scalars(select(Booking).where(
            Booking.founder_id == founder.id,
            Booking.status.in_((*ACTIVE_STATUSES, BookingStatus.COMPLETED, BookingStatus.NO_SHOW))))]
        times += [(m.starts_at, m.ends_at, f"meeting {m.id}") for m in db.session.scalars(select(Meeting).where(
            Meeting.founder_id == founder.id, Meeting.status == MeetingStatus.CONFIRMED))]
        busiest = max(busiest, len(times))
        clashes = [(a[2], b[2]) for a, b in combinations(times, 2) if a[0] < b[1] and b[0] < a[1]]
        assert not clashes, f"{founder.email}: {clashes}"
    assert busiest >= 3  # the demo founders do have sessions
