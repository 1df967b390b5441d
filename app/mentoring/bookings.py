"""Booking use cases: book, confirm, decline, cancel, complete, no-show, reschedule, feedback, list.

Every path that occupies a mentor's time (booking, rescheduling) claims rows under unique keys
(`TimeClaim` per 5-minute grain, `BookingSeat` per seat; see `app.mentoring.models`), so the database
refuses a double booking on SQLite and PostgreSQL. Each use case is one unit of work (`app.core.uow`) that
first locks the mentor (SQLite's write lock; the mentor's row on PostgreSQL), so concurrent requests queue
rather than fail midway, and its notifications are stored with it and sent after its commit.
A request awaiting approval holds its seat; declining or cancelling gives it back.
"""
from __future__ import annotations

import base64
import logging
from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.accounts import organisations
from app.accounts.models import Role, User
from app.core import jobs, uow
from app.core.db import utcnow
from app.core.errors import Conflict, Invalid, InvalidState, NotFound, PermissionDenied
from app.core.pagination import Page, paginate
from app.extensions import db
from app.mentoring import notifications as _kinds  # noqa: F401  (registers the notification kinds)
from app.mentoring import signals
from app.mentoring import slots as slot_engine
from app.mentoring.models import (
    ACTIVE_STATUSES,
    GRAIN_MINUTES,
    Booking,
    BookingFeedback,
    BookingSeat,
    BookingSlot,
    BookingStatus,
    MentorProfile,
    SessionType,
    TimeClaim,
    WaitlistEntry,
)
from app.mentoring.services import get_session_type, profile_for
from app.notifications import services as notifications
from app.notifications.kinds import user_locale

log = logging.getLogger(__name__)


def _slot_taken() -> Conflict:
    return Conflict(_l("That slot has just been taken. Please choose another time."), code="slot_taken")


# Occupying time -------------------------------------------------------------------------------

def _mentor_unit(profile_id: int, *user_ids: int):
    """The unit of work of a use case that changes the mentor's calendar: the mentor is locked first, and the
    people whose calendars it checks (the founder, the mentor's user: as meeting offers lock them)."""
    return uow.unit_of_work(lock=[(MentorProfile, profile_id), *((User, uid) for uid in user_ids)])


def _check_calendars(*, actor: User, founder_id: int, mentor_user_id: int, starts_at: datetime,
                     ends_at: datetime, exclude_booking_id: int | None = None) -> None:
    """One person, one calendar: refuse a time that overlaps the founder's other requested or confirmed
    bookings or confirmed meetings, or the mentor's confirmed meetings (409 `calendar_conflict`). The actor
    is told what their own time clashes with; the other side's calendar is only said to be busy."""
    from app.conversations.meetings import calendar_clashes

    for user_id, bookings in ((founder_id, True), (mentor_user_id, False)):
        clashes = [c for c in calendar_clashes(user_id, starts_at, ends_at, bookings=bookings)
                   if not (c["kind"] == "booking" and c["id"] == exclude_booking_id)]
        if not clashes:
            continue
        if user_id == actor.id:
            raise Conflict(_l("That time clashes with your calendar: %(what)s",
                              what=" ".join(c["text"] for c in clashes)), code="calendar_conflict",
                           details={"conflicts": [{"kind": c["kind"], "id": c["id"], "label": c["label"],
                                                   "starts_at": c["starts_at"].isoformat(),
                                                   "ends_at": c["ends_at"].isoformat()} for c in clashes]})
        message = (_l("The founder is busy at that time.") if user_id == founder_id
                   else _l("The mentor is busy at that time."))
        raise Conflict(message, code="calendar_conflict", details={"busy": "founder" if user_id == founder_id
                                                                   else "mentor"})


def _grains(starts_at: datetime, session_type: SessionType) -> list[datetime]:
    first = starts_at - timedelta(minutes=session_type.buffer_before_minutes)
    last = starts_at + timedelta(minutes=session_type.duration_minutes + session_type.buffer_after_minutes)
    out, grain = [], first
    while grain < last:
        out.append(grain)
        grain += timedelta(minutes=GRAIN_MINUTES)
    return out


def _occupy(booking: Booking, session_type: SessionType) -> None:
    """Give `booking` a seat of its occurrence, creating the occurrence and its time claims if needed."""
    slot = db.session.scalar(select(BookingSlot).where(
        BookingSlot.mentor_id == booking.mentor_id, BookingSlot.session_type_id == session_type.id,
        BookingSlot.starts_at == booking.starts_at))
    if slot is None:
        try:
            with db.session.begin_nested():
                slot = BookingSlot(mentor_id=booking.mentor_id, session_type_id=session_type.id,
                                   starts_at=booking.starts_at)
                db.session.add(slot)
                db.session.flush()
                db.session.add_all([TimeClaim(slot_id=slot.id, mentor_id=booking.mentor_id, grain_at=grain)
                                    for grain in _grains(booking.starts_at, session_type)])
                db.session.flush()
        except IntegrityError:
            raise _slot_taken() from None
    taken = set(db.session.scalars(select(BookingSeat.seat_no).where(BookingSeat.slot_id == slot.id)))
    free = next((n for n in range(1, session_type.capacity + 1) if n not in taken), None)
    if free is None:
        raise _slot_taken()
    try:
        with db.session.begin_nested():
            db.session.add(BookingSeat(slot_id=slot.id, seat_no=free, booking_id=booking.id))
            db.session.flush()
    except IntegrityError:
        raise _slot_taken() from None


def _release(booking: Booking) -> None:
    """Give back the booking's seat; an occurrence left without seats frees its time."""
    seat = db.session.scalar(select(BookingSeat).where(BookingSeat.booking_id == booking.id))
    if seat is None:
        return
    slot_id = seat.slot_id
    db.session.delete(seat)
    db.session.flush()
    if not db.session.scalar(select(exists().where(BookingSeat.slot_id == slot_id))):
        db.session.execute(delete(TimeClaim).where(TimeClaim.slot_id == slot_id))
        db.session.execute(delete(BookingSlot).where(BookingSlot.id == slot_id))


def _check_bookable(profile: MentorProfile, session_type: SessionType, starts_at: datetime, *,
                    exclude_booking_id: int | None = None) -> None:
    """`starts_at` must be one of the free slots (windows, overrides, notice, horizon, other bookings)."""
    now = utcnow()
    found = slot_engine.compute_slots(profile, session_type, starts_at, starts_at + timedelta(minutes=1), now=now,
                                      exclude_booking_id=exclude_booking_id)
    if any(s.starts_at == starts_at for s in found):
        return
    if starts_at < now + timedelta(minutes=session_type.min_notice_minutes):
        raise Invalid(_l("That time is too soon to book."), code="too_soon",
                      details={"starts_at": [str(_l("Book at least %(n)d minutes ahead.",
                                                    n=session_type.min_notice_minutes))]})
    if starts_at > now + timedelta(days=session_type.max_days_ahead):
        raise Invalid(_l("That time is too far ahead."), code="too_far_ahead",
                      details={"starts_at": [str(_l("Book at most %(n)d days ahead.", n=session_type.max_days_ahead))]})
    in_schedule = slot_engine.compute_slots(profile, session_type, starts_at, starts_at + timedelta(minutes=1),
                                            now=None, ignore_bookings=True)
    if any(s.starts_at == starts_at for s in in_schedule):
        raise _slot_taken()
    raise Invalid(_l("The mentor is not available at that time."), code="not_available",
                  details={"starts_at": [str(_l("Pick one of the free slots."))]})


# Booking ----------------------------------------------------------------------------------------

def book(*, founder: User, session_type_id: int, starts_at: datetime, topic: str = "",
         startup_id: int | None = None) -> Booking:
    """Book a slot: confirmed at once, or requested when the session type needs the mentor's approval.

    Raises Conflict `slot_taken` when the time (or the last seat) is gone, Invalid when it is not bookable.
    """
    if founder.role != Role.FOUNDER:
        raise PermissionDenied(_l("Only founders can book mentors."), code="founders_only")
    session_type = db.session.get(SessionType, session_type_id) if 0 < session_type_id < 2**31 else None
    if session_type is None or not session_type.is_active:
        raise NotFound(_l("Session type not found."))
    profile = session_type.mentor
    if profile.user_id == founder.id:
        raise PermissionDenied(_l("You cannot book yourself."))
    if startup_id is not None:
        organisations.require_member(founder, startup_id, allow_admin=False)
    starts_at = _aligned(starts_at)
    founder_id, profile_id, mentor_user_id = founder.id, profile.id, profile.user_id
    with _mentor_unit(profile_id, founder_id, mentor_user_id):
        profile = db.session.get(MentorProfile, profile_id)
        session_type = get_session_type(profile, session_type_id)
        _check_bookable(profile, session_type, starts_at)
        if db.session.scalar(select(exists().where(
                Booking.founder_id == founder_id, Booking.session_type_id == session_type.id,
                Booking.starts_at == starts_at, Booking.status.in_(ACTIVE_STATUSES)))):
            raise Conflict(_l("You have already booked this session."), code="already_booked")
        _check_calendars(actor=founder, founder_id=founder_id, mentor_user_id=mentor_user_id, starts_at=starts_at,
                         ends_at=starts_at + timedelta(minutes=session_type.duration_minutes))
        status = BookingStatus.REQUESTED if session_type.requires_approval else BookingStatus.CONFIRMED
        booking = Booking(mentor_id=profile.id, session_type_id=session_type.id, founder_id=founder_id,
                          startup_id=startup_id, starts_at=starts_at,
                          ends_at=starts_at + timedelta(minutes=session_type.duration_minutes),
                          topic=(topic or "").strip(), status=status, startup_stage=_stage_of(startup_id),
                          confirmed_at=utcnow() if status == BookingStatus.CONFIRMED else None)
        db.session.add(booking)
        db.session.flush()
        _occupy(booking, session_type)
        if booking.status == BookingStatus.REQUESTED:
            _notify(booking, booking.mentor.user, "booking_requested")
        else:
            _invite(booking, booking.mentor.user, "booking_created")
            _invite(booking, booking.founder, "booking_confirmed")
    log.info("booking %s by user %s (%s)", booking.id, founder_id, booking.status)
    return booking


def _stage_of(startup_id: int | None) -> str | None:
    """The startup's stage now (kept with the booking: the scorecard measures progress from it)."""
    if startup_id is None:
        return None
    from app.startups.models import Startup
    return db.session.scalar(select(Startup.stage).where(Startup.id == startup_id))


def _aligned(starts_at: datetime) -> datetime:
    if starts_at.tzinfo is None:
        raise Invalid(details={"starts_at": [str(_l("Give the time with its UTC offset."))]})
    starts_at = starts_at.astimezone(slot_engine.UTC)
    if starts_at.second or starts_at.microsecond or starts_at.minute % GRAIN_MINUTES:
        raise Invalid(_l("The mentor is not available at that time."), code="not_available",
                      details={"starts_at": [str(_l("Pick one of the free slots."))]})
    return starts_at


# Reading ----------------------------------------------------------------------------------------

def _side(booking: Booking, user: User) -> str | None:
    if booking.founder_id == user.id:
        return "founder"
    if booking.mentor.user_id == user.id:
        return "mentor"
    return None


def get_booking(*, user: User, booking_id: int) -> Booking:
    """A booking its founder or mentor (or an admin) may see; others get NotFound."""
    booking = db.session.get(Booking, booking_id) if 0 < booking_id < 2**31 else None
    if booking is None or (_side(booking, user) is None and not user.is_admin):
        raise NotFound(_l("Booking not found."))
    return booking


def list_bookings(*, user: User, scope: str | None = None, status: str | None = None, page: int = 1,
                  per_page: int = 20) -> Page:
    """The user's bookings as founder or mentor. scope: upcoming, past, pending (awaiting approval)."""
    profile = profile_for(user)
    parties = [Booking.founder_id == user.id]
    if profile is not None:
        parties.append(Booking.mentor_id == profile.id)
    stmt = select(Booking).options(selectinload(Booking.session_type), selectinload(Booking.founder),
                                   selectinload(Booking.mentor).selectinload(MentorProfile.user),
                                   selectinload(Booking.feedback)).where(or_(*parties))
    now = utcnow()
    if scope == "upcoming":
        stmt = stmt.where(Booking.ends_at >= now, Booking.status.in_(ACTIVE_STATUSES)).order_by(Booking.starts_at)
    elif scope == "pending":
        stmt = stmt.where(Booking.status == BookingStatus.REQUESTED, Booking.ends_at >= now).order_by(Booking.starts_at)
    elif scope == "past":
        stmt = stmt.where(or_(Booking.ends_at < now, Booking.status.not_in(ACTIVE_STATUSES))) \
            .order_by(Booking.starts_at.desc())
    else:
        stmt = stmt.order_by(Booking.starts_at.desc())
    if status:
        stmt = stmt.where(Booking.status == status)
    return paginate(stmt.order_by(Booking.id), page=page, per_page=per_page)


# Moves -----------------------------------------------------------------------------------------

def _load_for_move(user: User, booking_id: int) -> tuple[Booking, str]:
    """The booking and the user's side in it, read again inside the move's unit of work."""
    booking = db.session.get(Booking, booking_id)
    side = _side(booking, user)
    if side is None:
        raise PermissionDenied()
    return booking, side


def _wrong_state(booking: Booking, action) -> InvalidState:
    return InvalidState(_l("You cannot %(action)s a booking that is %(status)s.", action=action,
                           status=status_label(booking.status)), details={"status": booking.status})


def _mentor_only(side: str) -> None:
    if side != "mentor":
        raise PermissionDenied(_l("Only the mentor can do that."), code="mentor_only")


def _run(func, user: User, booking_id: int, **kwargs) -> Booking:
    """Run a move in one unit of work holding the booking's mentor (its notifications go with it)."""
    booking = get_booking(user=user, booking_id=booking_id)
    with _mentor_unit(booking.mentor_id, booking.founder_id, booking.mentor.user_id):
        booking = func(user, booking_id, **kwargs)
    signals.booking_moved.send(booking.id)
    return booking


def confirm(*, mentor: User, booking_id: int) -> Booking:
    """The mentor approves a request (its seat is already held)."""
    def move(user, booking_id):
        booking, side = _load_for_move(user, booking_id)
        _mentor_only(side)
        if booking.status != BookingStatus.REQUESTED:
            raise _wrong_state(booking, _l("confirm"))
        if booking.ends_at <= utcnow():
            raise InvalidState(_l("This request is in the past."), code="in_past")
        booking.status, booking.confirmed_at = BookingStatus.CONFIRMED, utcnow()
        _changed(booking)
        _invite(booking, booking.founder, "booking_confirmed")
        _invite(booking, user, "booking_calendar_update")
        return booking
    return _run(move, mentor, booking_id)


def decline(*, mentor: User, booking_id: int, reason: str = "") -> Booking:
    """The mentor declines a request; the seat is freed."""
    def move(user, booking_id):
        booking, side = _load_for_move(user, booking_id)
        _mentor_only(side)
        if booking.status != BookingStatus.REQUESTED:
            raise _wrong_state(booking, _l("decline"))
        booking.status, booking.cancel_reason = BookingStatus.DECLINED, (reason or "").strip()[:500]
        _release(booking)
        _notify_promoted(_promote_waitlist(booking))
        _changed(booking)
        _invite(booking, booking.founder, "booking_declined")
        _invite(booking, user, "booking_calendar_cancel")
        return booking
    return _run(move, mentor, booking_id)


def cancel(*, actor: User, booking_id: int, reason: str = "") -> Booking:
    """Either side cancels a requested or confirmed booking before it starts; inside the window it is late."""
    def move(user, booking_id):
        booking, side = _load_for_move(user, booking_id)
        if booking.status not in ACTIVE_STATUSES:
            raise _wrong_state(booking, _l("cancel"))
        now = utcnow()
        if booking.starts_at <= now:
            raise InvalidState(_l("This session has already started."), code="already_started")
        window = timedelta(minutes=booking.session_type.cancellation_window_minutes)
        booking.late_cancellation = booking.status == BookingStatus.CONFIRMED and booking.starts_at - now < window
        booking.status, booking.cancelled_at, booking.cancelled_by_id = BookingStatus.CANCELLED, now, user.id
        booking.cancel_reason = (reason or "").strip()[:500]
        _release(booking)
        _notify_promoted(_promote_waitlist(booking))
        other = booking.mentor.user if side == "founder" else booking.founder
        _changed(booking)
        _invite(booking, other, "booking_cancelled", actor=user.name)
        _invite(booking, user, "booking_calendar_cancel")
        return booking
    return _run(move, actor, booking_id)


def _finish(actor: User, booking_id: int, status: str, action, *, mentor_only: bool = True) -> Booking:
    def move(user, booking_id):
        booking, side = _load_for_move(user, booking_id)
        if mentor_only:
            _mentor_only(side)
        if booking.status != BookingStatus.CONFIRMED and not (status == BookingStatus.NO_SHOW
                                                               and _no_show_reportable(booking)):
            raise _wrong_state(booking, action)
        if booking.starts_at > utcnow():
            raise InvalidState(_l("This session has not started yet."), code="not_started")
        booking.status = status
        if status == BookingStatus.NO_SHOW:
            booking.absent_side = "mentor" if side == "founder" else "founder"
        return booking
    return _run(move, actor, booking_id)


def _no_show_reportable(booking: Booking) -> bool:
    """A completed session (by the mentor or automatically at its end) may still be reported as a no-show until
    someone rates it, within the feedback's blind days."""
    return (booking.status == BookingStatus.COMPLETED and not booking.feedback
            and booking.ends_at + timedelta(days=FEEDBACK_BLIND_DAYS) > utcnow())


def no_show_open(booking: Booking, now: datetime | None = None) -> bool:
    """Whether a no-show may be reported now: a confirmed session that has started, or a completed one that
    nobody has rated yet (within the blind days)."""
    now = now or utcnow()
    if booking.status == BookingStatus.CONFIRMED:
        return booking.starts_at <= now
    return _no_show_reportable(booking)


def complete(*, mentor: User, booking_id: int) -> Booking:
    """The mentor marks a confirmed session that has started as completed."""
    return _finish(mentor, booking_id, BookingStatus.COMPLETED, _l("complete"))


def mark_no_show(*, actor: User, booking_id: int) -> Booking:
    """Either side records that the other did not come; it counts against the side that was absent. Also on a
    completed session nobody has rated yet (it was completed automatically at its end)."""
    return _finish(actor, booking_id, BookingStatus.NO_SHOW, _l("mark as no-show"), mentor_only=False)


def reschedule(*, actor: User, booking_id: int, starts_at: datetime) -> Booking:
    """Move a booking to another free slot in one transaction: the old seat is given back only if the new one holds.

    A founder moving a session that needs approval sends it back to the mentor for approval.
    """
    starts_at = _aligned(starts_at)

    def move(user, booking_id):
        booking, side = _load_for_move(user, booking_id)
        if booking.status not in ACTIVE_STATUSES:
            raise _wrong_state(booking, _l("reschedule"))
        if booking.starts_at <= utcnow():
            raise InvalidState(_l("This session has already started."), code="already_started")
        if starts_at == booking.starts_at:
            raise Invalid(details={"starts_at": [str(_l("Pick a different time."))]})
        session_type = booking.session_type
        _check_bookable(booking.mentor, session_type, starts_at, exclude_booking_id=booking.id)
        _check_calendars(actor=user, founder_id=booking.founder_id, mentor_user_id=booking.mentor.user_id,
                         starts_at=starts_at, ends_at=starts_at + timedelta(minutes=session_type.duration_minutes),
                         exclude_booking_id=booking.id)
        _release(booking)
        promoted = _promote_waitlist(booking)
        moved_from = booking.starts_at
        booking.starts_at = starts_at
        booking.ends_at = starts_at + timedelta(minutes=session_type.duration_minutes)
        db.session.flush()
        _occupy(booking, session_type)
        if side == "founder" and session_type.requires_approval:
            booking.status, booking.confirmed_at = BookingStatus.REQUESTED, None
        other = booking.mentor.user if side == "founder" else booking.founder
        _changed(booking)
        _invite(booking, other, "booking_rescheduled", actor=user.name)
        _invite(booking, user, "booking_calendar_update")
        if session_type.capacity > 1:  # the mentor's event for the occurrence the founder left changes too
            _invite(booking, booking.mentor.user, "booking_calendar_update", occurrence_at=moved_from)
        _notify_promoted(promoted)
        return booking
    return _run(move, actor, booking_id)


# Open-day waitlist -----------------------------------------------------------------------------

def join_waitlist(*, founder: User, session_type_id: int, starts_at: datetime, topic: str = "") -> WaitlistEntry:
    """Queue for a full group session; the first in line gets the next freed seat automatically."""
    if founder.role != Role.FOUNDER:
        raise PermissionDenied(_l("Only founders can book mentors."), code="founders_only")
    session_type = db.session.get(SessionType, session_type_id) if 0 < session_type_id < 2**31 else None
    if session_type is None or not session_type.is_active:
        raise NotFound(_l("Session type not found."))
    if session_type.capacity < 2:
        raise Invalid(_l("Only group sessions have a waitlist."), code="not_a_group_session")
    starts_at = _aligned(starts_at)
    found = slot_engine.compute_slots(session_type.mentor, session_type, starts_at, starts_at + timedelta(minutes=1),
                                      now=utcnow(), include_full=True)
    slot = next((s for s in found if s.starts_at == starts_at), None)
    if slot is None:
        raise Invalid(_l("The mentor is not available at that time."), code="not_available")
    if slot.seats_left > 0:
        raise Conflict(_l("There are seats left: book one instead."), code="seats_available")
    if db.session.scalar(select(exists().where(
            Booking.founder_id == founder.id, Booking.session_type_id == session_type.id,
            Booking.starts_at == starts_at, Booking.status.in_(ACTIVE_STATUSES)))):
        raise Conflict(_l("You have already booked this session."), code="already_booked")
    values = {"session_type_id": session_type.id, "starts_at": starts_at, "founder_id": founder.id,
              "topic": (topic or "").strip()}
    with uow.unit_of_work():
        entry = WaitlistEntry(**values)
        try:
            with db.session.begin_nested():
                db.session.add(entry)
        except IntegrityError:
            raise Conflict(_l("You are already on the waitlist."), code="already_waitlisted") from None
    return entry


def waitlist_position(entry: WaitlistEntry) -> int:
    return db.session.scalar(select(func.count(WaitlistEntry.id)).where(
        WaitlistEntry.session_type_id == entry.session_type_id, WaitlistEntry.starts_at == entry.starts_at,
        WaitlistEntry.booking_id.is_(None), WaitlistEntry.id <= entry.id)) or 0


def _promote_waitlist(freed: Booking) -> list[Booking]:
    """Give the seat `freed` left to the first founder in line (inside the caller's transaction)."""
    session_type = freed.session_type
    if session_type.capacity < 2 or freed.starts_at <= utcnow():
        return []
    entries = db.session.scalars(select(WaitlistEntry).where(
        WaitlistEntry.session_type_id == session_type.id, WaitlistEntry.starts_at == freed.starts_at,
        WaitlistEntry.booking_id.is_(None)).order_by(WaitlistEntry.id)).all()
    from app.conversations.meetings import calendar_clashes
    for entry in entries:
        if calendar_clashes(entry.founder_id, freed.starts_at, freed.ends_at):
            continue  # busy by now: the seat goes to the next in line
        status = BookingStatus.REQUESTED if session_type.requires_approval else BookingStatus.CONFIRMED
        booking = Booking(mentor_id=freed.mentor_id, session_type_id=session_type.id, founder_id=entry.founder_id,
                          starts_at=freed.starts_at, ends_at=freed.ends_at, topic=entry.topic, status=status,
                          confirmed_at=utcnow() if status == BookingStatus.CONFIRMED else None)
        db.session.add(booking)
        db.session.flush()
        _occupy(booking, session_type)
        entry.booking_id = booking.id
        return [booking]
    return []


def _notify_promoted(promoted: list[Booking]) -> None:
    for booking in promoted:
        if booking.status == BookingStatus.CONFIRMED:
            _invite(booking, booking.founder, "waitlist_promoted")
            _invite(booking, booking.mentor.user, "booking_created")
        else:
            _notify(booking, booking.founder, "waitlist_promoted", email=False)
            _notify(booking, booking.mentor.user, "booking_requested")


# Feedback ---------------------------------------------------------------------------------------

def give_feedback(*, author: User, booking_id: int, rating: int, comment: str = "") -> BookingFeedback:
    """One rating (1–5) and comment per side, once the session is completed."""
    with uow.unit_of_work():
        booking = get_booking(user=author, booking_id=booking_id)
        side = _side(booking, author)
        if side is None:
            raise PermissionDenied()
        if booking.status != BookingStatus.COMPLETED:
            raise InvalidState(_l("Feedback opens once the session is completed."), code="not_completed")
        if not 1 <= rating <= 5:
            raise Invalid(details={"rating": [str(_l("Give 1 to 5 stars."))]})
        feedback = BookingFeedback(booking_id=booking.id, side=side, author_id=author.id, rating=rating,
                                   comment=(comment or "").strip())
        try:
            with db.session.begin_nested():
                db.session.add(feedback)
        except IntegrityError:
            raise Conflict(_l("You have already given feedback on this session."), code="feedback_exists") from None
        other = booking.mentor.user if side == "founder" else booking.founder
        _notify(booking, other, "booking_feedback", author=author.name)
    return feedback


FEEDBACK_BLIND_DAYS = 7


def feedback_revealed(booking: Booking, now: datetime | None = None) -> bool:
    """Feedback is blind: each side's rating shows to the other once both have rated or 7 days have passed."""
    return ({f.side for f in booking.feedback} >= {"founder", "mentor"}
            or booking.ends_at + timedelta(days=FEEDBACK_BLIND_DAYS) <= (now or utcnow()))


def visible_feedback(booking: Booking, viewer) -> list[BookingFeedback]:
    """The feedback `viewer` may read: their own always, the other side's once revealed."""
    if feedback_revealed(booking):
        return list(booking.feedback)
    viewer_id = getattr(viewer, "id", None)
    return [f for f in booking.feedback if f.author_id == viewer_id]


# Labels and notifications ----------------------------------------------------------------------

STATUS_LABELS = {
    BookingStatus.REQUESTED: _l("awaiting approval"), BookingStatus.CONFIRMED: _l("confirmed"),
    BookingStatus.COMPLETED: _l("completed"), BookingStatus.CANCELLED: _l("cancelled"),
    BookingStatus.DECLINED: _l("declined"), BookingStatus.NO_SHOW: _l("no-show"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def _data(booking: Booking, **extra) -> dict:
    session_type = booking.session_type
    return {"booking_id": booking.id, "session": session_type.name, "mentor": booking.mentor.user.name,
            "founder": booking.founder.name, "starts_at": booking.starts_at.isoformat(),
            "where_kind": session_type.location_kind, "where_detail": session_type.location_detail, **extra}


def _notify(booking: Booking, user: User, kind: str, email: bool | None = None, **extra) -> None:
    """Notify inside the use case's unit of work (sent after its commit)."""
    notifications.notify(user=user, kind=kind, data=_data(booking, **extra), url=f"/sessions/{booking.id}",
                         email=email)


def _changed(booking: Booking) -> None:
    """A change calendars must apply: the invitation's SEQUENCE grows by one."""
    booking.ics_sequence = (booking.ics_sequence or 0) + 1
    db.session.flush()


def _invite(booking: Booking, user: User, kind: str, *, occurrence_at: datetime | None = None, **extra) -> None:
    """Notify `user` in-app and email them the booking's invitation as it stands now: REQUEST (add or update)
    or CANCEL, at the booking's current SEQUENCE. The .ics is made here, inside the change's unit of work, so
    a later change cannot alter what this email says; it is sent after the commit, at most once.

    The mentor of a group session has one event per occurrence, not one per seat: their invitation is the
    occurrence's (`calendar.occurrence_ics`: every founder with a seat, CANCEL once nobody has one), for
    `occurrence_at` (default: the booking's time), at the session type's growing SEQUENCE."""
    from app.mentoring import calendar

    db.session.flush()
    session_type = booking.session_type
    with force_locale(user_locale(user)):  # its description in the recipient's language
        if session_type.capacity > 1 and user.id == booking.mentor.user_id:
            session_type.ics_sequence = (session_type.ics_sequence or 0) + 1
            db.session.flush()
            method, raw = calendar.occurrence_ics(session_type, occurrence_at or booking.starts_at)
        else:
            method = calendar.invitation_method(booking)
            raw = calendar.booking_ics(booking, method)
    ics = base64.b64encode(raw).decode("ascii")
    if occurrence_at is not None:
        extra["starts_at"] = occurrence_at.isoformat()
    note = notifications.notify(user=user, kind=kind, data=_data(booking, **extra), url=f"/sessions/{booking.id}",
                                email=False)
    if user.is_active:
        uow.after_commit(jobs.enqueue, send_invitation_email, notification_id=note.id, ics=ics, method=method)


def send_invitation_email(*, notification_id: int, ics: str, method: str) -> bool:
    """Job: the notification's email with the invitation attached (`text/calendar; method=...`), sent at most
    once (claims `emailed_at`; a failed send gives the claim back)."""
    from app.notifications import email as mail
    from app.notifications.models import Notification

    with uow.unit_of_work():
        claimed = db.session.execute(update(Notification).where(Notification.id == notification_id,
                                                                Notification.emailed_at.is_(None))
                                     .values(emailed_at=utcnow()).execution_options(synchronize_session=False))
    if not claimed.rowcount:
        return False
    note = db.session.get(Notification, notification_id)
    user = db.session.get(User, note.user_id)
    msg = notifications.notification_email(note, user)
    msg.add_attachment(base64.b64decode(ics), maintype="text", subtype="calendar",
                       filename="cancel.ics" if method == "CANCEL" else "invite.ics",
                       params={"method": method, "charset": "utf-8"})
    if mail.deliver(msg):
        return True
    with uow.unit_of_work():
        db.session.execute(update(Notification).where(Notification.id == notification_id)
                           .values(emailed_at=None).execution_options(synchronize_session=False))
    return False


def count_active(mentor_profile_id: int) -> int:
    return db.session.scalar(select(func.count(Booking.id)).where(Booking.mentor_id == mentor_profile_id,
                                                                  Booking.status.in_(ACTIVE_STATUSES))) or 0
