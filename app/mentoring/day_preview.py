"""The availability editor's look at one day: the slots it gives and why, contradictions explained."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.mentoring import slots as slot_engine
from app.mentoring.models import AvailabilityOverride, MentorProfile, SessionType


def _span(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    a, b = start.astimezone(zone), end.astimezone(zone)
    return f"{a:%H:%M}–{'24:00' if b.time().hour == 0 and b.date() > a.date() else f'{b:%H:%M}'}"


def _overlap(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def preview(profile: MentorProfile, day: date, session_type: SessionType | None) -> dict:
    """{day, weekly, overrides, open, slots, notes}: one local day of the mentor, times as HH:MM in their zone."""
    zone = ZoneInfo(profile.timezone)
    start, end = slot_engine.day_range(day, zone)
    overrides = list(db.session.scalars(select(AvailabilityOverride).where(
        AvailabilityOverride.mentor_id == profile.id, AvailabilityOverride.ends_at > start,
        AvailabilityOverride.starts_at < end).order_by(AvailabilityOverride.id)))
    clip = lambda a, b: (max(a, start), min(b, end))  # noqa: E731
    weekly = [clip(a, b) for a, b in slot_engine._merge(slot_engine.window_intervals(list(profile.windows), start, end))
              if a < end and b > start]
    _, available = slot_engine.open_intervals(profile, overrides, start, end)
    available = [clip(a, b) for a, b in available if a < end and b > start]
    found = [] if session_type is None else slot_engine.compute_slots(profile, session_type, start, end, now=None)
    return {"day": day, "weekly": [_span(a, b, zone) for a, b in weekly],
            "overrides": [(o, _span(*clip(o.starts_at, o.ends_at), zone)) for o in overrides],
            "open": [_span(a, b, zone) for a, b in available],
            "slots": [s.starts_at.astimezone(zone).strftime("%H:%M") for s in found],
            "notes": _notes(overrides, weekly, available, session_type, zone, clip)}


def _notes(overrides, weekly, available, session_type, zone, clip) -> list[str]:
    notes = []
    for o in overrides:
        span = _span(*clip(o.starts_at, o.ends_at), zone)
        rng = (o.starts_at, o.ends_at)
        if o.replaces_day:
            notes.append(_("The hours %(span)s replace this day's weekly hours.", span=span))
        elif o.available and any(_overlap(rng, w) for w in weekly):
            notes.append(_("The extra hours %(span)s overlap your weekly hours; there they add nothing.", span=span))
        if not o.available and not any(_overlap(rng, w) for w in weekly) and not any(
                p.available and _overlap(rng, (p.starts_at, p.ends_at)) for p in overrides if p.id < o.id):
            notes.append(_("The block %(span)s covers none of your hours; it changes nothing.", span=span))
        for earlier in overrides:
            if earlier.id >= o.id or earlier.available == o.available:
                continue
            if _overlap(rng, (earlier.starts_at, earlier.ends_at)):
                other = _span(*clip(earlier.starts_at, earlier.ends_at), zone)
                notes.append(_("The extra hours %(span)s reopen part of the earlier block %(other)s: the later "
                               "override wins.", span=span, other=other) if o.available else
                             _("The block %(span)s closes part of the earlier extra hours %(other)s: the later "
                               "override wins.", span=span, other=other))
    if session_type is not None:
        length = timedelta(minutes=session_type.duration_minutes)
        for a, b in available:
            if b - a < length:
                notes.append(_("No “%(name)s” session (%(n)d minutes) fits in %(span)s.", name=session_type.name,
                               n=session_type.duration_minutes, span=_span(a, b, zone)))
    return notes
