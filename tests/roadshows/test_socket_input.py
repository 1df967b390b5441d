"""Socket input of the live room: every event's payload is loaded by its schema before anything runs.

A payload that is absent, not an object, or has a missing, wrong or unknown field gets a
`validation_error` ack naming the fields, in the socket's language; an event nobody handles gets
`unknown_event`. Never an internal error.
"""
import logging
import math

import pytest

from tests.roadshows.conftest import received

# Every live-room event with a payload it accepts as far as its shape goes ({id} is the roadshow).
EVENTS = {
    "roadshow:join": {"roadshow_id": "{id}"},
    "roadshow:leave": {"roadshow_id": "{id}"},
    "chat:send": {"roadshow_id": "{id}", "body": "hi", "client_id": "c1"},
    "chat:delete": {"message_id": 1},
    "user:mute": {"roadshow_id": "{id}", "user_id": 1},
    "qa:ask": {"roadshow_id": "{id}", "body": "?"},
    "qa:upvote": {"question_id": 1},
    "qa:moderate": {"question_id": 1, "status": "approved"},
    "poll:open": {"roadshow_id": "{id}", "question": "?", "options": ["a", "b"]},
    "poll:close": {"poll_id": 1},
    "poll:vote": {"poll_id": 1, "option_id": 1},
    "reaction:send": {"roadshow_id": "{id}", "kind": "clap"},
    "stage:set": {"roadshow_id": "{id}", "state": "live"},
    "slide:set": {"roadshow_id": "{id}", "slide": 1},
    "hand:raise": {"roadshow_id": "{id}"},
    "interest:mark": {"pitch_id": 1},
    "cue:send": {"roadshow_id": "{id}", "body": "Two minutes"},
    "cue:ack": {"cue_id": 1},
}
BAD_IDS = ["7", 7.0, -1, 0, 2**31, True, math.inf, math.nan, None, {"id": 7}, [7]]
NOT_OBJECTS = ["text", ["roadshow_id", 1], [{"roadshow_id": 1}], 42, 4.2, math.inf, -math.inf, math.nan, True, None]


@pytest.fixture
def room(db, make_user, login, socket_client, make_roadshow, make_pitch):
    roadshow = make_roadshow()
    make_pitch(roadshow)
    viewer = make_user("investor")
    sc = socket_client(login(viewer))
    assert sc.emit("roadshow:join", {"roadshow_id": roadshow.id}, callback=True)["ok"]
    sc.get_received()
    return roadshow, sc


@pytest.fixture
def no_errors_logged(caplog):
    caplog.set_level(logging.ERROR)
    yield
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def _valid(event, roadshow_id):
    return {k: roadshow_id if v == "{id}" else v for k, v in EVENTS[event].items()}


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_an_event_without_data_is_a_validation_error(room, event, no_errors_logged):
    _, sc = room
    ack = sc.emit(event, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "validation_error"
    assert ack["error"]["details"] == {"_schema": ["Send an object."]}


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_data_that_is_not_an_object_is_a_validation_error(room, event, no_errors_logged):
    _, sc = room
    for payload in NOT_OBJECTS:
        ack = sc.emit(event, payload, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "validation_error", (payload, ack)
        assert ack["error"]["details"] == {"_schema": ["Send an object."]}


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_a_bad_id_names_its_field(room, event, no_errors_logged):
    roadshow, sc = room
    payload = _valid(event, roadshow.id)
    field = next(k for k in payload if k.endswith("_id") and k != "client_id")
    for value in BAD_IDS:
        ack = sc.emit(event, {**payload, field: value}, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "validation_error", (value, ack)
        assert list(ack["error"]["details"]) == [field]


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_a_field_the_event_does_not_take_is_named(room, event, no_errors_logged):
    roadshow, sc = room
    ack = sc.emit(event, {**_valid(event, roadshow.id), "extra": 1}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "validation_error"
    assert ack["error"]["details"] == {"extra": ["This event does not take this field."]}


@pytest.mark.parametrize("event, payload, field", [
    ("chat:send", {"body": 5, "client_id": "c"}, "body"),
    ("chat:send", {"body": "hi"}, "client_id"),
    ("chat:send", {"body": "hi", "client_id": ""}, "client_id"),
    ("chat:send", {"body": "hi", "client_id": "x" * 65}, "client_id"),
    ("chat:send", {"body": "hi", "client_id": False}, "client_id"),
    ("reaction:send", {"kind": "thumbs"}, "kind"),
    ("reaction:send", {"kind": None}, "kind"),
    ("stage:set", {"state": "paused"}, "state"),
    ("stage:set", {"state": "live", "minutes": 0}, "minutes"),
    ("stage:set", {"state": "live", "minutes": math.inf}, "minutes"),
    ("poll:open", {"question": "?", "options": ["only one"]}, "options"),
    ("poll:open", {"question": "?", "options": "a,b"}, "options"),
    ("poll:open", {"question": "?", "options": ["a", 2]}, "options"),
    ("hand:raise", {"raised": "maybe"}, "raised"),
    ("roadshow:join", {"after_id": -1}, "after_id"),
    ("roadshow:join", {"after_id": math.nan}, "after_id"),
])
def test_a_bad_field_is_named(room, event, payload, field, no_errors_logged):
    roadshow, sc = room
    ack = sc.emit(event, {"roadshow_id": roadshow.id, **payload}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "validation_error", ack
    assert list(ack["error"]["details"]) == [field]


def test_a_bad_payload_changes_nothing(room):
    roadshow, sc = room
    sc.emit("chat:send", {"roadshow_id": roadshow.id, "body": "hi", "client_id": "c1", "extra": 1}, callback=True)
    assert received(sc, "chat:new") == []
    assert sc.emit("chat:send", {"roadshow_id": roadshow.id, "body": "hi", "client_id": "c1"}, callback=True)["ok"]


def test_the_errors_are_in_the_sockets_language(db, make_user, login, socket_client, make_roadshow):
    roadshow = make_roadshow()
    sc = socket_client(login(make_user("investor", locale="zh")))
    ack = sc.emit("roadshow:join", {"roadshow_id": "1", "extra": 2}, callback=True)
    assert ack["error"]["code"] == "validation_error" and ack["error"]["message"] == "部分字段填写有误。"
    assert ack["error"]["details"] == {"roadshow_id": ["请发送正整数。"], "extra": ["此事件不接受该字段。"]}
    assert sc.emit("chat:send", callback=True)["error"]["details"] == {"_schema": ["请发送一个对象。"]}
    ack = sc.emit("roadshow:join", {"roadshow_id": roadshow.id, "after_id": math.inf}, callback=True)
    assert ack["error"]["details"] == {"after_id": ["请发送您收到的最后一条消息 ID，或 null。"]}


def test_an_unknown_event_gets_an_error_ack(room, no_errors_logged):
    _, sc = room
    ack = sc.emit("chat:sned", {"body": "hi"}, callback=True)
    assert ack == {"ok": False, "error": {"code": "unknown_event", "message": "There is no such event.",
                                          "details": {"event": "chat:sned"}}}
    assert sc.emit("roadshow:whatever", callback=True)["error"]["code"] == "unknown_event"


def test_an_unknown_event_is_answered_in_chinese(db, make_user, login, socket_client):
    sc = socket_client(login(make_user("investor", locale="zh")))
    ack = sc.emit("nope", 1, 2, callback=True)
    assert ack["error"] == {"code": "unknown_event", "message": "没有这个事件。", "details": {"event": "nope"}}


def test_anonymous_sockets_get_the_same_answers(db, socket_client, make_roadshow):
    sc = socket_client()
    assert sc.emit("roadshow:join", "1", callback=True)["error"]["code"] == "validation_error"
    assert sc.emit("mystery", callback=True)["error"]["code"] == "unknown_event"
