"""Socket.IO handlers of the mentoring session rooms (`booking:<id>`), for the booking's two sides only."""
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import join_room, leave_room

from app.core.errors import PermissionDenied
from app.core.hostile import checked_payload
from app.core.realtime import ok
from app.extensions import socketio
from app.mentoring import room


def _user():
    if not current_user.is_authenticated:
        raise PermissionDenied(_("Please sign in first."), code="unauthorized")
    return current_user._get_current_object()


def _int(data, key) -> int:
    try:
        value = int((data or {}).get(key))
    except (TypeError, ValueError):
        value = 0
    return value


@socketio.on("session:join")
@checked_payload
def on_join(data):
    """A participant opens the session room: ack with messages, notes and action items; joins `booking:<id>`."""
    booking_id = _int(data, "booking_id")
    state = room.room_state(user=_user(), booking_id=booking_id)
    join_room(room.room_name(booking_id))
    return ok(**state)


@socketio.on("session:leave")
@checked_payload
def on_leave(data):
    """Leave the room (no broadcast)."""
    leave_room(room.room_name(_int(data, "booking_id")))
    return ok()


@socketio.on("session:chat")
@checked_payload
def on_chat(data):
    """A participant posts a message; `session:message` goes to the room."""
    body = str((data or {}).get("body", ""))
    message = room.post_message(user=_user(), booking_id=_int(data, "booking_id"), body=body)
    return ok(message=room.message_payload(message))


@socketio.on("session:notes")
@checked_payload
def on_notes(data):
    """A participant saves the shared notes; `session:notes` goes to the room."""
    room.save_notes(user=_user(), booking_id=_int(data, "booking_id"), notes=str((data or {}).get("notes", "")))
    return ok()


@socketio.on("session:item_add")
@checked_payload
def on_item_add(data):
    """Add an action item; `session:item` goes to the room."""
    item = room.add_item(user=_user(), booking_id=_int(data, "booking_id"), text=str((data or {}).get("text", "")))
    return ok(item=room.item_payload(item))


@socketio.on("session:item_done")
@checked_payload
def on_item_done(data):
    """Tick or untick an action item; `session:item` goes to the room."""
    item = room.set_item_done(user=_user(), item_id=_int(data, "item_id"), done=bool((data or {}).get("done")))
    return ok(item=room.item_payload(item))
