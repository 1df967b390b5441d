"""The session room of a booking: live chat, shared notes, action items, and the brief before the meeting.

Only the booking's founder and mentor may read or write it. Open action items of earlier sessions between the
same founder and mentor carry over into the next booking (copied, with `carried_from_id`), once.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

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
    """The booking if `user` is its founder or mentor (admins do not read private sessions)."""
    booking = get_booking(user=user, booking_id=booking_id)
    if user.id not in (booking.founder_id, booking.mentor.user_id):
        raise NotFound(_l("Booking not found."))
    return booking


def message_payload(message: SessionMessage) -> dict:
    return {"id": message.id, "booking_id": message.booking_id, "body": message.body,
            "user": {"id": message.user_id, "name": message.user.name if message.user else ""},
            "created_at": message.created_at.isoformat()}


def item_payload(item: ActionItem) -> dict:
    return {"id": item.id, "booking_id": item.booking_id, "text": item.text, "is_done": item.is_done,
            "carried_over": item.carried_from_id is not None}


def carry_over(booking: Booking) -> None:
    """Copy the open action items of this founder's earlier sessions with this mentor into `booking` (once)."""
    earlier = db.session.scalars(
        select(ActionItem).join(Booking, Booking.id == ActionItem.booking_id)
        .where(Booking.founder_id == booking.founder_id, Booking.mentor_id == booking.mentor_id,
               Booking.starts_at < booking.starts_at, Booking.id != booking.id, ActionItem.is_done.is_(False))
        .order_by(ActionItem.id)).all()
    already = set(db.session.scalars(select(ActionItem.carried_from_id).where(ActionItem.booking_id == booking.id)))
    for item in earlier:
        origin = item.carried_from_id or item.id
        if origin not in already and item.booking_id != booking.id:
            db.session.add(ActionItem(booking_id=booking.id, text=item.text, created_by_id=item.created_by_id,
                                      carried_from_id=origin))
            already.add(origin)


def room_state(*, user: User, booking_id: int) -> dict:
    """What a participant sees on joining: the last messages, the notes and the action items."""
    booking = participant_booking(user, booking_id)
    if booking.status in (BookingStatus.REQUESTED, BookingStatus.CONFIRMED):
        with uow.unit_of_work():
            carry_over(booking)
    messages = db.session.scalars(select(SessionMessage).where(SessionMessage.booking_id == booking.id)
                                  .order_by(SessionMessage.id.desc()).limit(HISTORY)).all()
    items = db.session.scalars(select(ActionItem).where(ActionItem.booking_id == booking.id)
                               .order_by(ActionItem.id)).all()
    return {"messages": [message_payload(m) for m in reversed(messages)], "notes": booking.notes,
            "action_items": [item_payload(i) for i in items]}


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


def save_notes(*, user: User, booking_id: int, notes: str) -> Booking:
    participant_booking(user, booking_id)
    if len(notes or "") > MAX_NOTES:
        raise Invalid(details={"notes": [str(_l("Keep notes under %(n)d characters.", n=MAX_NOTES))]})
    with uow.unit_of_work():
        booking = participant_booking(user, booking_id)
        booking.notes = notes or ""
        uow.after_commit(_emit, booking.id, "session:notes",
                         lambda: {"booking_id": booking.id, "notes": booking.notes,
                                  "user": {"id": user.id, "name": user.name}})
    return booking


def add_item(*, user: User, booking_id: int, text: str) -> ActionItem:
    participant_booking(user, booking_id)
    text = (text or "").strip()
    if not text or len(text) > 500:
        raise Invalid(details={"text": [str(_l("Write 1 to %(n)d characters.", n=500))]})
    with uow.unit_of_work():
        booking = participant_booking(user, booking_id)
        item = ActionItem(booking_id=booking.id, text=text, created_by_id=user.id)
        db.session.add(item)
        db.session.flush()
        uow.after_commit(_emit, booking.id, "session:item", lambda: item_payload(item))
    return item


def set_item_done(*, user: User, item_id: int, done: bool) -> ActionItem:
    with uow.unit_of_work():
        item = db.session.get(ActionItem, item_id) if 0 < item_id < 2**31 else None
        if item is None:
            raise NotFound(_l("Action item not found."))
        participant_booking(user, item.booking_id)
        item.is_done, item.done_at = bool(done), utcnow() if done else None
        uow.after_commit(_emit, item.booking_id, "session:item", lambda: item_payload(item))
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
