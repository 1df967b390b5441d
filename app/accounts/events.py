"""Socket.IO connection: authenticate by session cookie or `auth: {token}`, join the user's room."""
from flask_login import current_user, login_user
from flask_socketio import ConnectionRefusedError, join_room

from app.accounts import services
from app.core.realtime import user_room
from app.extensions import socketio


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
