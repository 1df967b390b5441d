"""Socket.IO connect: the session cookie or `auth: {token}` signs a socket in and joins `user:<id>`."""
import logging

import pytest

from app.accounts import services, sessions
from app.accounts.sockets import session_room, token_room
from app.core.realtime import emit_to_user, user_room
from app.extensions import socketio


def rooms_of(sc) -> set[str]:
    manager = socketio.server.manager
    sid = manager.sid_from_eio_sid(sc.eio_sid, "/")
    return set(manager.get_rooms(sid, "/")) - {sid}


def received(sc, name: str) -> list:
    return [msg["args"][0] for msg in sc.get_received() if msg["name"] == name]


def test_cookie_session_socket_joins_the_users_room(db, make_user, login, socket_client):
    user = make_user()
    sc = socket_client(login(user))
    assert sc.is_connected()
    (row,) = sessions.list_sessions(user=user)
    assert rooms_of(sc) == {user_room(user.id), session_room(row.id)}
    emit_to_user(user.id, "ping:test", {"n": 1})
    assert received(sc, "ping:test") == [{"n": 1}]


def test_token_socket_joins_the_users_room(db, make_user, token_client, socket_client):
    user = make_user()
    sc = socket_client(auth={"token": token_client(user).token})
    assert sc.is_connected()
    (token,) = services.list_tokens(user=user)
    assert rooms_of(sc) == {user_room(user.id), token_room(token.id)}


def test_token_socket_does_not_sign_in_the_http_client(app, db, make_user, token_client, socket_client):
    """The token logs the socket in, not the browser cookie it shares."""
    user = make_user()
    http = app.test_client()
    socketio.test_client(app, flask_test_client=http, auth={"token": token_client(user).token}).disconnect()
    assert http.get("/api/me").status_code == 401


def test_bad_token_is_refused_at_connect(db, socket_client):
    sc = socket_client(auth={"token": "fh_not-a-real-token"})
    assert not sc.is_connected()


def test_revoked_token_is_refused(db, make_user, socket_client):
    user = make_user()
    token, secret = services.create_token(user=user, name="cli")
    services.revoke_token(user=user, token_id=token.id)
    assert not socket_client(auth={"token": secret}).is_connected()


def test_deactivated_users_token_is_refused(db, make_user, socket_client):
    user = make_user()
    _token, secret = services.create_token(user=user)
    user.is_active_account = False
    db.session.commit()
    assert not socket_client(auth={"token": secret}).is_connected()


def test_anonymous_socket_connects_but_joins_no_user_room(db, make_user, socket_client):
    user = make_user()
    sc = socket_client()
    assert sc.is_connected()
    assert rooms_of(sc) == set()
    emit_to_user(user.id, "ping:test", {"n": 1})
    assert received(sc, "ping:test") == []


def test_non_dict_auth_is_anonymous(db, socket_client):
    sc = socket_client(auth="just-a-string")
    assert sc.is_connected()
    assert rooms_of(sc) == set()


def test_each_user_gets_only_their_own_room(db, make_user, login, socket_client):
    ada, bob = make_user(), make_user()
    ada_socket, bob_socket = socket_client(login(ada)), socket_client(login(bob))
    emit_to_user(ada.id, "ping:test", {"to": "ada"})
    assert received(ada_socket, "ping:test") == [{"to": "ada"}]
    assert received(bob_socket, "ping:test") == []


def test_deactivation_closes_the_users_sockets(db, make_user, login, socket_client):
    user, admin = make_user(), make_user(is_admin=True)
    sc = socket_client(login(user))
    services.set_user_active(actor=admin, user_id=user.id, active=False)
    assert not sc.is_connected()


def test_deactivated_users_cookie_connects_as_anonymous(db, make_user, login, socket_client):
    user = make_user()
    api = login(user)
    user.is_active_account = False
    db.session.commit()
    sc = socket_client(api)
    assert sc.is_connected()
    assert rooms_of(sc) == set()


def test_sign_out_closes_the_users_sockets(login, make_user, socket_client):
    api = login(make_user())
    sc = socket_client(api)
    assert sc.is_connected()
    assert api.post("/api/auth/logout").status_code == 204
    assert not sc.is_connected()



@pytest.mark.parametrize("token", ["fh_\x00abc", "fh_\ud800", 12345, ["fh_x"], "x" * 5000])
def test_a_hostile_token_is_refused_at_connect_without_an_error(db, socket_client, token, caplog):
    caplog.set_level(logging.ERROR)
    sc = socket_client(auth={"token": token})
    assert not sc.is_connected()
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
