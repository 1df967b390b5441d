"""Transport tuning for big rooms, in one place: WebSocket sending (simple-websocket and engine.io, as they run
under gevent) and Socket.IO's room managers (python-socketio).

A room's broadcast is one engine.io packet whose text every viewer gets: python-engineio encodes it once
and caches the string, but simple-websocket then frames it again for each viewer through wsproto. Two
changes make a copy cheaper:

* **No permessage-deflate.** Browsers offer it, and simple-websocket accepts it: every copy is then
  compressed separately (each connection has its own zlib stream, ~300 KB of memory apiece) to save a few
  bytes on messages of a few hundred. `strip_deflate_offer` removes the offer before the handshake, as
  socket.io's own server does by default.
* **One frame per broadcast.** A server's text frame is a small header plus the UTF-8 payload, the same
  for every viewer; `install_frame_cache` builds it once per payload string and writes it straight to
  the socket with one `send` (gevent's `sendall` asks the kernel for the buffer size on every call,
  a twentieth of a big room's fan-out). Anything else (binary data, a negotiated extension, a client-side
  socket) goes through simple-websocket unchanged.
* **Straight to the socket.** engine.io hands every packet to a per-socket queue, read by a writer
  greenlet: a broadcast to 2,500 viewers woke 2,500 greenlets, each with a timer, and anything else the
  process had to do (a presenter's next message, a reaction) waited behind them. `install_direct_send`
  writes a packet at once when the socket's queue is empty, without blocking: bytes a slow client
  cannot take yet wait in the socket's own buffer, sent in order by a helper greenlet, and a client
  that falls more than `MAX_PENDING` bytes behind is disconnected (as a full queue never was before).
  Pings overtake those waiting bytes, so a client further behind than the ping timeout still answers in time.

All of it is on by default and off with `SOCKETIO_TUNING=0`, and it switches itself off (with a warning) when
the installed python-engineio, python-socketio, simple-websocket or wsproto is not the version it was written
against (`TUNED_FOR`): it replaces methods of those libraries and reads a few of their private attributes.
tests/core/test_transport.py fails when a pinned version changes, so that the tuning is checked again.
"""
from __future__ import annotations

import logging
import socket
import threading
import time
from collections import deque

import simple_websocket.ws
import socketio as python_socketio
from engineio.exceptions import QueueEmpty

from app.extensions import socketio

log = logging.getLogger(__name__)

_FRAMES: dict[str, bytes] = {}
_MAX_FRAMES = 256  # recent payloads; a broadcast's copies all hit the same entry
_MAX_CACHED = 64 * 1024  # payload characters worth keeping
_original_send = simple_websocket.ws.Base.send


def text_frame(text: str) -> bytes:
    """A final, unmasked text frame (RFC 6455 §5.2) carrying `text`, as a server sends it."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        header = bytes((0x81, size))
    elif size < 1 << 16:
        header = bytes((0x81, 126)) + size.to_bytes(2, "big")
    else:
        header = bytes((0x81, 127)) + size.to_bytes(8, "big")
    return header + payload


MAX_PENDING = 4 * 1024 * 1024  # bytes a client may fall behind before it is disconnected
PING = "2"  # an engine.io ping, as encoded (protocol 4; the server pings, the client answers "3")


def _send(self, data) -> None:
    if type(data) is not str or not self.is_server or not self.connected or self.ws.connection is None \
            or self.ws.connection._proto.extensions:
        return _original_send(self, data)
    frame = _FRAMES.get(data)
    if frame is None:
        frame = text_frame(data)
        if len(data) <= _MAX_CACHED:
            if len(_FRAMES) >= _MAX_FRAMES:
                _FRAMES.clear()
            _FRAMES[data] = frame
    raw = getattr(self.sock, "_sock", None)  # gevent's socket wraps a non-blocking one
    if raw is None:
        self.sock.sendall(frame)
        return
    pending = self.__dict__.get("_pending")
    if pending is not None:  # earlier bytes are still on their way: after them
        if data == PING and pending:
            # A ping overtakes the backlog (behind the frame being written, which may be partly sent): a client
            # reading a backlog longer than the ping timeout is slow, not gone, and answers it in time.
            pending.insert(1, frame)
        else:
            pending.append(frame)
        self._pending_size += len(frame)
        if self._pending_size > MAX_PENDING:
            _hang_up(self)
            raise simple_websocket.ws.ConnectionClosed(1008, "too far behind")
        return
    try:
        sent = raw.send(frame)  # never waits: almost always all of it, a broadcast frame is small
    except BlockingIOError:
        sent = 0
    if sent < len(frame):
        self._pending, self._pending_size = deque([memoryview(frame)[sent:]]), len(frame) - sent
        socketio.start_background_task(_drain, self)


NOT_SENT_LOW_WATER = 16 * 1024  # unsent bytes the kernel may hold for a socket; the rest wait in `_pending`


def _keep_backlog_here(ws) -> None:
    """Let the kernel take only a little more than the client is reading (TCP_NOTSENT_LOWAT), so that a slow
    client's backlog waits in `_pending`, where a ping can overtake it, not in a socket buffer that autotuning
    grows to megabytes (seconds of a slow client's reading, in front of every ping)."""
    try:  # engine.io hands its wrapper around simple-websocket's server, whose `sock` is the connection
        ws.ws.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NOTSENT_LOWAT, NOT_SENT_LOW_WATER)
    except (AttributeError, OSError):  # not TCP, or not Linux/macOS: the kernel buffers as it likes
        pass


def _drain(ws) -> None:
    """Send a slow client's waiting bytes in order, waiting for its socket as needed."""
    pending = ws._pending
    try:
        while pending:
            chunk = pending[0]
            ws.sock.sendall(chunk)
            pending.popleft()
            ws._pending_size -= len(chunk)
    except OSError:
        _hang_up(ws)
        pending.clear()
    finally:
        del ws._pending


def _hang_up(ws) -> None:
    """Drop a connection whose bytes can no longer be delivered; its reader then ends the socket."""
    ws.connected = False
    try:
        ws.sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


TUNED_FOR = {"python-engineio": "4.15.1", "python-socketio": "5.18.1", "simple-websocket": "1.1.0",
             "wsproto": "1.3.2"}


def tuning_enabled(app) -> bool:
    """Whether to tune: `SOCKETIO_TUNING` is on and the libraries are the versions the tuning was written for."""
    if not app.config.get("SOCKETIO_TUNING", True):
        return False
    from importlib.metadata import version
    installed = {name: version(name) for name in TUNED_FOR}
    if installed != TUNED_FOR:
        log.warning("Socket.IO transport tuning is off: it was written for %s, and %s is installed", TUNED_FOR,
                    installed)
        return False
    return True


def client_manager(queue_url: str | None) -> dict:
    """The `client_manager` argument for `socketio.init_app`: Redis that publishes first, or rooms with
    background delivery; nothing for another kind of message queue (python-socketio's own is used)."""
    if queue_url and queue_url.startswith(("redis://", "rediss://")):
        return {"client_manager": PublishFirstRedisManager(queue_url, channel="flask-socketio")}
    return {} if queue_url else {"client_manager": RoomManager()}


def install(app) -> None:
    """Patch the WebSocket send path (once per process) and strip deflate offers from this app's requests."""
    install_frame_cache()
    if app.config["SOCKETIO_ASYNC_MODE"] == "gevent":
        install_direct_send()
    app.wsgi_app = strip_deflate_offer(app.wsgi_app)  # outside Socket.IO's middleware


def install_frame_cache() -> None:
    """Send server text frames through the per-payload cache (idempotent)."""
    simple_websocket.ws.Base.send = _send


def install_direct_send() -> None:
    """Let engine.io write a WebSocket's packets at once when its queue is empty (idempotent)."""
    from engineio import socket as eio_socket
    if getattr(eio_socket.Socket, "_fuhua_direct", False):
        return
    queued_send = eio_socket.Socket.send
    queued_poll = eio_socket.Socket.poll
    original_handler = eio_socket.Socket._websocket_handler

    def websocket_handler(self, ws):
        self._direct_ws = ws  # engine.io keeps it local to this method
        _keep_backlog_here(ws)
        try:
            return original_handler(self, ws)
        finally:
            self._direct_ws = None

    def send(self, pkt):
        ws = self.__dict__.get("_direct_ws")
        if ws is None or not self.upgraded or self.closed or self.queue.qsize():
            return queued_send(self, pkt)
        if not self.check_ping_timeout():
            return None
        try:
            ws.send(pkt.encode())
        except Exception:  # noqa: BLE001 (closed under us: the writer finds out and closes the socket; a
            return queued_send(self, pkt)  # broadcast to the rest of the room goes on)
        return None

    def poll(self):
        # engine.io's writer takes a wait of ping interval + timeout with nothing queued as a dead client:
        # with packets written directly (pings among them) the queue stays empty however live the client
        # is, so while the client answers its pings in time, the writer waits on.
        while True:
            try:
                return queued_poll(self)
            except QueueEmpty:
                if self.__dict__.get("_direct_ws") is None or not self.upgraded or self.closed \
                        or not _answering(self):
                    raise

    eio_socket.Socket._websocket_handler = websocket_handler
    eio_socket.Socket.send = send
    eio_socket.Socket.poll = poll
    eio_socket.Socket._fuhua_direct = True


def _answering(eio_socket) -> bool:
    """Whether the client has answered every ping it was sent, or is still within the time to answer."""
    last_ping = eio_socket.last_ping
    return not last_ping or time.time() - last_ping <= eio_socket.server.ping_timeout


def strip_deflate_offer(wsgi_app):
    """WSGI middleware: drop the client's WebSocket extension offers (permessage-deflate)."""
    def middleware(environ, start_response):
        environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return wsgi_app(environ, start_response)
    return middleware


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
