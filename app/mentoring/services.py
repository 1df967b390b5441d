"""Mentor use cases: profiles, the directory, session types, weekly availability, overrides and slots.

Bookings live in `app.mentoring.bookings`.
"""
from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import Text, cast, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from app.accounts.models import Role, User
from app.core import uow
from app.core.db import utcnow
from app.core.errors import Invalid, NotFound, PermissionDenied
from app.core.i18n import is_valid_timezone
from app.core.pagination import Page, paginate
from app.extensions import db
from app.mentoring import search
from app.mentoring import slots as slot_engine
from app.mentoring.models import (
    GRAIN_MINUTES,
    AvailabilityOverride,
    AvailabilityWindow,
    Booking,
    BookingFeedback,
    BookingStatus,
    MentorProfile,
    SessionType,
)
from app.search.engine import join_matches
from app.startups.services import SECTORS, normalise_tags

log = logging.getLogger(__name__)

LANGUAGES = ["en", "zh", "ja", "ko", "de", "fr", "es", "hi", "ru", "ar", "pt", "it"]
PROFILE_FIELDS = {"bio", "tags", "sectors", "languages", "timezone", "headline"}
SESSION_TYPE_FIELDS = {"name", "description", "duration_minutes", "capacity", "min_notice_minutes", "max_days_ahead",
                       "buffer_before_minutes", "buffer_after_minutes", "requires_approval",
                       "cancellation_window_minutes", "is_active", "location_kind", "location_detail"}
MAX_SLOT_RANGE_DAYS = 92


def is_mentor(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role == Role.MENTOR


def _require_mentor(user) -> None:
    if not is_mentor(user):
        raise PermissionDenied(_l("Only mentors can do that."), code="mentors_only")


# Profiles ------------------------------------------------------------------------------------

def profile_for(user: User) -> MentorProfile | None:
    return db.session.scalar(select(MentorProfile).where(MentorProfile.user_id == user.id))


def ensure_profile(user: User) -> MentorProfile:
    """The mentor's profile, created (flushed, not committed) on first use with the user's time zone."""
    _require_mentor(user)
    profile = profile_for(user)
    if profile is None:
        profile = MentorProfile(user_id=user.id, timezone=user.timezone or "Asia/Shanghai", tags=[], sectors=[],
                                languages=[])
        db.session.add(profile)
        db.session.flush()
    return profile


def get_mentor(mentor_id: int) -> MentorProfile:
    """A mentor's profile by the mentor's user id (the `{id}` of /api/mentors/{id})."""
    profile = None
    if isinstance(mentor_id, int) and 0 < mentor_id < 2**31:
        profile = db.session.scalar(select(MentorProfile).join(User, User.id == MentorProfile.user_id)
                                    .where(MentorProfile.user_id == mentor_id, User.role == Role.MENTOR,
                                           User.is_active_account.is_(True)))
    if profile is None:
        raise NotFound(_l("Mentor not found."))
    return profile


KEEP_CHOICES = ("local", "instant")


def _move_zone(profile: MentorProfile, zone: str, keep: str) -> None:
    """Change the mentor's zone. keep="local": weekly hours keep their wall-clock times in the new zone (09:00 stays
    09:00); keep="instant": they keep the instants they stood for this week, as times of the new zone."""
    if keep not in KEEP_CHOICES:
        raise Invalid(details={"keep": [str(_l("Choose whether your hours keep their local times or their "
                                                "instants."))]})
    old = profile.timezone
    profile.timezone = zone
    if zone == old:
        return
    moved = []
    for window in list(profile.windows):
        if keep == "local":
            window.timezone = zone
            continue
        moved += _window_in_zone(window, ZoneInfo(zone))
        db.session.delete(window)
    db.session.flush()
    profile.windows.extend(moved)


def _window_in_zone(window: AvailabilityWindow, zone: ZoneInfo) -> list[AvailabilityWindow]:
    """The same hours as this week's instants, in `zone`: one window per local day they touch there."""
    src = ZoneInfo(window.timezone)
    today = utcnow().astimezone(src).date()
    day = today + timedelta(days=(window.weekday - today.weekday()) % 7)
    start = slot_engine.local_instant(day, window.start_time, src)
    end = (slot_engine.local_instant(day + timedelta(days=1), time(0), src) if window.end_time == time(23, 59, 59)
           else slot_engine.local_instant(day, window.end_time, src))
    out = []
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    cursor = local_start
    while cursor < local_end:
        midnight = datetime.combine(cursor.date() + timedelta(days=1), time(0), tzinfo=zone)
        piece_end = min(local_end, midnight)
        end_time = time(23, 59, 59) if piece_end == midnight else piece_end.timetz().replace(tzinfo=None)
        if cursor.time() < end_time:
            out.append(AvailabilityWindow(weekday=cursor.weekday(), start_time=cursor.time().replace(tzinfo=None),
                                          end_time=end_time, timezone=zone.key))
        cursor = piece_end
    return out


def _clean_list(values, allowed: list[str] | None, field: str) -> list[str]:
    out = normalise_tags(values) if field == "tags" else []
    if field != "tags":
        for value in values or []:
            value = str(value).strip().lower()
            if value and value not in out:
                out.append(value)
        bad = [v for v in out if allowed is not None and v not in allowed]
        if bad:
            raise Invalid(details={field: [str(_l("Unknown value: %(value)s", value=bad[0]))]})
    return out


def _check_timezone(name: str, field: str = "timezone") -> str:
    if not name or not is_valid_timezone(name):
        raise Invalid(details={field: [str(_l("Choose a time zone from the list."))]})
    return name


def update_my_profile(*, mentor: User, keep: str = "local", **fields) -> MentorProfile:
    """Create or change the signed-in mentor's profile; a new time zone moves the weekly hours as `keep` says."""
    with uow.unit_of_work():
        profile = ensure_profile(mentor)
        unknown = set(fields) - PROFILE_FIELDS
        if unknown:
            raise Invalid(details={key: [str(_l("This field cannot be changed here."))] for key in sorted(unknown)})
        if "tags" in fields:
            profile.tags = _clean_list(fields["tags"], None, "tags")
        if "sectors" in fields:
            profile.sectors = _clean_list(fields["sectors"], SECTORS, "sectors")
        if "languages" in fields:
            profile.languages = _clean_list(fields["languages"], LANGUAGES, "languages")
        if "timezone" in fields:
            _move_zone(profile, _check_timezone(fields["timezone"]), keep)
        for key in ("bio", "headline"):
            if key in fields:
                setattr(profile, key, (fields[key] or "").strip())
    return profile


def _like(text: str) -> str:
    return "%" + text.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"


def _json_contains(column, value: str):
    import json
    forms = {json.dumps(value), json.dumps(value, ensure_ascii=False)}
    return or_(*(func.lower(cast(column, Text)).like(_like(form), escape="/") for form in forms))


def search_mentors(*, q: str | None = None, tag: str | None = None, sector: str | None = None,
                   language: str | None = None, gold: bool = False, page: int = 1, per_page: int = 20) -> Page:
    """Listed mentors, the best match first when `q` is given (name, headline, bio, tags, sectors; in Chinese or
    English), else verified first then by name. `gold`: gold mentors only."""
    stmt = (select(MentorProfile).join(User, User.id == MentorProfile.user_id)
            .options(selectinload(MentorProfile.user))
            .where(User.role == Role.MENTOR, User.is_active_account.is_(True), MentorProfile.is_listed.is_(True)))
    stmt, rank = join_matches(stmt, search.KIND, MentorProfile.id, q)
    stmt = stmt.order_by(*([rank] if rank is not None else []), User.is_verified.desc(), User.name, MentorProfile.id)
    for column, value in ((MentorProfile.tags, tag), (MentorProfile.sectors, sector),
                          (MentorProfile.languages, language)):
        value = " ".join((value or "").split()).lower()
        if value:
            stmt = stmt.where(_json_contains(column, value))
    if gold:
        from app.mentoring import gold as gold_tier
        stmt = stmt.where(MentorProfile.id.in_(gold_tier.gold_profile_ids()))
    return paginate(stmt, page=page, per_page=per_page)


def mentor_stats(profile_ids: list[int]) -> dict[int, dict]:
    """Per profile: average rating from founders (once revealed: feedback is blind), number of ratings, sessions
    delivered."""
    stats = {pid: {"rating": None, "rating_count": 0, "sessions_delivered": 0} for pid in profile_ids}
    if not profile_ids:
        return stats
    mentor_side = aliased(BookingFeedback)
    revealed = or_(Booking.ends_at <= utcnow() - timedelta(days=7), select(mentor_side.id).where(
        mentor_side.booking_id == Booking.id, mentor_side.side == "mentor").exists())
    rows = db.session.execute(
        select(Booking.mentor_id, func.avg(BookingFeedback.rating), func.count(BookingFeedback.id))
        .join(BookingFeedback, BookingFeedback.booking_id == Booking.id)
        .where(Booking.mentor_id.in_(profile_ids), BookingFeedback.side == "founder", revealed)
        .group_by(Booking.mentor_id))
    for pid, avg, count in rows:
        stats[pid]["rating"] = round(float(avg), 2) if avg is not None else None
        stats[pid]["rating_count"] = count
    rows = db.session.execute(select(Booking.mentor_id, func.count(Booking.id))
                              .where(Booking.mentor_id.in_(profile_ids), Booking.status == BookingStatus.COMPLETED)
                              .group_by(Booking.mentor_id))
    for pid, count in rows:
        stats[pid]["sessions_delivered"] = count
    return stats


def mentor_absences(profile_ids: list[int]) -> dict[int, dict]:
    """Per profile: sessions held (completed or no-show) and those the mentor did not come to."""
    out = {pid: {"held": 0, "mentor_no_shows": 0} for pid in profile_ids}
    if not profile_ids:
        return out
    rows = db.session.execute(
        select(Booking.mentor_id, Booking.status, Booking.absent_side, func.count(Booking.id))
        .where(Booking.mentor_id.in_(profile_ids),
               Booking.status.in_((BookingStatus.COMPLETED, BookingStatus.NO_SHOW)))
        .group_by(Booking.mentor_id, Booking.status, Booking.absent_side))
    for pid, status, absent, count in rows:
        out[pid]["held"] += count
        if status == BookingStatus.NO_SHOW and absent == "mentor":
            out[pid]["mentor_no_shows"] += count
    return out


def decorate(profiles: list[MentorProfile]) -> list[MentorProfile]:
    """Attach rating, sessions delivered and the gold-mentor badge (used by the output schema)."""
    from app.mentoring import gold
    stats = mentor_stats([p.id for p in profiles])
    flags = gold.gold_flags([p.id for p in profiles], stats)
    for p in profiles:
        for key, value in stats[p.id].items():
            setattr(p, key, value)
        p.is_gold = flags[p.id]
    return profiles


# Session types -------------------------------------------------------------------------------

def _check_session_type(fields: dict, current: SessionType | None = None) -> None:
    """Shape rules the schema cannot see; cleans the location in `fields` (kind and detail go together)."""
    if "location_kind" in fields or "location_detail" in fields:
        from app.mentoring import locations
        kind = fields.get("location_kind", current.location_kind if current else None)
        detail = fields.get("location_detail", current.location_detail if current else "")
        fields["location_kind"], fields["location_detail"] = locations.clean(kind, detail)
    details = {}
    for key in ("duration_minutes", "buffer_before_minutes", "buffer_after_minutes"):
        value = fields.get(key)
        if value is not None and value % GRAIN_MINUTES:
            details[key] = [str(_l("Use a multiple of %(n)d minutes.", n=GRAIN_MINUTES))]
    if details:
        raise Invalid(details=details)


def create_session_type(*, mentor: User, **fields) -> SessionType:
    """Add a session type to the mentor's profile."""
    with uow.unit_of_work():
        profile = ensure_profile(mentor)
        _check_session_type(fields)
        session_type = SessionType(mentor_id=profile.id,
                                   **{k: v for k, v in fields.items() if k in SESSION_TYPE_FIELDS})
        db.session.add(session_type)
    return session_type


def _own_session_type(mentor: User, session_type_id: int) -> SessionType:
    profile = ensure_profile(mentor)
    session_type = db.session.get(SessionType, session_type_id) if 0 < session_type_id < 2**31 else None
    if session_type is None or session_type.mentor_id != profile.id:
        raise NotFound(_l("Session type not found."))
    return session_type


def update_session_type(*, mentor: User, session_type_id: int, **fields) -> SessionType:
    with uow.unit_of_work():
        session_type = _own_session_type(mentor, session_type_id)
        _check_session_type(fields, session_type)
        for key, value in fields.items():
            if key in SESSION_TYPE_FIELDS:
                setattr(session_type, key, value)
    return session_type


def delete_session_type(*, mentor: User, session_type_id: int) -> None:
    """Delete a session type never booked; one with bookings is switched off instead (its history stays)."""
    with uow.unit_of_work():
        session_type = _own_session_type(mentor, session_type_id)
        if db.session.scalar(select(func.count(Booking.id)).where(Booking.session_type_id == session_type.id)):
            session_type.is_active = False
        else:
            db.session.delete(session_type)


def list_session_types(profile: MentorProfile, *, active_only: bool = True) -> list[SessionType]:
    return [t for t in profile.session_types if t.is_active or not active_only]


# Availability --------------------------------------------------------------------------------

def _parse_hhmm(value: str, field: str) -> time:
    try:
        hours, minutes = str(value).split(":")
        if len(minutes) != 2:
            raise ValueError
        hours_i, minutes_i = int(hours), int(minutes)
        if hours_i == 24 and minutes_i == 0:
            return time(23, 59, 59)  # "24:00" means the end of the day
        parsed = time(hours_i, minutes_i)
    except (ValueError, TypeError):
        raise Invalid(details={field: [str(_l("Use the HH:MM format, e.g. 09:30."))]}) from None
    if parsed.minute % GRAIN_MINUTES:
        raise Invalid(details={field: [str(_l("Use a multiple of %(n)d minutes.", n=GRAIN_MINUTES))]})
    return parsed


def _window(profile: MentorProfile, weekday: int, start_time: str, end_time: str, timezone: str | None):
    start, end = _parse_hhmm(start_time, "start_time"), _parse_hhmm(end_time, "end_time")
    if start >= end:
        raise Invalid(details={"end_time": [str(_l("The end must be after the start."))]})
    return AvailabilityWindow(mentor_id=profile.id, weekday=weekday, start_time=start, end_time=end,
                              timezone=_check_timezone(timezone or profile.timezone))


def add_window(*, mentor: User, weekday: int, start_time: str, end_time: str,
               timezone: str | None = None) -> AvailabilityWindow:
    """Add a weekly window (weekday 0 = Monday) in the given zone (default: the mentor's)."""
    with uow.unit_of_work():
        profile = ensure_profile(mentor)
        window = _window(profile, weekday, start_time, end_time, timezone)
        db.session.add(window)
    return window


def replace_week(*, mentor: User, windows: list[dict], timezone: str | None = None) -> list[AvailabilityWindow]:
    """Set the whole weekly schedule at once ("manage a week in a minute")."""
    with uow.unit_of_work():
        profile = ensure_profile(mentor)
        new = [_window(profile, w["weekday"], w["start_time"], w["end_time"], w.get("timezone") or timezone)
               for w in windows]
        for old in list(profile.windows):
            db.session.delete(old)
        db.session.flush()
        db.session.add_all(new)
        if timezone:
            profile.timezone = _check_timezone(timezone)
    return new


def delete_window(*, mentor: User, window_id: int) -> None:
    with uow.unit_of_work():
        profile = ensure_profile(mentor)
        window = db.session.get(AvailabilityWindow, window_id) if 0 < window_id < 2**31 else None
        if window is None or window.mentor_id != profile.id:
            raise NotFound(_l("Availability window not found."))
        db.session.delete(window)


def add_override(*, mentor: User, starts_at: datetime, ends_at: datetime, available: bool,
                 note: str = "", replaces_day: bool = False) -> AvailabilityOverride:
    """Block a range (available=False), add extra hours (available=True), or set the hours of the days the range
    touches in place of the weekly hours (replaces_day=True)."""
    with uow.unit_of_work():
        profile = ensure_profile(mentor)
        if ends_at <= starts_at:
            raise Invalid(details={"ends_at": [str(_l("The end must be after the start."))]})
        if ends_at - starts_at > timedelta(days=366):
            raise Invalid(details={"ends_at": [str(_l("An override can cover at most a year."))]})
        override = AvailabilityOverride(mentor_id=profile.id, starts_at=starts_at, ends_at=ends_at,
                                        available=available or replaces_day, replaces_day=replaces_day,
                                        note=(note or "").strip())
        db.session.add(override)
    return override


def delete_override(*, mentor: User, override_id: int) -> None:
    with uow.unit_of_work():
        profile = ensure_profile(mentor)
        override = db.session.get(AvailabilityOverride, override_id) if 0 < override_id < 2**31 else None
        if override is None or override.mentor_id != profile.id:
            raise NotFound(_l("Override not found."))
        db.session.delete(override)


# Slots ---------------------------------------------------------------------------------------

def get_session_type(profile: MentorProfile, session_type_id: int) -> SessionType:
    session_type = db.session.get(SessionType, session_type_id) if 0 < session_type_id < 2**31 else None
    if session_type is None or session_type.mentor_id != profile.id or not session_type.is_active:
        raise NotFound(_l("Session type not found."))
    return session_type


def list_slots(*, mentor_id: int, session_type_id: int, start: datetime | None = None, end: datetime | None = None,
               now: datetime | None = None, include_full: bool = False) -> list[slot_engine.Slot]:
    """Free slots of one session type between `start` and `end` (default: the next 14 days)."""
    profile = get_mentor(mentor_id)
    session_type = get_session_type(profile, session_type_id)
    now = now or utcnow()
    start = start or now
    end = end or start + timedelta(days=14)
    if end <= start:
        raise Invalid(details={"end": [str(_l("The end must be after the start."))]})
    if end - start > timedelta(days=MAX_SLOT_RANGE_DAYS):
        raise Invalid(details={"end": [str(_l("Ask for at most %(n)d days at a time.", n=MAX_SLOT_RANGE_DAYS))]})
    return slot_engine.compute_slots(profile, session_type, start, end, now=now, include_full=include_full)


def next_free_slots(profile: MentorProfile, *, limit: int = 5) -> list[tuple[SessionType, slot_engine.Slot]]:
    """The next free slots over all active session types (for the profile page)."""
    now = utcnow()
    out = []
    for session_type in list_session_types(profile):
        for slot in slot_engine.compute_slots(profile, session_type, now, now + timedelta(days=30), now=now)[:limit]:
            out.append((session_type, slot))
    out.sort(key=lambda pair: pair[1].starts_at)
    return out[:limit]


def in_zone(value: datetime, zone: str) -> datetime:
    try:
        return value.astimezone(ZoneInfo(zone))
    except (KeyError, ValueError):
        return value
