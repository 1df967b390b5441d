"""Hostile text in the session room's socket payloads (NUL, lone surrogates): a `validation_error` ack naming the
field, never an internal error, nothing stored (SQLite and PostgreSQL)."""
import logging

import pytest

from app.mentoring import bookings, room
from tests.mentoring.conftest import next_weekday

HOSTILE = ["a\x00b", "bad \ud800 half", "\udfff"]
EVENTS = {"session:chat": "body", "notes:update": "update", "session:item_add": "text"}


@pytest.fixture
def joined(db, make_mentor, make_user, make_session_type, login, socket_client):
    mentor = make_mentor()
    booking = bookings.book(founder=make_user("founder"), session_type_id=make_session_type(mentor).id,
                            starts_at=next_weekday(2).replace(hour=9))
    sc = socket_client(login(booking.founder))
    assert sc.emit("session:join", {"booking_id": booking.id}, callback=True)["ok"]
    return booking, sc


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_nul_and_lone_surrogates_get_a_validation_error(joined, event, caplog):
    caplog.set_level(logging.ERROR)
    booking, sc = joined
    field = EVENTS[event]
    for text in HOSTILE:
        ack = sc.emit(event, {"booking_id": booking.id, field: text}, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "validation_error", (text, ack)
        assert field in ack["error"]["details"]
    state = room.room_state(user=booking.founder, booking_id=booking.id)
    assert state["messages"] == [] and state["action_items"] == [] and not state["notes"]
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_a_hostile_id_key_is_refused(joined):
    booking, sc = joined
    ack = sc.emit("session:join", {"booking_id\x00": booking.id}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "validation_error"
