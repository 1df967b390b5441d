"""Free slots of a session type: weekly windows (per local date, so DST is right), less the days a replacing
override sets aside, with extra hours and blocks applied in the order they were made, on the grid of the hours that
open; minus other occurrences and their buffers, the minimum notice and the horizon."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.extensions import db
from app.mentoring.models import (
    AvailabilityOverride,
    AvailabilityWindow,
    BookingSeat,
    BookingSlot,
    MentorProfile,
    OpenDay,
    OpenDayStatus,
    SessionType,
    open_day_mentors,
)

UTC = timezone.utc
END_OF_DAY = time(23, 59, 59)  # how a window ending at "24:00" is stored


@dataclass(frozen=True)
class Slot:
    starts_at: datetime  # UTC
    ends_at: datetime
    seats_left: int
    capacity: int


def _merge(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    out: list[tuple[datetime, datetime]] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _subtract(intervals, blocks):
    """`intervals` minus `blocks` (both merged and sorted)."""
    out = []
    for start, end in intervals:
        cursor = start
        for b_start, b_end in blocks:
            if b_end <= cursor or b_start >= end:
                continue
            if b_start > cursor:
                out.append((cursor, b_start))
            cursor = max(cursor, b_end)
            if cursor >= end:
                break
        if cursor < end:
            out.append((cursor, end))
    return out


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time on a date in `zone`.

    A time skipped by spring-forward maps past the gap (02:30 → 03:30 summer time); a repeated one at
    fall-back maps to its first occurrence (PEP 495, fold=0).
    """
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def window_intervals(windows: list[AvailabilityWindow], start: datetime, end: datetime):
    """The weekly windows as UTC intervals touching [start, end), computed per local date of each window's zone."""
    out = []
    by_zone: dict[str, list[AvailabilityWindow]] = {}
    for w in windows:
        by_zone.setdefault(w.timezone, []).append(w)
    for zone_name, zone_windows in by_zone.items():
        zone = ZoneInfo(zone_name)
        day = start.astimezone(zone).date() - timedelta(days=1)
        last = end.astimezone(zone).date() + timedelta(days=1)
        while day <= last:
            for w in zone_windows:
                if w.weekday == day.weekday():
                    w_start = local_instant(day, w.start_time, zone)
                    w_end = (local_instant(day + timedelta(days=1), time(0), zone) if w.end_time == END_OF_DAY
                             else local_instant(day, w.end_time, zone))
                    if w_end > start and w_start < end and w_start < w_end:
                        out.append((w_start, w_end))
            day += timedelta(days=1)
    return out


def day_range(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants of a local date's midnight and the next one."""
    return local_instant(day, time(0), zone), local_instant(day + timedelta(days=1), time(0), zone)


def replaced_days(override: AvailabilityOverride, zone: ZoneInfo) -> list[date]:
    """The mentor's local dates whose weekly hours a replacing override sets aside."""
    first = override.starts_at.astimezone(zone).date()
    last = (override.ends_at - timedelta(microseconds=1)).astimezone(zone).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def open_intervals(profile: MentorProfile, overrides: list[AvailabilityOverride], start: datetime, end: datetime):
    """(opened, available) around [start, end): the hours that open (weekly, less the days a replacing override
    sets aside, plus extra hours) and what is left once the overrides apply in the order they were made, so the
    later of two overlapping overrides wins."""
    zone = ZoneInfo(profile.timezone)
    weekly = _merge(window_intervals(list(profile.windows), start, end))
    set_aside = [day_range(d, zone) for o in overrides if o.replaces_day for d in replaced_days(o, zone)]
    available = _subtract(weekly, _merge(set_aside))
    opened = list(available)
    for o in sorted(overrides, key=lambda o: (o.id or 0)):
        if o.available:
            available = _merge(available + [(o.starts_at, o.ends_at)])
            opened.append((o.starts_at, o.ends_at))
        else:
            available = _subtract(available, [(o.starts_at, o.ends_at)])
    return _merge(opened), available


def grid_starts(opened, available, duration: timedelta) -> list[datetime]:
    """Slot starts on the grid of each opened range (from its start, one duration apart) that fit in `available`,
    so a block that ends at :30 does not shift the hour's grid."""
    out = []
    available_starts = [a[0] for a in available]
    for o_start, o_end in opened:
        slot_start = o_start
        while slot_start + duration <= o_end:
            slot_end = slot_start + duration
            i = bisect_right(available_starts, slot_start) - 1
            if i >= 0 and slot_end <= available[i][1]:
                out.append(slot_start)
            slot_start = slot_end
    return out


def busy_ranges(mentor_id: int, start: datetime, end: datetime, *, exclude_booking_id: int | None = None):
    """Occupied occurrences around [start, end): (covered_start, covered_end, session_type_id, starts_at, seats);
    the mentor's open days among them with no session type."""
    seats = func.count(BookingSeat.id)
    stmt = (select(BookingSlot.session_type_id, BookingSlot.starts_at, SessionType.duration_minutes,
                   SessionType.buffer_before_minutes, SessionType.buffer_after_minutes, seats)
            .join(SessionType, SessionType.id == BookingSlot.session_type_id)
            .join(BookingSeat, BookingSeat.slot_id == BookingSlot.id)
            .where(BookingSlot.mentor_id == mentor_id,
                   BookingSlot.starts_at >= start - timedelta(days=1), BookingSlot.starts_at < end + timedelta(days=1))
            .group_by(BookingSlot.id, BookingSlot.session_type_id, BookingSlot.starts_at, SessionType.duration_minutes,
                      SessionType.buffer_before_minutes, SessionType.buffer_after_minutes))
    if exclude_booking_id is not None:
        stmt = stmt.where(BookingSeat.booking_id != exclude_booking_id)
    out = []
    for type_id, starts_at, duration, before, after, taken in db.session.execute(stmt):
        covered_start = starts_at - timedelta(minutes=before)
        covered_end = starts_at + timedelta(minutes=duration + after)
        out.append((covered_start, covered_end, type_id, starts_at, taken))
    # The mentor's scheduled open days: no slot of theirs overlaps one (booking it would be refused anyway).
    open_days = (select(OpenDay.starts_at, OpenDay.ends_at)
                 .join(open_day_mentors, open_day_mentors.c.open_day_id == OpenDay.id)
                 .join(MentorProfile, MentorProfile.user_id == open_day_mentors.c.user_id)
                 .where(MentorProfile.id == mentor_id, OpenDay.status == OpenDayStatus.SCHEDULED,
                        OpenDay.ends_at > start - timedelta(days=1), OpenDay.starts_at < end + timedelta(days=1)))
    for starts_at, ends_at in db.session.execute(open_days):
        out.append((starts_at, ends_at, None, starts_at, 0))
    out.sort(key=lambda r: r[0])
    return out


def compute_slots(profile: MentorProfile, session_type: SessionType, start: datetime, end: datetime, *,
                  now: datetime | None, exclude_booking_id: int | None = None, ignore_bookings: bool = False,
                  include_full: bool = False) -> list[Slot]:
    """Free slots of `session_type` starting in [start, end) (UTC instants), sorted.

    `include_full` also lists full group occurrences (seats_left 0), for the waitlist.
    """
    duration = timedelta(minutes=session_type.duration_minutes)
    before = timedelta(minutes=session_type.buffer_before_minutes)
    after = timedelta(minutes=session_type.buffer_after_minutes)
    earliest, latest = start, end
    if now is not None:  # None: the schedule alone, without notice and horizon
        earliest = max(start, now + timedelta(minutes=session_type.min_notice_minutes))
        latest = min(end, now + timedelta(days=session_type.max_days_ahead))
    if earliest >= latest:
        return []
    overrides = db.session.scalars(select(AvailabilityOverride).where(
        AvailabilityOverride.mentor_id == profile.id, AvailabilityOverride.ends_at > earliest - timedelta(days=1),
        AvailabilityOverride.starts_at < latest + duration + timedelta(days=1))).all()
    opened, available = open_intervals(profile, list(overrides), earliest - duration, latest + duration)
    busy = [] if ignore_bookings else busy_ranges(profile.id, earliest, latest + duration,
                                                  exclude_booking_id=exclude_booking_id)
    busy_starts = [b[0] for b in busy]
    max_span = max((b[1] - b[0] for b in busy), default=timedelta(0))
    out: list[Slot] = []
    for slot_start in grid_starts(opened, available, duration):
        if earliest <= slot_start < latest:
            seats = _seats_left(session_type, slot_start, slot_start - before, slot_start + duration + after,
                                busy, busy_starts, max_span)
            if seats > 0 or (include_full and seats == 0 and session_type.capacity > 1):
                out.append(Slot(slot_start, slot_start + duration, seats, session_type.capacity))
    return out


def _seats_left(session_type, slot_start, covered_start, covered_end, busy, busy_starts, max_span) -> int:
    """Seats left at this start: -1 when another occurrence overlaps, capacity minus taken for the same one."""
    seats = session_type.capacity
    i = bisect_left(busy_starts, covered_start - max_span)
    while i < len(busy) and busy[i][0] < covered_end:
        b_start, b_end, type_id, starts_at, taken = busy[i]
        if b_end > covered_start:
            if type_id == session_type.id and starts_at == slot_start:
                seats -= taken
            else:
                return -1
        i += 1
    return max(seats, 0)
