"""The session room of a booking: live chat, shared notes, action items, and the brief before the meeting.

Only the booking's founder and mentor (and admins) may read or write it. The shared notes are a Yjs document
(`app.mentoring.notes`). An action item is one item across the founder's sessions with the mentor: it shows in
every later session while it is open, and once ticked done, in whichever session, it is done everywhere.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from app.accounts.models import User
from app.core import uow
from app.core.db import utcnow
from app.core.errors import Invalid, NotFound
from app.core.realtime import emit_to_room
from app.extensions import db
from app.mentoring.bookings import get_booking
from app.mentoring.models import ActionItem, Booking, BookingStatus, SessionMessage

MAX_MESSAGE = 2000
MAX_NOTES = 20000
HISTORY = 200


def room_name(booking_id: int) -> str:
    return f"booking:{booking_id}"


def participant_booking(user: User, booking_id: int) -> Booking:
    """The booking if `user` is its founder or mentor, or an admin; NotFound otherwise."""
    return get_booking(user=user, booking_id=booking_id)


def message_payload(message: SessionMessage) -> dict:
    return {"id": message.id, "booking_id": message.booking_id, "body": message.body,
            "user": {"id": message.user_id, "name": message.user.name if message.user else ""},
            "created_at": message.created_at.isoformat()}


def item_payload(item: ActionItem, *, room_booking_id: int | None = None) -> dict:
    """An item as the room of `room_booking_id` (default: its own session's) shows it."""
    room_booking_id = room_booking_id or item.booking_id
    return {"id": item.id, "booking_id": item.booking_id, "room_booking_id": room_booking_id, "text": item.text,
            "is_done": item.is_done, "carried_over": item.booking_id != room_booking_id,
            "done_in_booking_id": item.done_in_booking_id}


def _earlier_sessions(booking: Booking):
    """The ids of this founder's sessions with this mentor that started before `booking` (a subquery)."""
    return (select(Booking.id).where(Booking.founder_id == booking.founder_id, Booking.mentor_id == booking.mentor_id,
                                     Booking.starts_at < booking.starts_at, Booking.id != booking.id)
            .scalar_subquery())


def session_items(booking: Booking) -> list[ActionItem]:
    """The items a session shows: its own, and those of earlier sessions with the same founder and mentor that
    are still open or were ticked done in this one."""
    carried = and_(ActionItem.booking_id.in_(_earlier_sessions(booking)),
                   or_(ActionItem.is_done.is_(False), ActionItem.done_in_booking_id == booking.id))
    return list(db.session.scalars(select(ActionItem).where(or_(ActionItem.booking_id == booking.id, carried))
                                   .order_by(ActionItem.id)))


def _rooms_showing(item: ActionItem) -> list[int]:
    """The sessions whose room shows `item`: its own and the later ones of the same founder and mentor."""
    own = db.session.get(Booking, item.booking_id)
    return list(db.session.scalars(
        select(Booking.id).where(Booking.founder_id == own.founder_id, Booking.mentor_id == own.mentor_id,
                                 or_(Booking.id == own.id, Booking.starts_at > own.starts_at))
        .order_by(Booking.starts_at)))


def _emit_item(item: ActionItem) -> None:
    """After the commit: the item to every room that shows it (each with its own view of it)."""
    for room_booking_id in _rooms_showing(item):
        emit_to_room(room_name(room_booking_id), "session:item", item_payload(item, room_booking_id=room_booking_id))


def room_state(*, user: User, booking_id: int) -> dict:
    """What a participant sees on joining: the last messages, the notes' text and the action items."""
    booking = participant_booking(user, booking_id)
    messages = db.session.scalars(select(SessionMessage).where(SessionMessage.booking_id == booking.id)
                                  .order_by(SessionMessage.id.desc()).limit(HISTORY)).all()
    return {"messages": [message_payload(m) for m in reversed(messages)], "notes": booking.notes,
            "action_items": [item_payload(i, room_booking_id=booking.id) for i in session_items(booking)]}


def post_message(*, user: User, booking_id: int, body: str) -> SessionMessage:
    participant_booking(user, booking_id)
    body = (body or "").strip()
    if not body or len(body) > MAX_MESSAGE:
        raise Invalid(details={"body": [str(_l("Write 1 to %(n)d characters.", n=MAX_MESSAGE))]})
    with uow.unit_of_work():
        booking = participant_booking(user, booking_id)
        message = SessionMessage(booking_id=booking.id, user_id=user.id, body=body)
        db.session.add(message)
        db.session.flush()
        uow.after_commit(_emit, booking.id, "session:message", lambda: message_payload(message))
    return message


def _emit(booking_id: int, event: str, payload) -> None:
    """After the commit: `event` to the session's room (`payload` is built then, from the saved rows)."""
    emit_to_room(room_name(booking_id), event, payload())


def add_item(*, user: User, booking_id: int, text: str) -> ActionItem:
    """Add an action item to a session; `session:item` goes to every room that shows it."""
    participant_booking(user, booking_id)
    text = (text or "").strip()
    if not text or len(text) > 500:
        raise Invalid(details={"text": [str(_l("Write 1 to %(n)d characters.", n=500))]})
    with uow.unit_of_work():
        booking = participant_booking(user, booking_id)
        item = ActionItem(booking_id=booking.id, text=text, created_by_id=user.id)
        db.session.add(item)
        db.session.flush()
        uow.after_commit(_emit_item, item)
    return item


def set_item_done(*, user: User, item_id: int, done: bool, booking_id: int | None = None) -> ActionItem:
    """Tick (or untick) an item, from the room of `booking_id` (default: its own session): done there, done
    everywhere; `session:item` goes to every room that shows it."""
    with uow.unit_of_work():
        item = db.session.get(ActionItem, item_id) if 0 < item_id < 2**31 else None
        if item is None:
            raise NotFound(_l("Action item not found."))
        own = participant_booking(user, item.booking_id)
        where = participant_booking(user, booking_id) if booking_id else own
        if item not in session_items(where):
            raise NotFound(_l("Action item not found."))
        item.is_done, item.done_at = bool(done), utcnow() if done else None
        item.done_in_booking_id = where.id if done else None
        uow.after_commit(_emit_item, item)
    return item


def brief(booking: Booking) -> dict:
    """The continuity brief: the startup, and the notes and open items of earlier sessions with this mentor."""
    earlier = db.session.scalars(
        select(Booking).where(Booking.founder_id == booking.founder_id, Booking.mentor_id == booking.mentor_id,
                              Booking.starts_at < booking.starts_at, Booking.id != booking.id,
                              Booking.status.in_([BookingStatus.COMPLETED, BookingStatus.CONFIRMED]))
        .order_by(Booking.starts_at.desc()).limit(5)).all()
    open_items = db.session.scalars(
        select(ActionItem).join(Booking, Booking.id == ActionItem.booking_id)
        .where(Booking.id.in_([b.id for b in earlier] or [0]), ActionItem.is_done.is_(False))).all()
    return {"startup": booking.startup, "earlier": earlier, "open_items": open_items}
