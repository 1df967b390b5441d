"""The admin mentor scorecard, one row per mentor, sortable:

- hours delivered: the length of the completed sessions, a group session counted once however many founders
  came; sessions delivered counts each founder's completed booking;
- time to accept: the median hours from a request to the mentor's confirmation (sessions needing approval);
- cancellations and no-shows by who caused them: the mentor's cancellations and absences count against the
  mentor, the founders' apart;
- the rating (founders' ratings, 1–5), its trend (the last 90 days' average minus the earlier one) and the
  monthly averages of the last six months;
- the mentored startups' progress. The startups domain records a startup's stage (idea … growth), and each
  booking keeps the stage its startup was at when it booked (`Booking.startup_stage`). A startup the mentor
  held a completed session with has progressed when its stage now is later than at its first such session;
  `startups_progressed` / `startups_mentored` is the progress rate. Startups without a stage either time are
  counted as mentored but not as progressed;
- whether the mentor is gold (`app.mentoring.gold`, on the public figures).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from statistics import mean, median

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.db import utcnow
from app.core.errors import PermissionDenied
from app.extensions import db
from app.mentoring import gold
from app.mentoring.models import Booking, BookingFeedback, BookingStatus, MentorProfile

SORTS = ("sessions_delivered", "hours_delivered", "rating", "rating_trend", "acceptance_hours", "cancellation_rate",
         "founder_cancellation_rate", "no_show_rate", "founder_no_show_rate", "progress_rate", "name")
TREND_DAYS = 90
MONTHS = 6


def _stage_rank() -> dict[str, int]:
    from app.startups.models import Stage
    return {stage.value: index for index, stage in enumerate(Stage)}


def scorecard(*, actor, sort: str = "sessions_delivered", descending: bool = True) -> list[dict]:
    """One row per mentor profile (admins only)."""
    if not getattr(actor, "is_admin", False):
        raise PermissionDenied(_l("Only administrators can see the mentor scorecard."), code="admins_only")
    from app.startups.models import Startup

    profiles = db.session.scalars(select(MentorProfile).options(selectinload(MentorProfile.user))).all()
    rows_by_mentor = defaultdict(list)
    for booking in db.session.scalars(select(Booking).options(selectinload(Booking.session_type))):
        rows_by_mentor[booking.mentor_id].append(booking)
    ratings = defaultdict(list)
    for mentor_id, rating, created in db.session.execute(
            select(Booking.mentor_id, BookingFeedback.rating, BookingFeedback.created_at)
            .join(Booking, Booking.id == BookingFeedback.booking_id).where(BookingFeedback.side == "founder")):
        ratings[mentor_id].append((rating, created))
    stages = dict(db.session.execute(select(Startup.id, Startup.stage)).all())
    flags = gold.gold_flags([p.id for p in profiles])
    now = utcnow()
    out = []
    for p in profiles:
        row = _row(p, rows_by_mentor[p.id], ratings[p.id], now)
        row.update(_progress(rows_by_mentor[p.id], stages))
        row["is_gold"] = flags[p.id]
        out.append(row)
    key = sort if sort in SORTS else "sessions_delivered"
    present = [r for r in out if r[key] is not None]
    missing = [r for r in out if r[key] is None]
    present.sort(key=lambda r: (r[key], r["name"]) if key != "name" else r["name"].lower(), reverse=descending)
    return present + missing


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _hours(bookings: list[Booking]) -> float:
    """Hours of completed sessions, one group occurrence counted once."""
    occurrences = {(b.session_type_id, b.starts_at): b.ends_at - b.starts_at
                   for b in bookings if b.status == BookingStatus.COMPLETED}
    return round(sum(occurrences.values(), timedelta()).total_seconds() / 3600, 1)


def _months(ratings: list, now) -> list[dict]:
    """The average founder rating of each of the last six calendar months (None where nobody rated)."""
    out, year, month = [], now.year, now.month
    for _ in range(MONTHS):
        key = f"{year:04d}-{month:02d}"
        values = [r for r, created in ratings if created.strftime("%Y-%m") == key]
        out.append({"month": key, "rating": round(mean(values), 2) if values else None, "count": len(values)})
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def _progress(bookings: list[Booking], stages: dict[int, str | None]) -> dict:
    rank = _stage_rank()
    first: dict[int, Booking] = {}
    for b in sorted(bookings, key=lambda b: b.starts_at):
        if b.status == BookingStatus.COMPLETED and b.startup_id is not None:
            first.setdefault(b.startup_id, b)
    progressed = sum(1 for startup_id, b in first.items()
                     if b.startup_stage in rank and stages.get(startup_id) in rank
                     and rank[stages[startup_id]] > rank[b.startup_stage])
    return {"startups_mentored": len(first), "startups_progressed": progressed,
            "progress_rate": _rate(progressed, len(first))}


def _row(profile: MentorProfile, bookings: list[Booking], ratings: list, now) -> dict:
    by_status = defaultdict(int)
    for b in bookings:
        by_status[b.status] += 1
    accept = [(b.confirmed_at - b.created_at).total_seconds() / 3600 for b in bookings
              if b.confirmed_at and b.session_type_id and b.confirmed_at > b.created_at + timedelta(seconds=1)]
    cutoff = now - timedelta(days=TREND_DAYS)
    recent = [r for r, created in ratings if created >= cutoff]
    older = [r for r, created in ratings if created < cutoff]
    held = by_status[BookingStatus.COMPLETED] + by_status[BookingStatus.NO_SHOW]
    mentor_absent = sum(1 for b in bookings if b.status == BookingStatus.NO_SHOW and b.absent_side == "mentor")
    by_mentor = sum(1 for b in bookings if b.status == BookingStatus.CANCELLED and b.cancelled_by_id == profile.user_id)
    agreed = held + by_status[BookingStatus.CANCELLED] + by_status[BookingStatus.CONFIRMED]
    return {
        "mentor_id": profile.user_id, "name": profile.user.name, "is_verified": profile.user.is_verified,
        "sessions_delivered": by_status[BookingStatus.COMPLETED], "hours_delivered": _hours(bookings),
        "rating": round(mean(r for r, _c in ratings), 2) if ratings else None, "rating_count": len(ratings),
        "rating_trend": round(mean(recent) - mean(older), 2) if recent and older else None,
        "rating_months": _months(ratings, now),
        "acceptance_hours": round(median(accept), 1) if accept else None,
        # who cancelled counts against that side only
        "cancellation_rate": _rate(by_mentor, agreed),
        "founder_cancellation_rate": _rate(by_status[BookingStatus.CANCELLED] - by_mentor, agreed),
        "no_show_rate": _rate(mentor_absent, held),
        "founder_no_show_rate": _rate(by_status[BookingStatus.NO_SHOW] - mentor_absent, held),
        "requests_declined": by_status[BookingStatus.DECLINED],
    }

