"""Socket.IO handlers of the mentoring session rooms (`booking:<id>`), for the booking's two sides only."""
from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import join_room, leave_room

from app.core.errors import PermissionDenied
from app.core.hostile import checked_payload
from app.core.realtime import ok
from app.extensions import socketio
from app.mentoring import notes, room


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
    """A participant opens the session room: ack with messages, the notes' text and action items; joins
    `booking:<id>`."""
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


@socketio.on("notes:sync")
@checked_payload
def on_notes_sync(data):
    """Yjs sync with the shared notes: `{booking_id, state_vector}` → ack `{update, state_vector, text}` (what the
    client lacks and the server's state vector, so the client can send back what the server lacks)."""
    state = notes.sync(user=_user(), booking_id=_int(data, "booking_id"), state_vector=(data or {}).get("state_vector"))
    return ok(**state)


@socketio.on("notes:update")
@checked_payload
def on_notes_update(data):
    """A Yjs update of the shared notes `{booking_id, update}`: merged and saved; `notes:update` (the new part)
    goes to the rest of the room."""
    notes.apply_update(user=_user(), booking_id=_int(data, "booking_id"), update=(data or {}).get("update"),
                       sid=request.sid)
    return ok()


@socketio.on("notes:awareness")
@checked_payload
def on_notes_awareness(data):
    """A Yjs awareness update (cursor, selection, name) `{booking_id, update}`: relayed to the rest of the room as
    `notes:awareness`, not stored."""
    notes.relay_awareness(user=_user(), booking_id=_int(data, "booking_id"), update=(data or {}).get("update"),
                          sid=request.sid)
    return ok()


@socketio.on("session:item_add")
@checked_payload
def on_item_add(data):
    """Add an action item; `session:item` goes to every room that shows it."""
    item = room.add_item(user=_user(), booking_id=_int(data, "booking_id"), text=str((data or {}).get("text", "")))
    return ok(item=room.item_payload(item))


@socketio.on("session:item_done")
@checked_payload
def on_item_done(data):
    """Tick or untick an action item `{item_id, done, booking_id}` from the room of `booking_id` (default: the
    item's own session); `session:item` goes to every room that shows it."""
    booking_id = _int(data, "booking_id") or None
    item = room.set_item_done(user=_user(), item_id=_int(data, "item_id"), done=bool((data or {}).get("done")),
                              booking_id=booking_id)
    return ok(item=room.item_payload(item, room_booking_id=booking_id))
