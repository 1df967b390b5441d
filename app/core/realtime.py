"""Shared Socket.IO mechanics: room names, emitting after commit, the error ack and the message queue."""
import logging
import threading
import time

import socketio as python_socketio
from flask_babel import gettext as _
from marshmallow import ValidationError

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


BACKGROUND_EVENTS = frozenset({"reaction:burst", "presence:update"})
BACKGROUND_SLICE = 32  # copies a background broadcast sends before letting the rest of the process go first
BACKGROUND_PATIENCE = 1.0  # seconds a background broadcast waits for idle moments before taking turns instead


class RoomManager(python_socketio.Manager):
    """Socket.IO's room bookkeeping, with background delivery for the events a room gets every second.

    A big room's broadcast is a few thousand socket writes in a row (60 ms or more for 2,500 viewers),
    and nothing else runs in the process meanwhile. The once-a-second events (`BACKGROUND_EVENTS`: the
    reaction burst and the viewer count) then held up whatever arrived during them: a chat message sent
    just after a burst began waited for the whole burst before it was even read, and its copies all
    arrived late. Under gevent these events go to one delivery greenlet instead, in the order they were
    emitted, which steps aside every `BACKGROUND_SLICE` copies until nothing else in the process is ready
    to run (for at most `BACKGROUND_PATIENCE` seconds a broadcast; after that it takes turns with the rest,
    so a busy process still delivers them). Everything else is delivered at once, as before, and never
    pauses, so the messages of a conversation keep their order for every viewer. A burst may reach a
    viewer after a chat message emitted later: the two do not depend on each other. Elsewhere (threads,
    tests) every emit is delivered at once.
    """

    _delivery = threading.local()  # per greenlet under gevent

    def emit(self, event, data, namespace, room=None, skip_sid=None, callback=None, to=None, **kwargs):
        if event in BACKGROUND_EVENTS and callback is None and getattr(self.server, "async_mode", None) == "gevent" \
                and not getattr(self._delivery, "background", False):
            self._background_queue().put((event, data, namespace, to or room, skip_sid))
            return None
        return super().emit(event, data, namespace, room=room, skip_sid=skip_sid, callback=callback, to=to,
                            **kwargs)

    def get_participants(self, namespace, room):
        if not getattr(self._delivery, "background", False):
            yield from super().get_participants(namespace, room)
            return
        started = time.monotonic()
        for count, participant in enumerate(super().get_participants(namespace, room), 1):
            yield participant
            if count % BACKGROUND_SLICE == 0:
                self._step_aside(patient=time.monotonic() - started < BACKGROUND_PATIENCE)

    @staticmethod
    def _step_aside(patient: bool) -> None:
        """Wait until nothing else in the process is ready to run (gevent's idle watcher), or, no longer
        patient, until everything that was ready has had a turn."""
        import gevent
        if patient:
            gevent.idle()
        else:
            gevent.sleep(0)

    def _background_queue(self):
        queue = self.__dict__.get("_backlog")
        if queue is None:
            queue = self._backlog = self.server.eio.create_queue()
            self.server.start_background_task(self._deliver_backlog, queue)
        return queue

    def _deliver_backlog(self, queue) -> None:
        self._delivery.background = True
        while True:
            event, data, namespace, room, skip_sid = queue.get()
            try:  # (not self.emit: a message queue's manager would publish it again)
                RoomManager.emit(self, event, data, namespace, room=room, skip_sid=skip_sid)
            except Exception:  # noqa: BLE001 (one failed delivery must not stop the next ones)
                log.exception("background delivery of %s failed", event)


class PublishFirstRedisManager(python_socketio.RedisManager, RoomManager):
    """Socket.IO's Redis message queue, telling the other processes before delivering here.

    python-socketio delivers an emit to this process's own sockets and only then publishes it, so the other
    processes heard of each message after this one's whole fan-out: with 2,500 viewers a process, their
    viewers got every chat message some 60 ms later than this process's. Here the emit is published
    first; this process's copies follow at once (also when publishing fails).
    """

    _local = threading.local()  # per greenlet under gevent

    def emit(self, event, data, namespace=None, room=None, skip_sid=None, callback=None, to=None, **kwargs):
        if kwargs.get("ignore_queue"):
            return super().emit(event, data, namespace=namespace, room=room, skip_sid=skip_sid, callback=callback,
                                to=to, **kwargs)
        held = self._local.held = []
        try:
            super().emit(event, data, namespace=namespace, room=room, skip_sid=skip_sid, callback=callback, to=to,
                         **kwargs)  # holds this process's delivery (below), then publishes
        finally:
            self._local.held = None
            for message in held:
                super()._handle_emit(message)
        return None

    def _handle_emit(self, message):
        held = getattr(self._local, "held", None)
        if held is not None:
            held.append(message)
            return
        super()._handle_emit(message)


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
        pool = BlockingConnectionPool.from_url(url, max_connections=size, timeout=20)
        client = _clients[url] = Redis(connection_pool=pool)
    return client


def track_socket(user_id: int, sid: str) -> None:
    """Remember a signed-in socket, so the user's sockets can be closed from any process."""
    client = redis_client()
    if client is not None:
        key = SOCKETS_KEY.format(user_id)
        client.pipeline().sadd(key, sid).expire(key, SOCKETS_TTL).execute()


def untrack_socket(user_id: int, sid: str) -> None:
    client = redis_client()
    if client is not None:
        client.srem(SOCKETS_KEY.format(user_id), sid)


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
        sids |= {raw.decode() for raw in client.smembers(key)}
        client.delete(key)
    for sid in sids:
        server.disconnect(sid, namespace="/")
