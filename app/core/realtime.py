"""Shared Socket.IO mechanics: room names, emitting after commit, the error ack and the message queue."""
import logging

from flask_babel import gettext as _
from marshmallow import ValidationError
from redis.exceptions import RedisError

from app.core.errors import AppError
from app.core.validation_messages import translate_messages
from app.extensions import socketio

log = logging.getLogger(__name__)


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def emit_to_user(user_id: int, event: str, data: dict) -> None:
    """Push an event to every open socket of one user (all processes, via the message queue)."""
    socketio.emit(event, data, to=user_room(user_id))


def emit_to_room(room: str, event: str, data: dict) -> None:
    socketio.emit(event, data, to=room)


def ok(**data) -> dict:
    return {"ok": True, **data}


def error_ack(code: str, message: str, details: dict | None = None) -> dict:
    return {"ok": False, "error": {"code": code, "message": message, "details": details or {}}}


def handle_socket_error(error: Exception) -> dict:
    """Turn an exception raised in a socket handler into the SPEC §6 ack."""
    if isinstance(error, AppError):
        return error_ack(error.code, error.message, error.details)
    if isinstance(error, ValidationError):
        details = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
        return error_ack("validation_error", _("Some fields are invalid."), translate_messages(details))
    log.exception("socket handler failed")
    from app.extensions import db
    db.session.rollback()
    return error_ack("internal_error", _("Something went wrong on our side. Please try again."))


def register_socket_error_handler() -> None:
    socketio.on_error_default(handle_socket_error)


SOCKETS_KEY = "fuhua:sockets:user:{}"
SOCKETS_TTL = 7 * 86400


_clients: dict[str, object] = {}


def redis_client():
    """The Redis shared by this app's processes (one client and pool per URL), or None when the app
    runs as one process (no `REDIS_URL`, or no Socket.IO message queue, as in the tests)."""
    from flask import current_app
    url = current_app.config.get("REDIS_URL")
    if not url or not current_app.config.get("SOCKETIO_MESSAGE_QUEUE", True):
        return None
    client = _clients.get(url)
    if client is None:
        from redis import BlockingConnectionPool, Redis
        # Thousands of sockets may need Redis at once (a room filling up): they queue for one of a few
        # connections instead of failing once a plain pool's limit is reached.
        size = current_app.config.get("REDIS_MAX_CONNECTIONS", 50)
        # Connect and socket timeouts: a Redis that is down or unreachable fails a call within seconds, it
        # never hangs a request (callers that can go on without Redis catch `RedisError`).
        pool = BlockingConnectionPool.from_url(url, max_connections=size, timeout=20, socket_connect_timeout=2,
                                               socket_timeout=5, health_check_interval=30)
        client = _clients[url] = Redis(connection_pool=pool)
    return client


def track_socket(user_id: int, sid: str) -> None:
    """Remember a signed-in socket, so the user's sockets can be closed from any process (best effort: with
    Redis down, only this process's sockets can be found, through the user's room)."""
    client = redis_client()
    if client is not None:
        key = SOCKETS_KEY.format(user_id)
        try:
            client.pipeline().sadd(key, sid).expire(key, SOCKETS_TTL).execute()
        except RedisError as error:
            log.warning("could not record socket %s of user %s: %s", sid, user_id, error)


def untrack_socket(user_id: int, sid: str) -> None:
    client = redis_client()
    if client is not None:
        try:
            client.srem(SOCKETS_KEY.format(user_id), sid)
        except RedisError as error:
            log.warning("could not forget socket %s of user %s: %s", sid, user_id, error)


def disconnect_user(user_id: int) -> None:
    """Close every open socket of a user (sign-out, deactivation), on this and other processes.

    Sockets on this process are found through the user's room; with Redis, the sids recorded by
    `track_socket` are disconnected through the message queue wherever they live.
    """
    server = getattr(socketio, "server", None)
    if server is None:
        return
    try:
        sids = {sid for sid, _eio in server.manager.get_participants("/", user_room(user_id))}
    except (KeyError, TypeError):
        sids = set()
    client = redis_client()
    if client is not None:
        key = SOCKETS_KEY.format(user_id)
        try:
            sids |= {raw.decode() for raw in client.smembers(key)}
            client.delete(key)
        except RedisError as error:
            log.warning("could not reach the other processes' sockets of user %s: %s", user_id, error)
    for sid in sids:
        server.disconnect(sid, namespace="/")


QUEUE_WATCH_INTERVAL = 2.0  # seconds between checks of the shared message queue


def watch_shared_queue(app) -> None:
    """Serve-time task (one per process, started by wsgi.py when `REDIS_URL` is set): ping Redis every few
    seconds and tell this process's own sockets whether real-time reaches the other processes.

    While Redis is down each process still delivers to its own viewers; they get `realtime:status`
    `{"shared": false}` (repeated, so sockets that connect meanwhile learn it too) and the pages show
    "reconnecting"; `{"shared": true}` once Redis answers again (python-socketio resubscribes by itself).
    """
    with app.app_context():
        client = redis_client()
    if client is None:
        return

    def watch():
        shared = True
        while True:
            socketio.sleep(QUEUE_WATCH_INTERVAL)
            try:
                now_shared = bool(client.ping())
            except RedisError:
                now_shared = False
            if now_shared != shared or not now_shared:
                if now_shared != shared:
                    log.warning("the shared message queue is %s", "back" if now_shared else "unreachable")
                socketio.emit("realtime:status", {"shared": now_shared}, ignore_queue=True)
            shared = now_shared

    socketio.start_background_task(watch)


# Hot paths outside Flask's request context ---------------------------------------------------------
# The busiest room events (a reaction from every viewer, every second) are answered without building a
# request context. What they need of python-socketio and Flask-SocketIO is asked here and only here;
# tests/core/test_realtime_paths.py fails when the pinned versions change, to have these looked at again.

def in_room(sid: str, room: str, namespace: str = "/") -> bool:
    """Whether socket `sid` of this process is in `room`."""
    members = socketio.server.manager.rooms.get(namespace, {}).get(room)
    return bool(members) and sid in members


def socket_user(sid: str, namespace: str = "/") -> tuple[object, str | None]:
    """The Flask app of socket `sid` and the Flask-Login user id in its Socket.IO session ("_user_id",
    set at connect by cookie or token), or (None, None) for a socket this process does not know."""
    environ = socketio.server.get_environ(sid, namespace)
    if not environ:
        return None, None
    saved = environ.get("saved_session")  # Flask-SocketIO's per-socket session (manage_session=True)
    return environ["flask.app"], saved.get("_user_id") if saved is not None else None


def handle_as_event(handler, event: str, sid: str, *args, namespace: str = "/"):
    """Run `handler(*args)` as Flask-SocketIO runs an event handler (request context, the socket's
    session, the error handler) for a handler registered straight on python-socketio; returns the ack."""
    return socketio._handle_event(handler, event, namespace, sid, *args)


# Events nobody handles ---------------------------------------------------------------------------------

def unknown_event(event, *args) -> dict:
    """The ack of an event no handler takes (a typo, an old client): an `unknown_event` error."""
    name = event[:100] if isinstance(event, str) else ""
    log.info("unknown socket event %r", name)
    return error_ack("unknown_event", _("There is no such event."), {"event": name})


def register_unknown_event_handler() -> None:
    """Answer events without a handler of their own: python-socketio passes them to the catch-all `*`
    (never `connect` or `disconnect`), and its return value is the ack."""
    socketio.on("*")(unknown_event)
