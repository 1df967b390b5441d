"""Hostile text in live-room socket payloads: a NUL byte or a lone surrogate in any string (a value or a key), or
data nested past the depth limit, gets a `validation_error` ack naming the field, never an internal error, and
nothing is stored (SQLite and PostgreSQL)."""
import logging

import pytest
from sqlalchemy import func, select

from app.extensions import db as _db
from app.roadshows.models import ChatMessage, Question

HOSTILE = ["a\x00b", "\x00", "bad \ud800 half", "\udfff", "ok\udbff"]
TEXT_EVENTS = {
    "chat:send": ({"roadshow_id": "{id}", "body": "hi", "client_id": "c1"}, ["body", "client_id"]),
    "qa:ask": ({"roadshow_id": "{id}", "body": "?"}, ["body"]),
    "poll:open": ({"roadshow_id": "{id}", "question": "?", "options": ["a", "b"]}, ["question"]),
    "cue:send": ({"roadshow_id": "{id}", "body": "Two minutes"}, ["body"]),
    "reaction:send": ({"roadshow_id": "{id}", "kind": "clap"}, ["kind"]),
    "qa:moderate": ({"question_id": 1, "status": "approved"}, ["status"]),
}


@pytest.fixture
def room(db, make_user, login, socket_client, make_roadshow, make_pitch, admin):
    roadshow = make_roadshow()
    make_pitch(roadshow)
    sockets = []
    for user in (make_user("investor"), admin):  # a viewer, and a moderator for the moderators' events
        sc = socket_client(login(user))
        assert sc.emit("roadshow:join", {"roadshow_id": roadshow.id}, callback=True)["ok"]
        sc.get_received()
        sockets.append(sc)
    return roadshow, sockets


@pytest.fixture
def no_errors_logged(caplog):
    caplog.set_level(logging.ERROR)
    yield
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def _stored() -> int:
    return _db.session.scalar(select(func.count()).select_from(ChatMessage)) + \
        _db.session.scalar(select(func.count()).select_from(Question))


@pytest.mark.parametrize("event", sorted(TEXT_EVENTS))
def test_nul_and_lone_surrogates_get_a_validation_error(room, event, no_errors_logged):
    roadshow, sockets = room
    payload, fields = TEXT_EVENTS[event]
    valid = {k: roadshow.id if v == "{id}" else v for k, v in payload.items()}
    for sc in sockets:
        for field in fields:
            for text in HOSTILE:
                ack = sc.emit(event, {**valid, field: text}, callback=True)
                assert ack["ok"] is False and ack["error"]["code"] == "validation_error", (field, text, ack)
                assert field in ack["error"]["details"], ack
    assert _stored() == 0


def test_hostile_text_inside_a_list_or_a_key_is_refused(room, no_errors_logged):
    roadshow, (_viewer, moderator) = room
    ack = moderator.emit("poll:open", {"roadshow_id": roadshow.id, "question": "?", "options": ["a", "b\x00"]},
                         callback=True)
    assert ack["ok"] is False and ack["error"]["details"] == {"options.1": [
        "Remove NUL characters and unpaired surrogates from this text."]}
    ack = moderator.emit("chat:send", {"roadshow_id": roadshow.id, "body": "hi", "client_id": "c", "x\ud800": 1},
                         callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "validation_error"


def test_deeply_nested_data_is_refused(room, no_errors_logged):
    roadshow, (viewer, _) = room
    deep = "x"
    for _ in range(200):
        deep = [deep]
    ack = viewer.emit("chat:send", {"roadshow_id": roadshow.id, "body": deep, "client_id": "c"}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "validation_error"


def test_chinese_text_still_posts(room, no_errors_logged):
    roadshow, (viewer, _) = room
    ack = viewer.emit("chat:send", {"roadshow_id": roadshow.id, "body": "你好，路演 🚀", "client_id": "c9"},
                      callback=True)
    assert ack["ok"] is True and ack["message"]["body"] == "你好，路演 🚀"


def test_the_error_reads_in_chinese(room, no_errors_logged, login, socket_client, make_user):
    roadshow, _ = room
    user = make_user("investor", locale="zh")
    sc = socket_client(login(user))
    sc.emit("roadshow:join", {"roadshow_id": roadshow.id}, callback=True)
    ack = sc.emit("chat:send", {"roadshow_id": roadshow.id, "body": "坏\x00", "client_id": "c"}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "validation_error"
    assert ack["error"]["message"] == "部分字段填写有误。"
    assert ack["error"]["details"] == {"body": ["请删除文本中的 NUL 字符和不成对的代理字符。"]}
