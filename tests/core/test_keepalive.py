"""Sockets stay up: the served app (gevent, transport tuning on) never drops a live client.

The heartbeat is shortened (a ping every second, four seconds to answer — a loaded test machine can delay a
pong by a second or two; Engine.IO tells clients the interval in whole seconds) so that holding a socket for
fifteen seconds spans fifteen ping cycles and three of engine.io's writer timeouts (interval + timeout), the point
where a viewer used to be dropped every 45 seconds in production. Each case holds its clients through
those cycles and checks that none was disconnected, that each is still the same session, and that it
received what was broadcast; a client that stops answering pings is still closed, as Engine.IO v4 says.
"""
from __future__ import annotations

import itertools
import json
import socket
import threading
import time

import pytest
import requests
import socketio
import websocket

from tests.conftest import PASSWORD
from tests.served import serve

pytestmark = pytest.mark.served

PING_INTERVAL, PING_TIMEOUT = 1, 4
HOLD = 15.0  # seconds: fifteen pings, three writer timeouts
SETTINGS = {"SOCKETIO_PING_INTERVAL": str(PING_INTERVAL), "SOCKETIO_PING_TIMEOUT": str(PING_TIMEOUT),
            "ROADSHOW_CHAT_RATE": "1000/second"}
IN_FLIGHT = 10
START, END = "2030-05-01T09:00:00+08:00", "2030-05-01T12:00:00+08:00"


@pytest.fixture(scope="module")
def site():
    """The app served for real with a short heartbeat, a public roadshow and a signed-in poster."""
    with serve(env=SETTINGS) as served:
        base = served.url
        served.flask("create-admin", "ops@example.com", "--password", PASSWORD)
        admin = _session(base, "ops@example.com", register=False)
        response = admin.post(f"{base}/api/roadshows", timeout=10,
                              json={"title": "长时间的路演 Keepalive", "starts_at": START, "ends_at": END})
        assert response.status_code == 201, response.text
        served.roadshow_id = response.json()["id"]
        served.poster_token = admin.post(f"{base}/api/tokens", json={"name": "poster"}, timeout=10).json()["token"]
        yield served


def _session(base: str, email: str, *, register: bool = True) -> requests.Session:
    session = requests.Session()
    path, body = ("register", {"email": email, "password": PASSWORD, "name": "观众", "role": "investor"}) \
        if register else ("login", {"email": email, "password": PASSWORD})
    response = session.post(f"{base}/api/auth/{path}", json=body, timeout=10)
    assert response.status_code in (200, 201), response.text
    session.headers["X-CSRFToken"] = response.json()["csrf_token"]
    return session


class Viewer:
    """A python-socketio client that records its disconnects and the chat messages it receives."""

    def __init__(self, base: str, *, transports=("websocket",)):
        self.client = socketio.Client(reconnection=False)
        self.disconnects: list[str] = []
        self.messages: list[int] = []
        self.client.on("disconnect", lambda reason=None: self.disconnects.append(str(reason)))
        self.client.on("chat:new", lambda message: self.messages.append(message["id"]))
        self.client.connect(base, transports=list(transports), wait_timeout=10)
        self.sid = self.client.get_sid()

    def join(self, roadshow_id: int) -> dict:
        ack = self.client.call("roadshow:join", {"roadshow_id": roadshow_id, "after_id": None}, timeout=10)
        assert ack["ok"], ack
        return ack

    def assert_still_up(self) -> None:
        assert self.disconnects == [], f"the server dropped the client: {self.disconnects}"
        assert self.client.connected and self.client.get_sid() == self.sid
        # and the socket still answers: an acknowledged event goes both ways
        ack = self.client.call("roadshow:join", {"roadshow_id": 2147483647, "after_id": None}, timeout=5)
        assert ack["ok"] is False

    def close(self) -> None:
        self.client.disconnect()


def _post_for(site, seconds: float, per_second: float, body: str = "消息 message", until=None) -> list[int]:
    """Post chat messages at up to `per_second` for `seconds` (or until `until(number posted)` holds) from another
    socket, up to `IN_FLIGHT` of them unacknowledged at a time; returns the ids of the stored messages, in order.

    (A socket's events are handled in order, and its pongs are read after them: a poster that sent faster
    than the server stores would have its own pongs read too late and count as gone.)"""
    poster = socketio.Client(reconnection=False)
    poster.connect(site.url, auth={"token": site.poster_token}, transports=["websocket"], wait_timeout=10)
    acks: list[dict] = []
    try:
        assert poster.call("roadshow:join", {"roadshow_id": site.roadshow_id, "after_id": None}, timeout=10)["ok"]
        deadline = time.monotonic() + seconds
        n = 0
        while time.monotonic() < deadline and not (until and until(n)):
            n += 1
            poster.emit("chat:send", {"roadshow_id": site.roadshow_id, "body": f"{body} {n}",
                                      "client_id": f"keepalive-{time.monotonic_ns()}-{n}"}, callback=acks.append)
            time.sleep(1 / per_second)
            while n - len(acks) >= IN_FLIGHT and time.monotonic() < deadline + 10:
                time.sleep(0.002)
        _wait_for(lambda: len(acks) == n, timeout=30)
    finally:
        poster.disconnect()
    assert len(acks) == n and all(ack["ok"] for ack in acks), [a for a in acks if not a["ok"]][:3]
    return sorted(ack["message"]["id"] for ack in acks)


def _wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_an_idle_socket_in_no_room_stays_up(site):
    viewer = Viewer(site.url)
    try:
        time.sleep(HOLD)
        viewer.assert_still_up()
    finally:
        viewer.close()


def test_an_idle_viewer_in_a_room_stays_up(site):
    viewer = Viewer(site.url)
    try:
        viewer.join(site.roadshow_id)
        time.sleep(HOLD)
        viewer.assert_still_up()
    finally:
        viewer.close()


def test_a_viewer_on_long_polling_that_upgrades_stays_up(site):
    viewer = Viewer(site.url, transports=("polling", "websocket"))
    try:
        viewer.join(site.roadshow_id)
        _wait_for(lambda: viewer.client.transport() == "websocket")
        assert viewer.client.transport() == "websocket"
        time.sleep(HOLD)
        viewer.assert_still_up()
    finally:
        viewer.close()


def test_a_viewer_receiving_a_trickle_stays_up_and_gets_every_message(site):
    viewer = Viewer(site.url)
    try:
        viewer.join(site.roadshow_id)
        sent = _post_for(site, HOLD, per_second=1.5)
        _wait_for(lambda: set(sent) <= set(viewer.messages))
        assert [m for m in viewer.messages if m in set(sent)] == sent
        viewer.assert_still_up()
    finally:
        viewer.close()


def test_viewers_receiving_a_flood_stay_up_and_get_every_message(site):
    """Three socket.io clients get every message once and stay up; a raw reader sees them in order (the
    python-engineio client runs each message's handler in a thread of its own, so its list is in no order)."""
    viewers = [Viewer(site.url) for _ in range(3)]
    reader = SlowReader(site.url, site.roadshow_id, pause=0.0)  # reads as fast as it can
    try:
        for viewer in viewers:
            viewer.join(site.roadshow_id)
        time.sleep(0.5)  # the reader's join
        sent = _post_for(site, HOLD, per_second=200)
        assert len(sent) > 10 * HOLD
        for viewer in viewers:
            _wait_for(lambda viewer=viewer: set(sent) <= set(viewer.messages))
            assert sorted(m for m in viewer.messages if m in set(sent)) == sent  # each once
            viewer.assert_still_up()
        _wait_for(lambda: set(sent) <= set(reader.messages))
        assert [m for m in reader.messages if m in set(sent)] == sent
        assert not reader.closed_by_server
    finally:
        reader.close()
        for viewer in viewers:
            viewer.close()


class SlowReader:
    """A raw Engine.IO v4 WebSocket client that reads in bursts: it stops reading for `pause` seconds at a
    time (less than the ping timeout), then catches up, answering every ping it finds ("2" → "3")."""

    def __init__(self, base: str, roadshow_id: int, pause: float, per_frame: float = 0.0):
        url = base.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        # A small receive buffer (set before connecting, so TCP's window is sized for it): while the reader
        # pauses, the server's bytes back up into its own per-socket buffer.
        self.ws = websocket.create_connection(url, timeout=10,
                                              sockopt=[(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)])
        assert self.ws.recv().startswith("0")
        self.ws.send("40")
        assert self.ws.recv().startswith("40")
        self.ws.send("421" + json.dumps(["roadshow:join", {"roadshow_id": roadshow_id, "after_id": None}]))
        self.pause = pause
        self.per_frame = per_frame  # seconds spent on each frame: a reader slower than the room
        self.messages: list[int] = []
        self.pings = 0
        self.ping_times: list[float] = []
        self.closed_by_server = False
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        self.ws.settimeout(None)  # (a timeout in the middle of a frame would lose its start)
        next_pause = time.monotonic() + self.pause
        while not self.stop.is_set():
            if time.monotonic() >= next_pause:
                time.sleep(self.pause)  # not reading: the server's bytes pile up in its buffers
                next_pause = time.monotonic() + self.pause
            try:
                packet = self.ws.recv()
            except (websocket.WebSocketConnectionClosedException, OSError) as error:
                self.closed_by_server = not self.stop.is_set() and repr(error)
                return
            if self.per_frame:
                time.sleep(self.per_frame)
            if packet == "2":
                self.ping_times.append(time.monotonic())
                self.pings += 1
                try:
                    self.ws.send("3")
                except (websocket.WebSocketConnectionClosedException, OSError) as error:
                    # (closed by the test itself while this thread slept over the ping: not the server's doing)
                    self.closed_by_server = not self.stop.is_set() and repr(error)
                    return
            elif packet == "1" or packet == "":
                self.closed_by_server = repr(packet)
                return
            elif packet.startswith('42["chat:new"'):
                self.messages.append(json.loads(packet[2:])[1]["id"])

    def close(self) -> None:
        self.stop.set()
        self.ws.close()
        self.thread.join(5)


def test_a_slow_reader_within_the_buffer_limit_stays_up_and_gets_everything_in_order(site):
    reader = SlowReader(site.url, site.roadshow_id, pause=0.7)  # well inside the time to answer a ping
    try:
        time.sleep(0.5)
        sent = _post_for(site, HOLD, per_second=30, body="慢 " + "x" * 900)
        _wait_for(lambda: set(sent) <= set(reader.messages))
        assert not reader.closed_by_server
        assert [m for m in reader.messages if m in set(sent)] == sent
        assert reader.pings >= HOLD / (PING_INTERVAL + PING_TIMEOUT)
    finally:
        reader.close()


def test_a_reader_further_behind_than_the_ping_timeout_stays_up_and_gets_everything_in_order(site):
    """A viewer on a slow link falls behind the room by more than a ping cycle: its pings overtake the backlog,
    so it answers them in time and catches up, instead of being taken for dead while still reading."""
    # 5 frames a second, while the room gets up to 30: even a loaded server that stores a third of that leaves
    # the reader behind (at 20 a second, a loaded CI server kept pace with it and the backlog never built up)
    per_frame = 0.2
    behind = int(3 * (PING_INTERVAL + PING_TIMEOUT) / per_frame)  # frames: fifteen seconds of its reading
    reader = SlowReader(site.url, site.roadshow_id, pause=0.0, per_frame=per_frame)
    try:
        time.sleep(0.5)
        sent = _post_for(site, 60, per_second=30, body="慢" * 900, until=lambda n: n - len(reader.messages) > behind)
        stopped = time.monotonic()
        _wait_for(lambda: set(sent) <= set(reader.messages) or reader.closed_by_server, timeout=60)
        assert not reader.closed_by_server, reader.closed_by_server
        caught_up = time.monotonic() - stopped
        assert caught_up > PING_INTERVAL + PING_TIMEOUT, f"only {caught_up:.1f}s behind: the test tests nothing"
        assert [m for m in reader.messages if m in set(sent)] == sent
        gaps = [b - a for a, b in itertools.pairwise(reader.ping_times)]
        assert max(gaps) < PING_INTERVAL + PING_TIMEOUT, [round(gap, 2) for gap in gaps]  # pings kept coming
    finally:
        reader.close()


def test_a_client_that_stops_answering_pings_is_closed(site):
    url = site.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    ws = websocket.create_connection(url, timeout=10)
    try:
        assert ws.recv().startswith("0")
        ws.send("40")
        assert ws.recv().startswith("40")
        started, packets = time.monotonic(), []
        ws.settimeout(1)
        while time.monotonic() - started < 40:  # never answers the pings
            try:
                packet = ws.recv()
            except websocket.WebSocketTimeoutException:
                continue
            except (websocket.WebSocketConnectionClosedException, OSError):
                break
            if not packet:
                break
            packets.append(packet)
        took = time.monotonic() - started
        assert packets and packets[0] == "2"  # it was pinged
        assert took < 4 * (PING_INTERVAL + PING_TIMEOUT) + 2, f"still open after {took:.1f}s"
    finally:
        ws.close()


def test_the_socket_io_javascript_client_stays_connected(site, request):
    """The official client (the bundle the pages load), in Debian's Chromium: no disconnect, one sid."""
    from pathlib import Path
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium")
    browser = request.getfixturevalue("browser")  # the session's one Chromium (one sync Playwright per process)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(site.url + "/roadshows")
        page.add_script_tag(url="/static/vendor/socket.io.min.js")
        page.evaluate("""(roadshowId) => new Promise((resolve) => {
            window.probe = {disconnects: [], connects: 0, messages: 0};
            const socket = window.io({transports: ["polling", "websocket"], reconnection: true});
            window.probeSocket = socket;
            socket.on("connect", () => {
                window.probe.connects += 1;
                window.probe.sid = window.probe.sid || socket.id;
                socket.emit("roadshow:join", {roadshow_id: roadshowId, after_id: null}, () => resolve());
            });
            socket.on("disconnect", (reason) => window.probe.disconnects.push(reason));
            socket.on("chat:new", () => { window.probe.messages += 1; });
        })""", site.roadshow_id)
        sent = _post_for(site, HOLD, per_second=2)
        _wait_for(lambda: page.evaluate("window.probe.messages") >= len(sent))
        probe = page.evaluate("""() => ({...window.probe, transport: window.probeSocket.io.engine.transport.name,
                                         same: window.probeSocket.id === window.probe.sid})""")
        assert probe["disconnects"] == [] and probe["connects"] == 1 and probe["same"], probe
        assert probe["transport"] == "websocket" and probe["messages"] == len(sent)
    finally:
        context.close()


def test_a_client_that_closes_is_gone_from_the_room_at_once(site):
    """Closing (the client's own engine.io close) is not left to the heartbeat to find out: a signed-in
    observer's presence count drops within a flush or two, well before a ping timeout would tell."""
    counts: list[int] = []
    observer = socketio.Client(reconnection=False)
    observer.on("presence:update", lambda presence: counts.append(presence["count"]))
    observer.connect(site.url, auth={"token": site.poster_token}, transports=["websocket"], wait_timeout=10)
    signed_in = _session(site.url, "closer@example.com")
    token = signed_in.post(f"{site.url}/api/tokens", json={"name": "closer"}, timeout=10).json()["token"]
    viewer = socketio.Client(reconnection=False)
    try:
        assert observer.call("roadshow:join", {"roadshow_id": site.roadshow_id, "after_id": None}, timeout=10)["ok"]
        _wait_for(lambda: counts and counts[-1] == 1)
        viewer.connect(site.url, auth={"token": token}, transports=["websocket"], wait_timeout=10)
        assert viewer.call("roadshow:join", {"roadshow_id": site.roadshow_id, "after_id": None}, timeout=10)["ok"]
        _wait_for(lambda: counts[-1] == 2)
        assert counts[-1] == 2
        viewer.disconnect()
        closed = time.monotonic()
        _wait_for(lambda: counts[-1] == 1)
        assert counts[-1] == 1 and time.monotonic() - closed < 5
    finally:
        observer.disconnect()


def test_signing_out_closes_the_accounts_sockets(site):
    """A server-initiated close (the session ends) reaches a cookie-signed-in socket as a close, not a drop."""
    signed_in = _session(site.url, "leaver@example.com")
    cookie = "; ".join(f"{name}={value}" for name, value in signed_in.cookies.items())
    reasons: list[str] = []
    viewer = socketio.Client(reconnection=False)
    viewer.on("disconnect", lambda reason=None: reasons.append(str(reason)))
    viewer.connect(site.url, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=10)
    try:
        assert signed_in.post(f"{site.url}/api/auth/logout", timeout=10).status_code in (200, 204)
        _wait_for(lambda: reasons)
        assert reasons == ["server disconnect"]  # Socket.IO's "io server disconnect", as python-socketio names it
    finally:
        if viewer.connected:
            viewer.disconnect()
