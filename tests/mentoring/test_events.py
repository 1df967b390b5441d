"""Session room over Socket.IO: participants join, chat, keep notes and action items; nobody else can."""
from datetime import timedelta

import pytest

from app.mentoring import bookings, room
from tests.mentoring.conftest import next_weekday


@pytest.fixture
def booking(make_mentor, make_user, make_session_type):
    mentor = make_mentor()
    session_type = make_session_type(mentor)
    return bookings.book(founder=make_user("founder"), session_type_id=session_type.id,
                         starts_at=next_weekday(2).replace(hour=9))


def received(sc, name):
    return [m["args"][0] for m in sc.get_received() if m["name"] == name]


def test_participants_chat_live(db, login, socket_client, booking):
    founder_socket = socket_client(login(booking.founder))
    mentor_socket = socket_client(login(booking.mentor.user))
    assert founder_socket.emit("session:join", {"booking_id": booking.id}, callback=True)["ok"] is True
    assert mentor_socket.emit("session:join", {"booking_id": booking.id}, callback=True)["ok"] is True
    mentor_socket.get_received()
    ack = founder_socket.emit("session:chat", {"booking_id": booking.id, "body": "Hello!"}, callback=True)
    assert ack["ok"] and ack["message"]["body"] == "Hello!"
    assert [m["body"] for m in received(mentor_socket, "session:message")] == ["Hello!"]
    later = socket_client(login(booking.founder))
    state = later.emit("session:join", {"booking_id": booking.id}, callback=True)
    assert [m["body"] for m in state["messages"]] == ["Hello!"]


def test_outsiders_cannot_join_or_post(db, login, make_user, socket_client, booking):
    outsider = socket_client(login(make_user("founder")))
    ack = outsider.emit("session:join", {"booking_id": booking.id}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "not_found"
    ack = outsider.emit("session:chat", {"booking_id": booking.id, "body": "hi"}, callback=True)
    assert ack["ok"] is False
    anonymous = socket_client()
    assert anonymous.emit("session:join", {"booking_id": booking.id}, callback=True)["ok"] is False


def test_action_items_are_shared(db, login, socket_client, booking):
    founder_socket = socket_client(login(booking.founder))
    mentor_socket = socket_client(login(booking.mentor.user))
    for sc in (founder_socket, mentor_socket):
        sc.emit("session:join", {"booking_id": booking.id}, callback=True)
    mentor_socket.get_received()
    item = founder_socket.emit("session:item_add", {"booking_id": booking.id, "text": "Send the deck"},
                               callback=True)["item"]
    assert [i["text"] for i in received(mentor_socket, "session:item")] == ["Send the deck"]
    done = mentor_socket.emit("session:item_done", {"item_id": item["id"], "done": True}, callback=True)
    assert done["ok"] and done["item"]["is_done"] is True
    assert [i["is_done"] for i in received(founder_socket, "session:item")] == [False, True]
    assert founder_socket.emit("session:chat", {"booking_id": booking.id, "body": ""}, callback=True)["ok"] is False


def test_open_action_items_carry_over_to_the_next_booking(db, booking):
    founder, mentor = booking.founder, booking.mentor.user
    room.add_item(user=founder, booking_id=booking.id, text="Send the deck")
    done = room.add_item(user=founder, booking_id=booking.id, text="Book the lab")
    room.set_item_done(user=mentor, item_id=done.id, done=True)
    booking.starts_at -= timedelta(days=20)
    booking.ends_at -= timedelta(days=20)
    db.session.commit()
    bookings.complete(mentor=mentor, booking_id=booking.id)
    following = bookings.book(founder=founder, session_type_id=booking.session_type_id,
                              starts_at=next_weekday(3).replace(hour=10))
    state = room.room_state(user=founder, booking_id=following.id)
    assert [(i["text"], i["carried_over"]) for i in state["action_items"]] == [("Send the deck", True)]
    assert len(room.room_state(user=founder, booking_id=following.id)["action_items"]) == 1  # once
    brief = room.brief(following)
    assert [b.id for b in brief["earlier"]] == [booking.id]
    assert [i.text for i in brief["open_items"]] == ["Send the deck"]


def test_a_booking_pushes_and_emails_once_after_its_commit_and_a_refused_one_sends_nothing(
        db, make_user, make_mentor, make_session_type, login, socket_client, smtp_server):
    from sqlalchemy import func, select

    from app.core.errors import Conflict
    from app.notifications.models import Notification

    mentor = make_mentor()
    session_type = make_session_type(mentor)
    first, second = make_user("founder"), make_user("founder")
    mentor_socket = socket_client(login(mentor))
    mentor_socket.get_received()
    starts_at = next_weekday(2).replace(hour=10)

    bookings.book(founder=first, session_type_id=session_type.id, starts_at=starts_at)
    pushed = [m["args"][0]["kind"] for m in mentor_socket.get_received() if m["name"] == "notification:new"]
    assert pushed == ["booking_created"]
    assert len(smtp_server.envelopes) == 2  # the mentor's booking_created and the founder's confirmation

    stored = db.session.scalar(select(func.count(Notification.id)))
    with pytest.raises(Conflict):
        bookings.book(founder=second, session_type_id=session_type.id, starts_at=starts_at)
    assert [m for m in mentor_socket.get_received() if m["name"] == "notification:new"] == []
    assert db.session.scalar(select(func.count(Notification.id))) == stored
    assert len(smtp_server.envelopes) == 2
