"""The Socket.IO helpers that hot paths use outside Flask's request context (`app.core.realtime`)."""
from importlib.metadata import version

from app.core import realtime
from app.extensions import socketio

# `in_room`, `socket_user` and `handle_as_event` read python-socketio's room table, Flask-SocketIO's
# per-socket session and call its dispatch: check them again, then update these, when upgrading.
PINNED = {"Flask-SocketIO": "5.7.0", "python-socketio": "5.18.1"}


def test_the_libraries_are_the_versions_the_helpers_were_written_for():
    assert {name: version(name) for name in PINNED} == PINNED


def _sid(sc) -> str:
    return socketio.server.manager.sid_from_eio_sid(sc.eio_sid, "/")


def test_in_room_tells_members_from_others(socket_client):
    member, other = socket_client(), socket_client()
    socketio.server.enter_room(_sid(member), "roadshow:7")
    assert realtime.in_room(_sid(member), "roadshow:7") is True
    assert realtime.in_room(_sid(other), "roadshow:7") is False
    assert realtime.in_room(_sid(member), "roadshow:8") is False


def test_socket_user_is_the_signed_in_user_of_the_socket(app, login, make_user, socket_client):
    user = make_user("investor")
    signed_in = socket_client(login(user))
    signed_in.emit("no:such:event", {})  # any event: Flask-SocketIO keeps the socket's session from then on
    assert realtime.socket_user(_sid(signed_in)) == (app, str(user.id))
    anonymous = socket_client()
    anonymous.emit("no:such:event", {})
    assert realtime.socket_user(_sid(anonymous)) == (app, None)
    assert realtime.socket_user("not-a-socket") == (None, None)


def test_handle_as_event_runs_a_handler_with_the_sockets_request_and_error_handler(socket_client):
    from flask import request

    from app.core.errors import NotFound

    sc = socket_client()
    sid = _sid(sc)
    assert realtime.handle_as_event(lambda data: {"sid": request.sid, "data": data}, "x:y", sid, 5) == \
        {"sid": sid, "data": 5}

    def refuse(data):
        raise NotFound("Nothing here.")
    assert realtime.handle_as_event(refuse, "x:y", sid, None)["error"]["code"] == "not_found"
