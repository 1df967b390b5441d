"""Transport tuning: frames built once per payload, no per-copy compression, direct sends, room managers."""
import json

import pytest
from wsproto.frame_protocol import FrameProtocol

from app.core.transport import strip_deflate_offer, text_frame


def _decode(frame: bytes) -> str:
    reader = FrameProtocol(client=True, extensions=[])
    reader.receive_bytes(frame)
    frames = list(reader.received_frames())
    assert len(frames) == 1 and frames[0].message_finished
    return frames[0].payload


@pytest.mark.parametrize("text", ["", "42[\"chat:new\",{}]", "x" * 125, "y" * 126, "z" * 65535, "路演" * 40000])
def test_a_text_frame_reads_back_as_the_same_message(text):
    assert _decode(text_frame(text)) == text


def test_the_deflate_offer_never_reaches_the_handshake():
    seen = {}

    def app(environ, start_response):
        seen.update(environ)
        return []
    strip_deflate_offer(app)({"HTTP_SEC_WEBSOCKET_EXTENSIONS": "permessage-deflate; client_max_window_bits",
                              "HTTP_UPGRADE": "websocket"}, None)
    assert "HTTP_SEC_WEBSOCKET_EXTENSIONS" not in seen and seen["HTTP_UPGRADE"] == "websocket"


class _Raw:
    """What `_send` uses of gevent's socket: the non-blocking socket inside, and a `sendall` that waits."""

    def __init__(self, sock):
        self._sock = sock

    def sendall(self, data):
        import select
        data = memoryview(data)
        while data:
            select.select([], [self._sock], [], 5)
            try:
                data = data[self._sock.send(data):]
            except BlockingIOError:
                continue

    def shutdown(self, how):
        self._sock.shutdown(how)


class _ServerSocket:
    """What `_send` reads of a simple-websocket server connection."""
    is_server = True
    connected = True

    def __init__(self, sock):
        from types import SimpleNamespace
        self.sock = _Raw(sock)
        self.ws = SimpleNamespace(connection=SimpleNamespace(_proto=SimpleNamespace(extensions=[])))


@pytest.fixture
def slow_pair():
    import socket
    server, client = socket.socketpair()
    server.setblocking(False)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    yield _ServerSocket(server), client
    server.close()
    client.close()


def _send_all_in_a_thread(ws, messages):
    """Send from another thread: if `_send` ever waited for the reader (who is not reading yet), the
    thread would not finish."""
    import threading

    from app.core import transport as websocket
    errors = []

    def run():
        try:
            for text in messages:
                websocket._send(ws, text)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(10)
    return not thread.is_alive(), errors


def _read_frames(sock) -> list[str]:
    reader = FrameProtocol(client=True, extensions=[])
    texts, parts = [], []
    sock.settimeout(5)
    while True:
        data = sock.recv(65536)
        if not data:
            return texts
        reader.receive_bytes(data)
        for frame in reader.received_frames():
            parts.append(frame.payload)
            if frame.message_finished:
                texts.append("".join(parts))
                parts = []


def test_a_slow_reader_never_blocks_the_sender_and_gets_everything_in_order(app, slow_pair):
    ws, client = slow_pair
    messages = [f"{n} " + "x" * 5000 for n in range(100)]
    finished, errors = _send_all_in_a_thread(ws, messages)
    assert finished and not errors
    assert "_pending" in ws.__dict__  # the socket could not take it all at once: the rest waits in order
    import threading
    import time
    received = []
    reader = threading.Thread(target=lambda: received.extend(_read_frames(client)), daemon=True)
    reader.start()
    deadline = time.monotonic() + 10
    while "_pending" in ws.__dict__ and time.monotonic() < deadline:
        time.sleep(0.01)
    ws.sock.shutdown(2)
    reader.join(10)
    assert received == messages


def test_a_client_too_far_behind_is_disconnected(app, slow_pair, monkeypatch):
    import simple_websocket

    from app.core import transport as websocket
    monkeypatch.setattr(websocket, "MAX_PENDING", 50_000)
    ws, client = slow_pair
    finished, errors = _send_all_in_a_thread(ws, [f"{n} " + "y" * 5000 for n in range(100)])
    assert finished and len(errors) == 1 and isinstance(errors[0], simple_websocket.ConnectionClosed)
    assert ws.connected is False
    client.settimeout(5)
    while client.recv(65536):  # what was sent, then the end: the connection was shut
        pass


@pytest.mark.served
def test_served_sockets_take_no_compression_and_read_broadcasts(served_app):  # noqa: F811
    import websocket
    url = served_app.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    ws = websocket.create_connection(url, timeout=10, header=["Sec-WebSocket-Extensions: permessage-deflate"])
    try:
        assert "sec-websocket-extensions" not in {k.lower() for k in ws.getheaders()}
        assert ws.recv().startswith("0")  # the engine.io handshake, framed by us
        ws.send("40")
        assert ws.recv().startswith("40")
        ws.send('421["roadshow:join",{"roadshow_id":2147483647,"after_id":null}]')
        ack = ws.recv()
        assert ack.startswith("431") and json.loads(ack[3:])[0]["ok"] is False
    finally:
        ws.close()


from tests.served import served_app  # noqa: E402, F401


def test_an_emit_is_published_before_this_process_delivers_it(monkeypatch):
    """The other processes' viewers must not wait for this process's whole fan-out."""
    import socketio

    from app.core.transport import PublishFirstRedisManager
    manager = PublishFirstRedisManager("redis://127.0.0.1:6379/15", write_only=True)  # publishing is replaced
    order = []
    monkeypatch.setattr(manager, "_publish", lambda message: order.append(("published", message["event"])))
    monkeypatch.setattr(socketio.Manager, "emit",
                        lambda self, event, data, *args, **kwargs: order.append(("here", event)))
    manager.emit("chat:new", {"id": 1}, namespace="/", room="roadshow:1")
    assert order == [("published", "chat:new"), ("here", "chat:new")]

    def failing(message):
        raise ConnectionError("Redis is down")
    monkeypatch.setattr(manager, "_publish", failing)
    with pytest.raises(ConnectionError):
        manager.emit("chat:new", {"id": 2}, namespace="/", room="roadshow:1")
    assert order[-1] == ("here", "chat:new")  # delivered here all the same


def _room_of(count: int):
    """A Socket.IO server whose room manager believes it runs under gevent (its tasks are threads here),
    with `count` sockets in "roadshow:1"; returns it and the log of what it sent, and when it paused."""
    import threading

    import socketio

    from app.core.transport import RoomManager
    server = socketio.Server(async_mode="threading", client_manager=RoomManager())
    server.async_mode = "gevent"
    log, lock = [], threading.Lock()

    def send(eio_sid, pkt):
        with lock:
            log.append((threading.get_ident(), eio_sid, pkt.data))
    server._send_eio_packet = send
    server.manager._step_aside = lambda patient: log.append((threading.get_ident(), "paused", patient))
    for n in range(count):
        sid = server.manager.connect(f"eio{n}", "/")
        server.manager.enter_room(sid, "/", "roadshow:1")
    return server, log


def _wait_for(condition):
    import time
    deadline = time.monotonic() + 10
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert condition()


def test_a_room_gets_its_bursts_in_the_background_pausing_between_slices():
    import threading

    server, log = _room_of(250)
    server.emit("reaction:burst", {"n": 1}, to="roadshow:1")
    server.emit("reaction:burst", {"n": 2}, to="roadshow:1")
    _wait_for(lambda: sum(1 for entry in log if entry[1] != "paused") == 2 * 250)
    assert {ident for ident, _, _ in log} == {log[0][0]} != {threading.get_ident()}  # one delivery task
    runs, run = [], 0  # copies sent between pauses
    for _, eio_sid, patient in log:
        if eio_sid == "paused":
            assert patient is True  # waiting for idle moments: each burst took under a second
            runs.append(run)
            run = 0
        else:
            run += 1
    assert runs + [run] == [32] * 7 + [26 + 32] + [32] * 6 + [26]  # 250 copies a burst, a pause every 32
    copies = [entry for entry in log if entry[1] != "paused"]
    first = [data for _, eio_sid, data in copies if eio_sid == "eio7"]
    assert len(first) == 2 and '"n":1' in first[0] and '"n":2' in first[1]  # in the order they were emitted


def test_a_chat_message_is_delivered_at_once_and_never_pauses():
    import threading

    server, log = _room_of(250)
    server.emit("chat:new", {"id": 1}, to="roadshow:1")
    assert len(log) == 250 and all(ident == threading.get_ident() and eio_sid != "paused"
                                   for ident, eio_sid, _ in log)


def test_a_background_burst_is_published_once(monkeypatch):
    """The delivery task sends to this process's sockets; it does not hand the burst to Redis again."""
    from app.core.transport import PublishFirstRedisManager
    manager = PublishFirstRedisManager("redis://127.0.0.1:6379/15", write_only=True)
    published, delivered = [], []
    monkeypatch.setattr(manager, "_publish", published.append)
    manager.server = type("Server", (), {"async_mode": "gevent"})()
    monkeypatch.setattr(manager, "_background_queue", lambda: type("Queue", (), {"put": delivered.append})())
    manager.emit("reaction:burst", {"n": 1}, namespace="/", room="roadshow:1")
    assert [m["event"] for m in published] == ["reaction:burst"] and len(delivered) == 1


def test_the_tuning_is_written_for_the_pinned_versions():
    """The tuning replaces methods of these libraries and reads their private attributes: when a pin changes,
    this fails, so that the tuning is read against the new versions (and TUNED_FOR updated) before it ships."""
    from importlib.metadata import version
    from pathlib import Path

    from app.core.transport import TUNED_FOR
    requirements = Path(__file__).resolve().parents[2] / "requirements.txt"
    pins = dict(line.split("==") for line in requirements.read_text().splitlines() if "==" in line)
    assert {name: pins.get(name) for name in TUNED_FOR} == TUNED_FOR
    assert {name: version(name) for name in TUNED_FOR} == TUNED_FOR


def test_other_library_versions_switch_the_tuning_off(app, monkeypatch, caplog):
    import importlib.metadata

    from app.core.transport import tuning_enabled
    assert tuning_enabled(app)
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version",
                        lambda name: "4.99.0" if name == "python-engineio" else real(name))
    assert not tuning_enabled(app)
    assert "tuning is off" in caplog.text


def test_the_switch_turns_the_tuning_off(app, monkeypatch):
    from app.core.transport import tuning_enabled
    monkeypatch.setitem(app.config, "SOCKETIO_TUNING", False)
    assert not tuning_enabled(app)


@pytest.mark.served
def test_served_untuned_sockets_are_the_libraries_own():
    """SOCKETIO_TUNING=0: stock simple-websocket (it accepts the deflate offer), and the room still works."""
    import websocket

    from tests.served import serve
    with serve(env={"SOCKETIO_TUNING": "0"}) as served:
        url = served.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        ws = websocket.create_connection(url, timeout=10, header=["Sec-WebSocket-Extensions: permessage-deflate"])
        try:
            assert "permessage-deflate" in ws.getheaders().get("sec-websocket-extensions", "")
        finally:
            ws.close()
        import socketio
        client = socketio.Client(reconnection=False)
        client.connect(served.url, transports=["websocket"], wait_timeout=10)
        try:
            ack = client.call("roadshow:join", {"roadshow_id": 2147483647, "after_id": None}, timeout=10)
            assert ack["ok"] is False and ack["error"]["code"] == "roadshow_not_found"
        finally:
            client.disconnect()
