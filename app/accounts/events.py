"""Socket.IO connection: authenticate by session cookie or `auth: {token}`, join the user's room."""
from blinker import Namespace
from flask import current_app, request
from flask_login import current_user, login_user
from flask_socketio import ConnectionRefusedError, join_room

from app.accounts import services
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
    token = auth.get("token") if isinstance(auth, dict) else None
    if token:
        user = services.user_for_token(str(token))
        if user is None:
            raise ConnectionRefusedError("invalid_token")
        login_user(user)  # into the socket's own session, not the HTTP cookie
    if current_user.is_authenticated:
        join_room(user_room(current_user.id))
        track_socket(current_user.id, request.sid)


@socketio.on("disconnect")
def on_disconnect(reason=None):
    """Forget the socket; other domains react through the `socket_disconnected` signal."""
    if current_user.is_authenticated:
        untrack_socket(current_user.id, request.sid)
    socket_disconnected.send(current_app._get_current_object(), sid=request.sid,
                             user_id=current_user.id if current_user.is_authenticated else None)
