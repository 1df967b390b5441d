"""Who may be in which call, and when: one rule per kind of call, used by the API and by the sweeper alike.

A mentoring session's call is one room per slot: a one-to-one booking has it to itself, and the founders of a
group session (bookings of one session type at one time) share it with the mentor. A founder–investor meeting
has a room of its own. A call is open from VIDEO_CALL_OPENS_BEFORE minutes before the start to
VIDEO_CALL_CLOSES_AFTER minutes after the end, for its confirmed parties (and, for mentoring, admins). Calls are
never recorded.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.accounts.models import User
from app.conversations import meetings
from app.conversations.models import MeetingStatus
from app.core.errors import InvalidState
from app.extensions import db
from app.mentoring.bookings import get_booking
from app.mentoring.models import Booking, BookingStatus

KINDS = ("booking", "meeting")
# A roadshow's stage (app.video.stage): "stage" tokens may publish (the room's allowed list), "audience" tokens
# may only subscribe (Janus's VideoRoom checks the allowed list of publishers alone).
# "mount" tokens watch the stage through a Streaming-plugin mountpoint (app.video.streaming), past the room's limit.
STAGE_KINDS = ("stage", "audience", "mount")
# Janus room ids: one block per kind, so a booking and a meeting never share a number.
ROOM_BASE = {"booking": 1_000_000_000_000, "meeting": 2_000_000_000_000, "roadshow": 3_000_000_000_000}
CALL_STATUSES = {"booking": (BookingStatus.CONFIRMED, BookingStatus.COMPLETED),
                 "meeting": (MeetingStatus.CONFIRMED,)}


@dataclass(frozen=True)
class Call:
    """One call as a given person may join it."""

    kind: str
    scope_id: int           # the booking or meeting the person joins through
    room: int               # the Janus VideoRoom
    starts_at: datetime
    ends_at: datetime
    opens_at: datetime
    closes_at: datetime
    capacity: int           # how many may publish at once
    title: str

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at


class CallNotOpen(InvalidState):
    code = "call_not_open"


def _window(starts_at: datetime, ends_at: datetime) -> tuple[datetime, datetime]:
    config = current_app.config
    return (starts_at - timedelta(minutes=config["VIDEO_CALL_OPENS_BEFORE"]),
            ends_at + timedelta(minutes=config["VIDEO_CALL_CLOSES_AFTER"]))


def booking_room(booking: Booking) -> int:
    """The Janus room of a booking's call: one per slot (a group session's founders share it)."""
    first = db.session.scalar(select(func.min(Booking.id)).where(
        Booking.session_type_id == booking.session_type_id, Booking.starts_at == booking.starts_at))
    return ROOM_BASE["booking"] + first


def _booking_call(user: User, booking_id: int) -> tuple[Call, str]:
    booking = get_booking(user=user, booking_id=booking_id)  # NotFound for anyone but its parties and admins
    opens_at, closes_at = _window(booking.starts_at, booking.ends_at)
    call = Call("booking", booking.id, booking_room(booking), booking.starts_at, booking.ends_at, opens_at,
                closes_at, booking.session_type.capacity + 2, booking.session_type.name)
    return call, booking.status


def _meeting_call(user: User, meeting_id: int) -> tuple[Call, str]:
    meeting = meetings.get_meeting(user=user, meeting_id=meeting_id)  # 404, or 403 for anyone but the two
    opens_at, closes_at = _window(meeting.starts_at, meeting.ends_at)
    other = meeting.investor if meeting.founder_id == user.id else meeting.founder
    call = Call("meeting", meeting.id, ROOM_BASE["meeting"] + meeting.id, meeting.starts_at, meeting.ends_at,
                opens_at, closes_at, 2, str(_l("Meeting with %(name)s", name=other.name)))
    return call, meeting.status


def find_call(*, user: User, kind: str, scope_id: int) -> tuple[Call, str]:
    """The call of a booking or meeting as `user` sees it, and the booking's or meeting's status.
    Raises NotFound (or PermissionDenied) for anyone who is not one of its parties."""
    return (_booking_call if kind == "booking" else _meeting_call)(user, scope_id)


def open_call(*, user: User, kind: str, scope_id: int, now: datetime) -> Call:
    """The call `user` may join now; CallNotOpen when the booking or meeting is not on or the window is shut."""
    call, status = find_call(user=user, kind=kind, scope_id=scope_id)
    if status not in CALL_STATUSES[kind]:
        raise CallNotOpen(_l("This call is only open for confirmed sessions."), details={"status": status})
    if not call.is_open(now):
        raise CallNotOpen(_l("The call opens %(before)d minutes before the start and closes %(after)d minutes "
                             "after the end.", before=current_app.config["VIDEO_CALL_OPENS_BEFORE"],
                             after=current_app.config["VIDEO_CALL_CLOSES_AFTER"]),
                          details={"opens_at": call.opens_at.isoformat(), "closes_at": call.closes_at.isoformat()})
    return call


def booking_window(booking: Booking, now: datetime | None = None) -> tuple[datetime, datetime] | None:
    """When a booking's call is open, for its page: None when the session has no call (not confirmed, held
    elsewhere) or its call has closed."""
    from app.core.db import utcnow
    from app.mentoring.models import LocationKind

    if booking.status not in CALL_STATUSES["booking"] or booking.session_type.location_kind != LocationKind.PLATFORM:
        return None
    opens_at, closes_at = _window(booking.starts_at, booking.ends_at)
    return (opens_at, closes_at) if closes_at > (now or utcnow()) else None


def meeting_window(meeting, now: datetime | None = None) -> tuple[datetime, datetime] | None:
    """When a meeting's call is open; None when the meeting is cancelled or its call has closed."""
    from app.core.db import utcnow

    if meeting.status not in CALL_STATUSES["meeting"]:
        return None
    opens_at, closes_at = _window(meeting.starts_at, meeting.ends_at)
    return (opens_at, closes_at) if closes_at > (now or utcnow()) else None
