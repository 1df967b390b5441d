"""Shared notes of a session room, edited together: one Yjs document per booking, merged with pycrdt.

Each side's browser edits its own Yjs copy and sends what it changed as Yjs updates (`notes:update`). The server
merges every update into the stored document under the booking's lock (so two writers queue instead of
overwriting each other), saves the document and its plain text, then passes what was new on to the room. A
client that (re)joins syncs by state vector (`notes:sync`): it gets what it lacks and the server's state vector,
and sends back what the server lacks. Concurrent edits merge as CRDT updates do: nobody's words are lost.
Cursors and selections (Yjs awareness) are relayed to the room and never stored.
"""
from __future__ import annotations

import json

from flask_babel import lazy_gettext as _l
from pycrdt import Decoder, Doc, Text, write_var_uint

from app.accounts.models import User
from app.core import uow
from app.core.errors import AppError, Invalid
from app.extensions import db, socketio
from app.mentoring.models import Booking, SessionNotes
from app.mentoring.room import MAX_NOTES, participant_booking, room_name

TEXT_NAME = "notes"                   # the Y.Text both the browser and the server edit
MAX_UPDATE_BYTES = 256 * 1024         # one update (the browser sends its edits every fraction of a second)
MAX_DOC_BYTES = 2 * 1024 * 1024       # the whole stored document, history of deletions included
MAX_STATE_VECTOR_BYTES = 64 * 1024
MAX_AWARENESS_BYTES = 8 * 1024
MAX_AWARENESS_CLIENTS = 8             # states in one awareness update (a tab sends its own)
PEER_COLOURS = 6                      # cm-yPeer-0 … 5 (static/css/app.css)


class NotesTooLarge(AppError):
    status_code, code = 413, "notes_too_large"


def _binary(value, *, field: str, limit: int) -> bytes:
    if not isinstance(value, (bytes, bytearray)):
        raise Invalid(details={field: [str(_l("Send binary data."))]})
    if len(value) > limit:
        raise NotesTooLarge(_l("The notes are too long."))
    return bytes(value)


def notes_text(doc: Doc) -> str:
    """The document's text."""
    return str(doc.get(TEXT_NAME, type=Text))


def load_doc(ydoc: bytes | None, *, legacy_text: str = "") -> Doc:
    """A document from its stored state; with no state, one holding the notes written before they were Yjs."""
    doc = Doc()
    if ydoc:
        doc.apply_update(ydoc)
    elif legacy_text:
        doc.get(TEXT_NAME, type=Text).insert(0, legacy_text)
    return doc


def _stored_doc(booking: Booking) -> tuple[SessionNotes | None, Doc]:
    row = db.session.get(SessionNotes, booking.id)
    return row, load_doc(row.ydoc if row else None, legacy_text=booking.notes)


def sync(*, user: User, booking_id: int, state_vector) -> dict:
    """Sync step 1 → 2: what the client with `state_vector` lacks (`update`), the server's `state_vector` and
    the text. Notes written before they were Yjs become the document first, once (a document made twice from
    the same text would merge into the text twice)."""
    state_vector = _binary(state_vector, field="state_vector", limit=MAX_STATE_VECTOR_BYTES)
    booking = participant_booking(user, booking_id)
    if booking.notes and db.session.get(SessionNotes, booking.id) is None:
        _adopt_legacy_notes(user, booking.id)
    booking = participant_booking(user, booking_id)
    _row, doc = _stored_doc(booking)
    try:
        update = doc.get_update(state_vector)
    except ValueError:
        raise Invalid(details={"state_vector": [str(_l("Not a Yjs state vector."))]}) from None
    return {"update": update, "state_vector": doc.get_state(), "text": notes_text(doc)}


def _adopt_legacy_notes(user: User, booking_id: int) -> None:
    with uow.unit_of_work(lock=[(Booking, booking_id)]):
        booking = participant_booking(user, booking_id)
        if db.session.get(SessionNotes, booking.id) is None:
            doc = load_doc(None, legacy_text=booking.notes)
            db.session.add(SessionNotes(booking_id=booking.id, ydoc=doc.get_update(), updated_by_id=None))


def apply_update(*, user: User, booking_id: int, update, sid: str | None = None) -> str:
    """Merge a client's Yjs update into the stored notes; after the commit the new part goes to the room (to
    everyone but `sid`, the sender). Returns the merged text."""
    update = _binary(update, field="update", limit=MAX_UPDATE_BYTES)
    participant_booking(user, booking_id)
    with uow.unit_of_work(lock=[(Booking, booking_id)]):
        booking = participant_booking(user, booking_id)
        row, doc = _stored_doc(booking)
        before = doc.get_state()
        text = _merge(doc, update)
        if row is not None and doc.get_state() == before:
            return text  # already merged (a resend): nothing to save or pass on
        ydoc = doc.get_update()
        if len(ydoc) > MAX_DOC_BYTES:
            raise NotesTooLarge(_l("The notes are too long."))
        if row is None:
            row = SessionNotes(booking_id=booking.id, ydoc=ydoc)
            db.session.add(row)
        row.ydoc, row.updated_by_id, booking.notes = ydoc, user.id, text
        uow.after_commit(_emit, booking.id, "notes:update",
                         {"booking_id": booking.id, "update": doc.get_update(before), "user_id": user.id}, sid)
    return text


def _merge(doc: Doc, update: bytes) -> str:
    try:
        doc.apply_update(update)
        text = notes_text(doc)
    except Exception:  # pycrdt raises ValueError on bytes that are no update, others when "notes" is no text
        raise Invalid(details={"update": [str(_l("Not a Yjs update of the notes."))]}) from None
    if len(text) > MAX_NOTES:
        raise NotesTooLarge(_l("Keep notes under %(n)d characters.", n=MAX_NOTES))
    return text


def relay_awareness(*, user: User, booking_id: int, update, sid: str | None = None) -> None:
    """Pass a client's awareness update (its cursor and selection) on to the rest of the room, with the name and
    colour of the signed-in user in it (whatever the client said)."""
    update = _binary(update, field="update", limit=MAX_AWARENESS_BYTES)
    participant_booking(user, booking_id)
    _emit(booking_id, "notes:awareness", {"booking_id": booking_id, "update": _as_user(update, user)}, sid)


def _as_user(update: bytes, user: User) -> bytes:
    """Re-encode a y-protocols awareness update (count, then client id, clock and JSON state each), each state's
    `user` set to who sent it; Invalid when it is no such update."""
    try:
        decoder = Decoder(update)
        count = decoder.read_var_uint()
        if count > MAX_AWARENESS_CLIENTS:
            raise ValueError("too many states")
        out = [write_var_uint(count)]
        for _ in range(count):
            client_id, clock = decoder.read_var_uint(), decoder.read_var_uint()
            raw = decoder.read_message()
            state = json.loads(raw.decode()) if raw and raw != b"null" else None
            if state is not None and not isinstance(state, dict):
                raise ValueError("a state is an object or null")
            if state is not None:
                state["user"] = {"name": user.name, "colorIndex": user.id % PEER_COLOURS}
            encoded = json.dumps(state, ensure_ascii=False).encode() if state is not None else b"null"
            out += [write_var_uint(client_id), write_var_uint(clock), write_var_uint(len(encoded)), encoded]
        if decoder.length:
            raise ValueError("trailing bytes")
    except (ValueError, IndexError, RuntimeError, UnicodeDecodeError, TypeError):
        raise Invalid(details={"update": [str(_l("Not a Yjs awareness update."))]}) from None
    return b"".join(out)


def _emit(booking_id: int, event: str, payload: dict, skip_sid: str | None) -> None:
    socketio.emit(event, payload, to=room_name(booking_id), skip_sid=skip_sid)
