"""Shared notes as a Yjs document (pycrdt): merge, persist, sync, access; action items that stay done."""
import json

import pytest
from pycrdt import Doc, Map, Text, write_var_uint

from app.core.errors import Invalid, NotFound
from app.mentoring import bookings, notes, room
from app.mentoring.models import SessionNotes
from tests.mentoring.conftest import next_weekday


@pytest.fixture
def booking(make_mentor, make_user, make_session_type):
    mentor = make_mentor()
    session_type = make_session_type(mentor)
    return bookings.book(founder=make_user("founder", name="李雷"), session_type_id=session_type.id,
                         starts_at=next_weekday(2).replace(hour=9))


def _text(doc: Doc) -> Text:
    return doc.get(notes.TEXT_NAME, type=Text)


def _edit(doc: Doc, at: int, words: str) -> bytes:
    """Insert `words` at `at` in a client's copy; the Yjs update it would send."""
    before = doc.get_state()
    _text(doc).insert(at, words)
    return doc.get_update(before)


def _awareness(client_id: int, clock: int, state) -> bytes:
    """A y-protocols awareness update with one state, as y-protocols/awareness encodes it."""
    encoded = json.dumps(state, ensure_ascii=False).encode()
    return b"".join([write_var_uint(1), write_var_uint(client_id), write_var_uint(clock), write_var_uint(len(encoded)),
                     encoded])


def _client(user, booking) -> Doc:
    """A client's copy of the notes after sync step 1/2."""
    doc = Doc()
    doc.apply_update(notes.sync(user=user, booking_id=booking.id, state_vector=doc.get_state())["update"])
    return doc


# pycrdt: the CRDT itself ---------------------------------------------------------------------------------------

def test_concurrent_edits_of_two_copies_merge_with_both_texts():
    base = Doc()
    _text(base).insert(0, "议程：\n")
    mentor, founder = Doc(), Doc()
    for copy in (mentor, founder):
        copy.apply_update(base.get_update())
    from_mentor = _edit(mentor, len(_text(mentor)), "按产线定价试点。")
    from_founder = _edit(founder, len(_text(founder)), "下周发送路演材料。")
    mentor.apply_update(from_founder)
    founder.apply_update(from_mentor)
    assert str(_text(mentor)) == str(_text(founder))
    assert "按产线定价试点。" in str(_text(mentor)) and "下周发送路演材料。" in str(_text(mentor))


def test_a_stored_document_loads_back_with_its_text_and_history():
    doc = Doc()
    _text(doc).insert(0, "Pilot pricing per line")
    del _text(doc)[0:6]
    loaded = notes.load_doc(doc.get_update())
    assert notes.notes_text(loaded) == "pricing per line"
    assert loaded.get_state() == doc.get_state()


def test_notes_from_before_yjs_become_the_first_text():
    assert notes.notes_text(notes.load_doc(None, legacy_text="旧笔记")) == "旧笔记"
    assert notes.notes_text(notes.load_doc(None)) == ""


# the service: merge under the lock, persist, sync --------------------------------------------------------------

def test_concurrent_updates_from_both_sides_are_all_kept(db, booking):
    founder, mentor = booking.founder, booking.mentor.user
    founder_doc, mentor_doc = _client(founder, booking), _client(mentor, booking)
    from_founder = _edit(founder_doc, 0, "创始人：量产时间表。")
    from_mentor = _edit(mentor_doc, 0, "Mentor: price per line.")
    notes.apply_update(user=founder, booking_id=booking.id, update=from_founder)
    text = notes.apply_update(user=mentor, booking_id=booking.id, update=from_mentor)
    assert "创始人：量产时间表。" in text and "Mentor: price per line." in text
    db.session.expire_all()
    stored = db.session.get(SessionNotes, booking.id)
    assert notes.notes_text(notes.load_doc(stored.ydoc)) == text == booking.notes
    for user, doc in ((founder, founder_doc), (mentor, mentor_doc)):
        doc.apply_update(notes.sync(user=user, booking_id=booking.id, state_vector=doc.get_state())["update"])
        assert str(_text(doc)) == text


def test_sync_returns_what_the_client_lacks_and_the_servers_state_vector(db, booking):
    founder = booking.founder
    founder_doc = _client(founder, booking)
    offline = _edit(founder_doc, 0, "离线写的")
    answer = notes.sync(user=founder, booking_id=booking.id, state_vector=founder_doc.get_state())
    missing = founder_doc.get_update(answer["state_vector"])  # what the server lacks: the offline edit
    assert notes.apply_update(user=founder, booking_id=booking.id, update=missing) == "离线写的"
    assert notes.apply_update(user=founder, booking_id=booking.id, update=offline) == "离线写的"  # resend: once


def test_legacy_notes_are_adopted_once(db, booking):
    booking.notes = "Agreed: pilot per line."
    db.session.commit()
    first, second = _client(booking.founder, booking), _client(booking.mentor.user, booking)
    assert str(_text(first)) == str(_text(second)) == "Agreed: pilot per line."
    first.apply_update(second.get_update())
    assert str(_text(first)) == "Agreed: pilot per line."  # not twice


@pytest.mark.parametrize("update, error", [
    (b"not a yjs update", Invalid),
    ("a string, not binary", Invalid),
    (None, Invalid),
    (b"\x00" * (notes.MAX_UPDATE_BYTES + 1), notes.NotesTooLarge),
])
def test_hostile_updates_are_refused_and_change_nothing(db, booking, update, error):
    with pytest.raises(error):
        notes.apply_update(user=booking.founder, booking_id=booking.id, update=update)
    assert db.session.get(SessionNotes, booking.id) is None


def test_an_update_of_the_notes_as_a_map_leaves_the_text_working(db, booking):
    hostile = Doc()
    hostile.get(notes.TEXT_NAME, type=Map)["x"] = "y"
    assert notes.apply_update(user=booking.founder, booking_id=booking.id, update=hostile.get_update()) == ""
    doc = _client(booking.mentor.user, booking)
    assert notes.apply_update(user=booking.mentor.user, booking_id=booking.id, update=_edit(doc, 0, "ok")) == "ok"


def test_notes_past_the_limit_are_refused(db, booking):
    doc = _client(booking.founder, booking)
    with pytest.raises(notes.NotesTooLarge):
        notes.apply_update(user=booking.founder, booking_id=booking.id,
                           update=_edit(doc, 0, "长" * (room.MAX_NOTES + 1)))


def test_only_the_parties_and_admins_may_read_or_edit(db, booking, make_user):
    outsider, admin = make_user("founder"), make_user("investor", is_admin=True)
    update = _edit(Doc(), 0, "x")
    with pytest.raises(NotFound):
        notes.sync(user=outsider, booking_id=booking.id, state_vector=Doc().get_state())
    with pytest.raises(NotFound):
        notes.apply_update(user=outsider, booking_id=booking.id, update=update)
    with pytest.raises(NotFound):
        notes.relay_awareness(user=outsider, booking_id=booking.id, update=b"\x00")
    assert notes.apply_update(user=admin, booking_id=booking.id, update=update) == "x"


# over Socket.IO (binary payloads) ------------------------------------------------------------------------------

def test_updates_and_cursors_reach_the_other_side_over_the_socket(db, login, socket_client, booking):
    founder_socket = socket_client(login(booking.founder))
    mentor_socket = socket_client(login(booking.mentor.user))
    for sc in (founder_socket, mentor_socket):
        assert sc.emit("session:join", {"booking_id": booking.id}, callback=True)["ok"]
    sync = founder_socket.emit("notes:sync", {"booking_id": booking.id, "state_vector": Doc().get_state()},
                               callback=True)
    assert sync["ok"] and sync["text"] == ""
    mentor_socket.get_received()
    founder_socket.get_received()
    update = _edit(Doc(), 0, "会议纪要")
    assert founder_socket.emit("notes:update", {"booking_id": booking.id, "update": update}, callback=True)["ok"]
    pushed = [m["args"][0] for m in mentor_socket.get_received() if m["name"] == "notes:update"]
    assert len(pushed) == 1 and isinstance(pushed[0]["update"], bytes)
    mentor_doc = Doc()
    mentor_doc.apply_update(pushed[0]["update"])
    assert str(_text(mentor_doc)) == "会议纪要"
    assert [m for m in founder_socket.get_received() if m["name"] == "notes:update"] == []  # not back to the sender
    cursor = _awareness(7, 3, {"cursor": {"anchor": 1, "head": 2}})
    assert founder_socket.emit("notes:awareness", {"booking_id": booking.id, "update": cursor}, callback=True)["ok"]
    relayed = [m["args"][0]["update"] for m in mentor_socket.get_received() if m["name"] == "notes:awareness"]
    assert len(relayed) == 1 and relayed[0].startswith(b"\x01\x07\x03") and b'"anchor": 1' in relayed[0]


def test_a_relayed_cursor_carries_the_senders_own_name(db, login, socket_client, booking):
    mentor_socket = socket_client(login(booking.mentor.user))
    mentor_socket.emit("session:join", {"booking_id": booking.id}, callback=True)
    mentor_socket.get_received()
    impostor = _awareness(7, 3, {"cursor": None, "user": {"name": "周明 (not really)", "colorIndex": 9}})
    notes.relay_awareness(user=booking.founder, booking_id=booking.id, update=impostor)
    relayed = [m["args"][0]["update"] for m in mentor_socket.get_received() if m["name"] == "notes:awareness"]
    honest = {"cursor": None, "user": {"name": "李雷", "colorIndex": booking.founder.id % 6}}
    assert relayed == [_awareness(7, 3, honest)]


@pytest.mark.parametrize("update", [b"\x01\x02", b"\x01\x07\x01\x05[1,2]", b"\x02\x07\x01\x02{}",
                                    b"\x63" + b"\x00" * 10, b"\x01\x07\x01\x02{}junk"])
def test_a_malformed_awareness_update_is_refused(db, booking, update):
    with pytest.raises(Invalid):
        notes.relay_awareness(user=booking.founder, booking_id=booking.id, update=update)


def test_a_malformed_update_over_the_socket_gets_a_clear_error(db, login, socket_client, booking):
    founder_socket = socket_client(login(booking.founder))
    ack = founder_socket.emit("notes:update", {"booking_id": booking.id, "update": "plain text"}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "validation_error"
    ack = founder_socket.emit("notes:update", {"booking_id": booking.id, "update": b"\xff\xff"}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "validation_error"


# action items: one item across sessions ------------------------------------------------------------------------

def _later_booking(booking, weeks: int):
    return bookings.book(founder=booking.founder, session_type_id=booking.session_type_id,
                         starts_at=next_weekday(2, weeks=weeks).replace(hour=9))


def test_an_item_ticked_done_in_the_next_session_stays_done(db, booking):
    founder, mentor = booking.founder, booking.mentor.user
    item = room.add_item(user=founder, booking_id=booking.id, text="寄送样品")
    second, third = _later_booking(booking, 2), _later_booking(booking, 3)
    shown = room.room_state(user=founder, booking_id=second.id)["action_items"]
    assert [(i["text"], i["carried_over"], i["is_done"]) for i in shown] == [("寄送样品", True, False)]
    room.set_item_done(user=mentor, item_id=item.id, done=True, booking_id=second.id)
    assert room.room_state(user=founder, booking_id=third.id)["action_items"] == []
    assert [i["is_done"] for i in room.room_state(user=founder, booking_id=second.id)["action_items"]] == [True]
    assert [i["is_done"] for i in room.room_state(user=founder, booking_id=booking.id)["action_items"]] == [True]
    assert room.brief(third)["open_items"] == []


def test_an_item_ticked_in_its_own_session_after_the_next_was_booked_is_done_there_too(db, booking):
    founder = booking.founder
    item = room.add_item(user=founder, booking_id=booking.id, text="Book the lab")
    second = _later_booking(booking, 2)
    room.room_state(user=founder, booking_id=second.id)
    room.set_item_done(user=founder, item_id=item.id, done=True)
    assert room.room_state(user=founder, booking_id=second.id)["action_items"] == []


def test_an_item_cannot_be_ticked_from_a_room_that_does_not_show_it(db, booking):
    later = _later_booking(booking, 2)
    item = room.add_item(user=booking.founder, booking_id=later.id, text="Send the deck")
    with pytest.raises(NotFound):
        room.set_item_done(user=booking.founder, item_id=item.id, done=True, booking_id=booking.id)


def test_ticking_pushes_the_item_to_every_room_that_shows_it(db, login, socket_client, booking):
    second = _later_booking(booking, 2)
    item = room.add_item(user=booking.founder, booking_id=booking.id, text="Send the deck")
    first_room, second_room = socket_client(login(booking.founder)), socket_client(login(booking.mentor.user))
    first_room.emit("session:join", {"booking_id": booking.id}, callback=True)
    second_room.emit("session:join", {"booking_id": second.id}, callback=True)
    first_room.get_received()
    second_room.get_received()
    ack = second_room.emit("session:item_done", {"item_id": item.id, "done": True, "booking_id": second.id},
                           callback=True)
    assert ack["ok"] and ack["item"]["carried_over"] is True
    for sc, room_id in ((first_room, booking.id), (second_room, second.id)):
        pushed = [m["args"][0] for m in sc.get_received() if m["name"] == "session:item"]
        assert [(p["room_booking_id"], p["is_done"]) for p in pushed] == [(room_id, True)]


# the page ------------------------------------------------------------------------------------------------------

def test_the_room_page_names_its_style_nonce_in_the_csp_and_other_pages_do_not(db, login, booking, make_user):
    import re

    response = login(booking.founder).get(f"/sessions/{booking.id}")
    nonce = re.search(r'data-style-nonce="([^"]+)"', response.get_data(as_text=True)).group(1)
    style_src = re.search(r"style-src ([^;]+)", response.headers["Content-Security-Policy"]).group(1).split()
    assert style_src == ["'self'", f"'nonce-{nonce}'"]
    again = login(booking.founder).get(f"/sessions/{booking.id}")
    assert nonce not in again.headers["Content-Security-Policy"]  # one per response
    other = login(booking.founder).get("/sessions")
    assert re.search(r"style-src ([^;]+)", other.headers["Content-Security-Policy"]).group(1) == "'self'"


def test_an_admin_opens_the_room_and_an_outsider_does_not(db, login, booking, make_user):
    admin = make_user("investor", is_admin=True)
    assert "data-notes-editor" in login(admin).get(f"/sessions/{booking.id}").get_data(as_text=True)
    assert login(make_user("founder")).get(f"/sessions/{booking.id}").status_code == 404
