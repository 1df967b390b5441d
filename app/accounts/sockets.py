"""Which open sockets belong to which sign-in session or API token, so revoking one closes its sockets.

Each signed-in socket joins `session:<id>` or `token:<id>` in its own process; with Redis the socket ids
are also recorded under a key per session or token, so any process can close them through the message
queue (as `app.core.realtime.disconnect_user` does for a whole user).
"""
from collections.abc import Iterable

from app.core.realtime import redis_client
from app.extensions import socketio

SOCKETS_TTL = 7 * 86400


def session_room(session_id: int) -> str:
    return f"session:{session_id}"


def token_room(token_id: int) -> str:
    return f"token:{token_id}"


def _key(room: str) -> str:
    return f"fuhua:sockets:{room}"


def track(room: str, sid: str) -> None:
    """Remember that socket `sid` belongs to `room` (already joined in this process)."""
    client = redis_client()
    if client is not None:
        client.pipeline().sadd(_key(room), sid).expire(_key(room), SOCKETS_TTL).execute()


def untrack(room: str, sid: str) -> None:
    client = redis_client()
    if client is not None:
        client.srem(_key(room), sid)


def disconnect_room(room: str) -> None:
    """Close every socket of a session or token, on this process and (with Redis) on the others."""
    server = getattr(socketio, "server", None)
    if server is None:
        return
    try:
        sids = {sid for sid, _eio in server.manager.get_participants("/", room)}
    except (KeyError, TypeError):
        sids = set()
    client = redis_client()
    if client is not None:
        sids |= {raw.decode() for raw in client.smembers(_key(room))}
        client.delete(_key(room))
    for sid in sids:
        server.disconnect(sid, namespace="/")


def disconnect_sessions(session_ids: Iterable[int]) -> None:
    for session_id in session_ids:
        disconnect_room(session_room(session_id))


def disconnect_token(token_id: int) -> None:
    disconnect_room(token_room(token_id))
