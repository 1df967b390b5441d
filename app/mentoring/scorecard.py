"""The admin mentor scorecard: sessions delivered, rating and its trend, acceptance time, cancellation rates by
who cancelled (the mentor or the founder) and the no-show rate, per mentor, sortable."""
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
from app.mentoring.models import Booking, BookingFeedback, BookingStatus, MentorProfile

SORTS = ("sessions_delivered", "rating", "rating_trend", "acceptance_hours", "cancellation_rate",
         "founder_cancellation_rate", "no_show_rate", "founder_no_show_rate", "name")
TREND_DAYS = 90


def scorecard(*, actor, sort: str = "sessions_delivered", descending: bool = True) -> list[dict]:
    """One row per mentor profile (admins only)."""
    if not getattr(actor, "is_admin", False):
        raise PermissionDenied(_l("Only administrators can see the mentor scorecard."), code="admins_only")
    profiles = db.session.scalars(select(MentorProfile).options(selectinload(MentorProfile.user))).all()
    rows_by_mentor = defaultdict(list)
    for booking in db.session.scalars(select(Booking)):
        rows_by_mentor[booking.mentor_id].append(booking)
    ratings = defaultdict(list)
    for mentor_id, rating, created in db.session.execute(
            select(Booking.mentor_id, BookingFeedback.rating, BookingFeedback.created_at)
            .join(Booking, Booking.id == BookingFeedback.booking_id).where(BookingFeedback.side == "founder")):
        ratings[mentor_id].append((rating, created))
    cutoff = utcnow() - timedelta(days=TREND_DAYS)
    out = [_row(p, rows_by_mentor[p.id], ratings[p.id], cutoff) for p in profiles]
    key = sort if sort in SORTS else "sessions_delivered"
    present = [r for r in out if r[key] is not None]
    missing = [r for r in out if r[key] is None]
    present.sort(key=lambda r: (r[key], r["name"]) if key != "name" else r["name"].lower(), reverse=descending)
    return present + missing


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _row(profile: MentorProfile, bookings: list[Booking], ratings: list, cutoff) -> dict:
    by_status = defaultdict(int)
    for b in bookings:
        by_status[b.status] += 1
    accept = [(b.confirmed_at - b.created_at).total_seconds() / 3600 for b in bookings
              if b.confirmed_at and b.session_type_id and b.confirmed_at > b.created_at + timedelta(seconds=1)]
    recent = [r for r, created in ratings if created >= cutoff]
    older = [r for r, created in ratings if created < cutoff]
    held = by_status[BookingStatus.COMPLETED] + by_status[BookingStatus.NO_SHOW]
    mentor_absent = sum(1 for b in bookings if b.status == BookingStatus.NO_SHOW and b.absent_side == "mentor")
    by_mentor = sum(1 for b in bookings if b.status == BookingStatus.CANCELLED and b.cancelled_by_id == profile.user_id)
    agreed = held + by_status[BookingStatus.CANCELLED] + by_status[BookingStatus.CONFIRMED]
    return {
        "mentor_id": profile.user_id, "name": profile.user.name, "is_verified": profile.user.is_verified,
        "sessions_delivered": by_status[BookingStatus.COMPLETED],
        "rating": round(mean(r for r, _c in ratings), 2) if ratings else None, "rating_count": len(ratings),
        "rating_trend": round(mean(recent) - mean(older), 2) if recent and older else None,
        "acceptance_hours": round(median(accept), 1) if accept else None,
        # who cancelled counts against that side only
        "cancellation_rate": _rate(by_mentor, agreed),
        "founder_cancellation_rate": _rate(by_status[BookingStatus.CANCELLED] - by_mentor, agreed),
        "no_show_rate": _rate(mentor_absent, held),
        "founder_no_show_rate": _rate(by_status[BookingStatus.NO_SHOW] - mentor_absent, held),
        "requests_declined": by_status[BookingStatus.DECLINED],
    }
