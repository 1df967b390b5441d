"""Socket.IO connection: authenticate by session cookie or `auth: {token}`, join the user's room."""
from blinker import Namespace
from flask import current_app, g, request, session
from flask_login import current_user, login_user
from flask_socketio import ConnectionRefusedError, join_room

from app.accounts import services, sockets
from app.accounts.auth import SESSION_KEY, TOKEN_KEY
from app.core.hostile import FORBIDDEN
from app.core.realtime import track_socket, untrack_socket, user_room
from app.extensions import socketio

signals = Namespace()
#: Sent when any socket disconnects (sid, user_id or None); roadshow presence and the like listen.
socket_disconnected = signals.signal("socket-disconnected")


@socketio.on("connect")
def on_connect(auth=None):
    """Any client connects; a signed-in one (cookie or token) joins its own `user:<id>` room.

    Anonymous sockets are allowed (they may watch public roadshow rooms) but cannot post.
    A wrong token is refused outright rather than silently downgraded to anonymous.
    """
    secret = auth.get("token") if isinstance(auth, dict) else None
    if secret:
        if not isinstance(secret, str) or FORBIDDEN.search(secret) or len(secret) > 200:
            raise ConnectionRefusedError("invalid_token")
        token = services.token_for_secret(secret)
        if token is None:
            raise ConnectionRefusedError("invalid_token")
        session.pop(SESSION_KEY, None)
        session[TOKEN_KEY] = token.id  # each event checks the token is still live (auth.load_user_from_session)
        login_user(token.user)  # into the socket's own session, not the HTTP cookie
    if current_user.is_authenticated:
        join_room(user_room(current_user.id))
        track_socket(current_user.id, request.sid)
        room = _revocation_room()
        if room:
            join_room(room)
            sockets.track(room, request.sid)


def _revocation_room() -> str | None:
    """The room whose revocation closes this socket: its API token's, else its sign-in session's."""
    if session.get(TOKEN_KEY) is not None:
        return sockets.token_room(session[TOKEN_KEY])
    session_id = g.get("user_session_id")
    return sockets.session_room(session_id) if session_id else None


@socketio.on("disconnect")
def on_disconnect(reason=None):
    """Forget the socket; other domains react through the `socket_disconnected` signal."""
    if current_user.is_authenticated:
        untrack_socket(current_user.id, request.sid)
        room = _revocation_room()
        if room:
            sockets.untrack(room, request.sid)
    socket_disconnected.send(current_app._get_current_object(), sid=request.sid,
                             user_id=current_user.id if current_user.is_authenticated else None)
