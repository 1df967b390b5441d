"""Meeting offers and meetings: the founder offers 1–5 times, the investor accepts one (or declines).

- Only the founder who started the conversation offers times, to the other participant.
- Offered times must be in the future (at most 180 days ahead), 15 minutes to 8 hours long, must not overlap
  each other, and must not clash with the founder's calendar: their requested or confirmed mentor bookings and
  their confirmed meetings (a clash is a 409 `calendar_conflict` naming what it clashes with, per time).
- Accepting is one conditional UPDATE (`WHERE status = 'pending' AND last_starts_at > now`), so two clicks, tabs
  or people cannot accept twice; the meeting's UNIQUE offer_id backs it. Accepting re-checks both calendars
  with both people's rows locked, so two investors accepting the founder's overlapping offers at once cannot
  both get the time.
- An offer whose times have all passed reads as expired. Either side may cancel a confirmed meeting that has
  not ended; the other is notified. Reminders go out 24 h and 1 h before, once each.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from flask import current_app
from flask_babel import lazy_gettext as _l
from icalendar import Calendar, Event, vCalAddress, vText
from sqlalchemy import Select, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts import organisations
from app.accounts.models import User
from app.conversations import services
from app.conversations.models import (
    Conversation,
    Meeting,
    MeetingOffer,
    MeetingOfferTime,
    MeetingReminder,
    MeetingStatus,
    MessageKind,
    OfferStatus,
)
from app.core import uow
from app.core.db import utcnow
from app.core.errors import Conflict, Invalid, InvalidState, NotFound, PermissionDenied
from app.core.realtime import emit_to_user
from app.core.text import clean_text
from app.extensions import db
from app.mentoring.models import ACTIVE_STATUSES, Booking, MentorProfile
from app.notifications.kinds import format_time

log = logging.getLogger(__name__)

MAX_TIMES = 5
MIN_MINUTES, MAX_MINUTES = 15, 480
MAX_DAYS_AHEAD = 180
MAX_NOTE = 2000
REMINDERS = (("24h", timedelta(hours=24)), ("1h", timedelta(hours=1)))


# Calendar checks ---------------------------------------------------------------------------------

def calendar_clashes(user_id: int, starts_at: datetime, ends_at: datetime, *,
                     bookings: bool = True) -> list[dict]:
    """What in the user's calendar overlaps [starts_at, ends_at): active mentor bookings (as founder or mentor),
    confirmed meetings and open days (a seat, or mentoring one). Each item: kind, id, starts_at, ends_at, a
    `label` and a readable `text`."""
    clashes = []
    if bookings:
        profiles = select(MentorProfile.id).where(MentorProfile.user_id == user_id)
        rows = db.session.scalars(select(Booking).where(
            or_(Booking.founder_id == user_id, Booking.mentor_id.in_(profiles)),
            Booking.status.in_(ACTIVE_STATUSES), Booking.starts_at < ends_at, starts_at < Booking.ends_at)
            .order_by(Booking.starts_at))
        for b in rows:
            other = b.mentor.user.name if b.founder_id == user_id else b.founder.name
            clashes.append({"kind": "booking", "id": b.id, "starts_at": b.starts_at, "ends_at": b.ends_at,
                            "label": str(_l("Mentor session %(session)s with %(name)s", session=b.session_type.name,
                                            name=other)),
                            "text": str(_l("Clashes with your mentor session %(session)s with %(name)s (%(when)s).",
                                           session=b.session_type.name, name=other,
                                           when=format_time(b.starts_at, None, "short")))})
    meetings = db.session.scalars(select(Meeting).where(
        or_(Meeting.founder_id == user_id, Meeting.investor_id == user_id), Meeting.status == MeetingStatus.CONFIRMED,
        Meeting.starts_at < ends_at, starts_at < Meeting.ends_at).order_by(Meeting.starts_at))
    for m in meetings:
        other = m.investor.name if m.founder_id == user_id else m.founder.name
        clashes.append({"kind": "meeting", "id": m.id, "starts_at": m.starts_at, "ends_at": m.ends_at,
                        "label": str(_l("Meeting with %(name)s", name=other)),
                        "text": str(_l("Clashes with your meeting with %(name)s (%(when)s).", name=other,
                                       when=format_time(m.starts_at, None, "short")))})
    from app.mentoring.open_days import open_days_of
    for day in open_days_of(user_id, starts_at, ends_at):
        clashes.append({"kind": "open_day", "id": day.id, "starts_at": day.starts_at, "ends_at": day.ends_at,
                        "label": str(_l("Open day %(title)s", title=day.title)),
                        "text": str(_l("Clashes with the open day %(title)s (%(when)s).", title=day.title,
                                       when=format_time(day.starts_at, None, "short")))})
    return clashes


def check_times(founder: User, times: list[dict], *, now: datetime | None = None) -> list[tuple[datetime, int]]:
    """Validate offered times: `[{starts_at, duration_minutes}]` → `[(starts_at UTC, minutes)]`, or raise.

    Invalid (422) for shape and rules, Conflict (409, `calendar_conflict`) for clashes with the calendar;
    both with `details.times` keyed by the time's index.
    """
    now = now or utcnow()
    if not times or len(times) > MAX_TIMES:
        raise Invalid(details={"times": [str(_l("Offer between 1 and %(n)d times.", n=MAX_TIMES))]})
    errors: dict[str, list[str]] = {}
    slots = []
    for i, item in enumerate(times):
        start, minutes = item["starts_at"], item["duration_minutes"]
        if start.tzinfo is None:
            raise Invalid(details={"times": {str(i): [str(_l("Give the time with its time zone."))]}})
        try:
            start = start.astimezone(now.tzinfo).replace(second=0, microsecond=0)
        except (OverflowError, ValueError):  # e.g. year 1 with a positive offset
            raise Invalid(details={"times": {str(i): [str(_l("This time is out of range."))]}}) from None
        if start <= now:
            errors.setdefault(str(i), []).append(str(_l("This time has already passed.")))
        elif start > now + timedelta(days=MAX_DAYS_AHEAD):
            errors.setdefault(str(i), []).append(str(_l("Offer times at most %(n)d days ahead.", n=MAX_DAYS_AHEAD)))
        if not MIN_MINUTES <= minutes <= MAX_MINUTES:
            errors.setdefault(str(i), []).append(str(_l("A meeting lasts %(min)d to %(max)d minutes.",
                                                       min=MIN_MINUTES, max=MAX_MINUTES)))
        slots.append((start, minutes))
    for j, (start_j, minutes_j) in enumerate(slots):
        for i in range(j):
            start_i, minutes_i = slots[i]
            if start_i < start_j + timedelta(minutes=minutes_j) and start_j < start_i + timedelta(minutes=minutes_i):
                errors.setdefault(str(j), []).append(str(_l("Overlaps time %(n)d.", n=i + 1)))
                break
    if errors:
        raise Invalid(details={"times": errors})
    clashes = {}
    for i, (start, minutes) in enumerate(slots):
        found = calendar_clashes(founder.id, start, start + timedelta(minutes=minutes))
        if found:
            clashes[str(i)] = found
    if clashes:
        raise Conflict(_l("Some times clash with your calendar."), code="calendar_conflict",
                       details={"times": {i: [c["text"] for c in found] for i, found in clashes.items()},
                                "conflicts": [{"index": int(i), "kind": c["kind"], "id": c["id"],
                                               "starts_at": c["starts_at"].isoformat(),
                                               "ends_at": c["ends_at"].isoformat()}
                                              for i, found in clashes.items() for c in found]})
    return slots


def upcoming_commitments(user: User, *, days: int = 60) -> list[dict]:
    """The user's calendar for the offer form: active bookings and confirmed meetings of the coming days."""
    now = utcnow()
    return calendar_clashes(user.id, now, now + timedelta(days=days))


# Offers ------------------------------------------------------------------------------------------

def may_offer(user: User, conversation) -> bool:
    return user.id == conversation.started_by_id


def make_offer(*, founder: User, conversation_id: int, times: list[dict], location: str = "",
               note: str = "") -> MeetingOffer:
    """The founder who started the conversation offers 1–5 times to the other participant."""
    conversation = services.get_conversation(user=founder, conversation_id=conversation_id)
    if not may_offer(founder, conversation):
        raise PermissionDenied(_l("Only the founder who started this conversation offers meeting times."),
                               code="cannot_offer")
    location = (location or "").strip()
    note = clean_text(note, limit=MAX_NOTE, field="note") if (note or "").strip() else ""
    if len(location) > 500:
        raise Invalid(details={"location": [str(_l("Keep it to %(n)d characters.", n=500))]})
    slots = check_times(founder, times)
    conversation_id, founder_id, investor_id = conversation.id, founder.id, conversation.other_id(founder.id)
    with uow.unit_of_work():
        conversation = db.session.get(Conversation, conversation_id)
        offer = MeetingOffer(conversation_id=conversation_id, founder_id=founder_id, investor_id=investor_id,
                             location=location, note=note, last_starts_at=max(s for s, _m in slots))
        offer.times = [MeetingOfferTime(starts_at=s, duration_minutes=m, ends_at=s + timedelta(minutes=m))
                       for s, m in slots]
        db.session.add(offer)
        db.session.flush()
        message = services.add_message(conversation, author_id=founder_id, kind=MessageKind.OFFER, body=note,
                                       offer_id=offer.id)
        uow.after_commit(services.push_message, conversation, message)
        services.notify_safely(db.session.get(User, investor_id), "meeting_offered",
                               {"founder": founder.name, "times": [s.isoformat() for s, _m in sorted(slots)],
                                "offer_id": offer.id, "conversation_id": conversation.id},
                               url=f"/conversations/{conversation.id}#offer-{offer.id}")
    return offer


def get_offer(*, user: User, offer_id: int) -> MeetingOffer:
    offer = db.session.get(MeetingOffer, offer_id) if organisations.valid_id(offer_id) else None
    if offer is None:
        raise NotFound(_l("Meeting offer not found."), code="offer_not_found")
    if user.id not in (offer.founder_id, offer.investor_id):
        raise PermissionDenied(_l("Only the two people in this conversation can see the offer."),
                               code="not_a_participant")
    return offer


def _invitee_offer(user: User, offer_id: int) -> MeetingOffer:
    offer = get_offer(user=user, offer_id=offer_id)
    if user.id != offer.investor_id:
        raise PermissionDenied(_l("Only the person the times were offered to can answer."), code="not_the_invitee")
    status = offer.effective_status()
    if status != OfferStatus.PENDING:
        raise _answered(status)
    return offer


def _answered(status: str) -> InvalidState:
    messages = {OfferStatus.ACCEPTED: _l("This offer was already accepted."),
                OfferStatus.DECLINED: _l("This offer was already declined."),
                OfferStatus.EXPIRED: _l("This offer has expired: all its times have passed.")}
    return InvalidState(messages.get(status, _l("This offer was already answered.")), code=f"offer_{status}")


def _claim(offer_id: int, status: str, **values) -> None:
    """The conditional UPDATE that answers a pending, unexpired offer exactly once."""
    now = utcnow()
    claimed = db.session.execute(
        update(MeetingOffer).where(MeetingOffer.id == offer_id, MeetingOffer.status == OfferStatus.PENDING,
                                   MeetingOffer.last_starts_at > now)
        .values(status=status, responded_at=now, **values).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        offer = db.session.get(MeetingOffer, offer_id)
        db.session.refresh(offer)
        raise _answered(offer.effective_status())


def accept_offer(*, investor: User, offer_id: int, starts_at: datetime) -> Meeting:
    """The investor accepts one of the offered times: a confirmed meeting for both."""
    offer = _invitee_offer(investor, offer_id)
    try:
        starts_at = starts_at.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        starts_at = None
    chosen = next((t for t in offer.times if t.starts_at == starts_at), None)
    if chosen is None:
        raise Conflict(_l("That time is not one of the offered times."), code="time_not_offered")
    if chosen.starts_at <= utcnow():
        raise Conflict(_l("That time has already passed. Choose a later one."), code="time_passed")
    offer_id, founder_id, investor_id = offer.id, offer.founder_id, investor.id
    start, end = chosen.starts_at, chosen.ends_at
    # Both people are locked first (PostgreSQL row locks, in id order; SQLite's write lock covers them): two
    # investors accepting the same founder's overlapping times at once then check the founder's calendar one
    # after the other, and the second sees the first's meeting.
    with uow.unit_of_work(lock=[(User, founder_id), (User, investor_id)]):
        clashes = (calendar_clashes(founder_id, start, end)
                   + calendar_clashes(investor_id, start, end, bookings=False))
        if clashes:
            raise Conflict(_l("That time is no longer free: %(what)s", what=" ".join(c["text"] for c in clashes)),
                           code="time_unavailable", details={"conflicts": [{"kind": c["kind"], "id": c["id"]}
                                                                           for c in clashes]})
        _claim(offer_id, OfferStatus.ACCEPTED)
        offer = db.session.get(MeetingOffer, offer_id)
        meeting = Meeting(offer_id=offer.id, conversation_id=offer.conversation_id, founder_id=offer.founder_id,
                          investor_id=offer.investor_id, starts_at=start, ends_at=end, location=offer.location,
                          note=offer.note)
        try:
            with db.session.begin_nested():
                db.session.add(meeting)
        except IntegrityError:
            raise _answered(OfferStatus.ACCEPTED) from None
        message = services.add_message(offer.conversation, author_id=investor_id, kind=MessageKind.EVENT,
                                       data={"action": "accepted", "starts_at": start.isoformat(),
                                             "meeting_id": meeting.id}, offer_id=offer.id)
        _after(offer, message)
        _invite(meeting, offer.founder, "meeting_accepted", investor=investor.name)
        _invite(meeting, investor, "meeting_calendar_update", other=offer.founder.name)
    return meeting


def decline_offer(*, investor: User, offer_id: int, reason: str = "") -> MeetingOffer:
    """The investor declines all the offered times."""
    offer = _invitee_offer(investor, offer_id)
    reason = (reason or "").strip()[:500]
    with uow.unit_of_work():
        _claim(offer_id, OfferStatus.DECLINED, decline_reason=reason)
        offer = db.session.get(MeetingOffer, offer_id)
        db.session.refresh(offer)
        message = services.add_message(offer.conversation, author_id=investor.id, kind=MessageKind.EVENT,
                                       body=reason, data={"action": "declined"}, offer_id=offer.id)
        _after(offer, message)
        services.notify_safely(offer.founder, "meeting_declined", {"investor": investor.name, "offer_id": offer.id},
                               url=f"/conversations/{offer.conversation_id}")
    return offer


def _after(offer: MeetingOffer, message) -> None:
    """After the commit: push the thread event and the offer's new state to both participants."""
    uow.after_commit(services.push_message, offer.conversation, message)
    uow.after_commit(_push_offer, offer.id)


def _push_offer(offer_id: int) -> None:
    offer = db.session.get(MeetingOffer, offer_id)
    state = {"offer_id": offer.id, "conversation_id": offer.conversation_id, "status": offer.effective_status()}
    for user_id in (offer.founder_id, offer.investor_id):
        try:
            emit_to_user(user_id, "conversation:offer", state)
        except Exception:
            log.exception("could not push the state of offer %s", offer.id)


# Meetings ----------------------------------------------------------------------------------------

def get_meeting(*, user: User, meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id) if organisations.valid_id(meeting_id) else None
    if meeting is None:
        raise NotFound(_l("Meeting not found."), code="meeting_not_found")
    if user.id not in (meeting.founder_id, meeting.investor_id):
        raise PermissionDenied(_l("Only the two people meeting can see it."), code="not_a_participant")
    return meeting


def list_meetings(*, user: User, scope: str = "upcoming") -> Select:
    """The user's meetings: `upcoming` (confirmed, not ended; soonest first), `past` (ended or cancelled;
    latest first) or `all`."""
    now = utcnow()
    stmt = select(Meeting).where(or_(Meeting.founder_id == user.id, Meeting.investor_id == user.id))
    if scope == "upcoming":
        return stmt.where(Meeting.status == MeetingStatus.CONFIRMED, Meeting.ends_at > now).order_by(
            Meeting.starts_at, Meeting.id)
    if scope == "past":
        stmt = stmt.where(or_(Meeting.status != MeetingStatus.CONFIRMED, Meeting.ends_at <= now))
    return stmt.order_by(Meeting.starts_at.desc(), Meeting.id.desc())


def cancel_meeting(*, actor: User, meeting_id: int, reason: str = "") -> Meeting:
    """Either side cancels a confirmed meeting that has not ended; the other is told."""
    meeting = get_meeting(user=actor, meeting_id=meeting_id)
    if meeting.status != MeetingStatus.CONFIRMED:
        raise InvalidState(_l("This meeting is already cancelled."), code="meeting_cancelled")
    if meeting.ends_at <= utcnow():
        raise InvalidState(_l("This meeting is over; it can no longer be cancelled."), code="meeting_over")
    reason = (reason or "").strip()[:500]
    actor_id = actor.id
    with uow.unit_of_work():
        now = utcnow()
        changed = db.session.execute(
            update(Meeting).where(Meeting.id == meeting_id, Meeting.status == MeetingStatus.CONFIRMED)
            .values(status=MeetingStatus.CANCELLED, cancelled_by_id=actor_id, cancelled_at=now,
                    cancel_reason=reason, updated_at=now).execution_options(synchronize_session=False)).rowcount
        if changed != 1:
            raise InvalidState(_l("This meeting is already cancelled."), code="meeting_cancelled")
        meeting = db.session.get(Meeting, meeting_id)
        db.session.refresh(meeting)
        message = services.add_message(meeting.conversation, author_id=actor_id, kind=MessageKind.EVENT,
                                       body=reason, data={"action": "cancelled",
                                                          "starts_at": meeting.starts_at.isoformat(),
                                                          "meeting_id": meeting.id}, offer_id=meeting.offer_id)
        uow.after_commit(services.push_message, meeting.conversation, message)
        other = meeting.investor if actor_id == meeting.founder_id else meeting.founder
        _invite(meeting, other, "meeting_cancelled", actor=actor.name)
        _invite(meeting, actor, "meeting_calendar_cancel", other=other.name)
    return meeting


def _invite(meeting: Meeting, user: User, kind: str, **extra) -> None:
    """Notify `user` (in the caller's unit of work) and email them the meeting's invitation as it stands: REQUEST
    while confirmed, CANCEL once cancelled, made now in their language and sent once after the commit."""
    import base64

    from flask_babel import force_locale

    from app.core import jobs
    from app.mentoring.bookings import send_invitation_email
    from app.notifications import services as notifications
    from app.notifications.kinds import user_locale

    method = "CANCEL" if meeting.status == MeetingStatus.CANCELLED else "REQUEST"
    with force_locale(user_locale(user)):
        ics = base64.b64encode(meeting_ics(meeting, method)).decode("ascii")
    data = {"starts_at": meeting.starts_at.isoformat(), "meeting_id": meeting.id, **extra}
    note = notifications.notify(user=user, kind=kind, data=data, url=f"/conversations/{meeting.conversation_id}",
                                email=False)
    if user.is_active:
        uow.after_commit(jobs.enqueue, send_invitation_email, notification_id=note.id, ics=ics, method=method)


def meeting_event(meeting: Meeting) -> Event:
    """The meeting as a VEVENT (the founder organises, the investor attends; cancelled ones say so). UID
    `meeting-<id>@fuhua`; SEQUENCE 0 when confirmed, 1 once cancelled (a meeting's only change: it is never moved,
    a new time is a new offer)."""
    site = current_app.config["SITE_URL"].rstrip("/")
    event = Event()
    event.add("uid", f"meeting-{meeting.id}@fuhua")
    event.add("dtstamp", utcnow())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", f"Fuhua: {meeting.founder.name} / {meeting.investor.name}")
    link = f"{site}/conversations/{meeting.conversation_id}"
    event.add("description", f"{meeting.note}\n\n{link}".strip())
    event.add("url", link)
    event.add("location", vText(meeting.location or link))
    event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
    event.add("sequence", 1 if meeting.status == MeetingStatus.CANCELLED else 0)
    organizer = vCalAddress(f"mailto:{meeting.founder.email}")
    organizer.params["cn"] = vText(meeting.founder.name)
    event["organizer"] = organizer
    for person in (meeting.founder, meeting.investor):
        attendee = vCalAddress(f"mailto:{person.email}")
        attendee.params["cn"] = vText(person.name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("DECLINED" if meeting.status == MeetingStatus.CANCELLED
                                            and meeting.cancelled_by_id == person.id else "ACCEPTED")
        event.add("attendee", attendee, encode=0)
    return event


def meeting_ics(meeting: Meeting, method: str = "PUBLISH") -> bytes:
    """The meeting as an iCalendar file: PUBLISH (a download), REQUEST (the invitation) or CANCEL (cancelled ones
    say so, so calendars remove them)."""
    cal = Calendar()
    cal.add("prodid", "-//Fuhua//Meetings//EN")
    cal.add("version", "2.0")
    cal.add("method", method)
    cal.add_component(meeting_event(meeting))
    return cal.to_ical()


# Reminders ---------------------------------------------------------------------------------------

def _claim_reminder(meeting_id: int, kind: str, send: bool = True) -> bool:
    """Insert the reminder's row and, when `send`, notify both people in the same unit of work; False when
    another run already claimed it (nothing is sent then)."""
    with uow.unit_of_work():
        try:
            with db.session.begin_nested():
                db.session.add(MeetingReminder(meeting_id=meeting_id, kind=kind))
        except IntegrityError:
            return False
        if send:
            _send_reminder(db.session.get(Meeting, meeting_id), kind)
    return True


def _send_reminder(meeting: Meeting, kind: str) -> None:
    for user, other in ((meeting.founder, meeting.investor), (meeting.investor, meeting.founder)):
        services.notify_safely(user, f"meeting_reminder_{kind}",
                               {"other": other.name, "starts_at": meeting.starts_at.isoformat(),
                                "meeting_id": meeting.id}, url=f"/conversations/{meeting.conversation_id}")


def send_due_reminders(*, now: datetime | None = None) -> int:
    """Send every meeting reminder due now (24 h and 1 h before), each exactly once. Returns how many."""
    now = now or utcnow()
    sent = 0
    for kind, lead in REMINDERS:
        due = db.session.scalars(
            select(Meeting.id).where(Meeting.status == MeetingStatus.CONFIRMED, Meeting.starts_at > now,
                                     Meeting.starts_at <= now + lead)
            .where(~select(MeetingReminder.id).where(MeetingReminder.meeting_id == Meeting.id,
                                                     MeetingReminder.kind == kind).exists())).all()
        for meeting_id in due:
            meeting = db.session.get(Meeting, meeting_id)
            short_notice = kind == "24h" and meeting.starts_at - now <= timedelta(hours=1)
            # claimed either way; sent unless another run sent it, or only the 1 h reminder matters
            if _claim_reminder(meeting_id, kind, send=not short_notice) and not short_notice:
                sent += 1
    log.info("sent %d meeting reminders", sent)
    return sent
