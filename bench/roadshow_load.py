"""Load test of one roadshow room: N viewers, one presenter chatting at R messages a second.

Viewers are raw Engine.IO v4 WebSocket clients (one epoll loop per process, no client library), spread over
several processes so the load tool does not measure itself. Each message carries its send time; a viewer
records the time it arrived. Reported: connect time (socket open → join acknowledged), delivery (loss),
latency p50 / p99 / max from send to receipt, and the server's CPU seconds per delivered copy and memory.

    .venv/bin/python bench/roadshow_load.py --target fuhua --viewers 1000
    .venv/bin/python bench/roadshow_load.py --target bare  --viewers 1000
    .venv/bin/python bench/roadshow_load.py --target both  --viewers 100 500 1000 --reactions

`fuhua` serves the real app (tests/served.py: migrated throwaway SQLite database, `python wsgi.py`, gevent);
`bare` runs bench/roadshow_bare_server.py, a minimal Flask-SocketIO server in the same async mode; `node` runs
bench/node/server.js, the same minimal server on node's socket.io (`npm ci` in bench/node on first use).
`--reactions` makes every viewer also send one reaction a second (Fuhua only: the bare server has none);
the viewers then sign in, each as a different investor with an API token (reactions are not anonymous).
`--servers 2 --redis redis://127.0.0.1:6379/5` serves Fuhua from two processes sharing Redis as the
Socket.IO message queue (viewers spread over them, the presenter on the first); `--database postgresql`
uses a throwaway PostgreSQL database (TEST_DATABASE_URL, default the local server) instead of SQLite.

    .venv/bin/python bench/roadshow_load.py --target fuhua --viewers 5000 --rate 2 --servers 2 \
        --redis redis://127.0.0.1:6379/5 --database postgresql --procs 6

`--deck 100` (Fuhua) also keeps a 100-page deck rendering during the whole sending phase: a founder uploads it
for a pitch of the room, waits until it is rendered (asking every `--deck-poll` seconds, 0.5 by default), and uploads
it again (each time replacing the last one), so the chat latency can be compared with the same run without it.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CLK_TCK = os.sysconf("SC_CLK_TCK")


# Server side -----------------------------------------------------------------------------------------

def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _stock_server(kind: str, port: int) -> list[str]:
    """The command that serves a stock server: Flask-SocketIO (`bare`) or node socket.io (`node`, installed
    into bench/node by npm on first use, from bench/node/package.json and its lock file)."""
    if kind == "bare":
        return [sys.executable, str(ROOT / "bench" / "roadshow_bare_server.py"), str(port)]
    node = ROOT / "bench" / "node"
    if not (node / "node_modules" / "socket.io").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=node, check=True)
    return ["node", str(node / "server.js"), str(port)]


class Target:
    """A server to load: its URL, its pid, the room id and an auth payload for the sender."""

    def __init__(self, kind: str, servers: int = 1, redis: str | None = None, database: str = "sqlite",
                 deck: bool = False):
        self.kind = kind
        self.servers, self.redis, self.database, self.deck = servers, redis, database, deck
        self._stack = None

    def __enter__(self) -> Target:
        if self.kind in ("bare", "node"):
            from tests.served import free_port
            port = free_port()
            self.proc = subprocess.Popen(_stock_server(self.kind, port), cwd=ROOT, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)
            self.url = f"http://127.0.0.1:{port}"
            _wait(self.url)
            self.pid, self.roadshow_id, self.sender_auth = self.proc.pid, 1, None
            self.pids, self.urls = [self.pid], [self.url]
        else:
            self._start_fuhua()
        return self

    def _start_fuhua(self) -> None:
        import contextlib

        import requests

        from tests.served import serve
        self._stack = contextlib.ExitStack()
        env = {"ROADSHOW_CHAT_RATE": "100000/second", "ROADSHOW_REACTION_RATE": "100000/second",
               "FUHUA_WARM_UP": "1"}
        if self.redis:
            env["REDIS_URL"] = self.redis
        if self.database == "postgresql":
            os.environ.setdefault("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
        else:
            os.environ.pop("TEST_DATABASE_URL", None)
        served = self._stack.enter_context(serve(env=env, processes=self.servers))
        password = "plum-orchard-lantern-1"
        served.flask("create-admin", "bench@example.com", "--password", password)
        session = requests.Session()
        login = session.post(f"{served.url}/api/auth/login", json={"email": "bench@example.com",
                                                                  "password": password}, timeout=10).json()
        session.headers["X-CSRFToken"] = login["csrf_token"]
        roadshow = session.post(f"{served.url}/api/roadshows", timeout=10, json={
            "title": "Bench", "starts_at": "2030-01-01T00:00:00+00:00", "ends_at": "2030-01-01T03:00:00+00:00"}).json()
        token = session.post(f"{served.url}/api/tokens", json={"name": "bench"}, timeout=10).json()["token"]
        self.url, self.pid, self.roadshow_id = served.url, served.server.process.pid, roadshow["id"]
        self.pids = [s.process.pid for s in served.servers]
        self.urls = [s.url for s in served.servers]
        self.sender_auth = {"token": token}
        self._served = served
        if self.deck:
            self.founder, self.pitch_id = _deck_pitch(served.url, session, self.roadshow_id)

    def viewer_tokens(self, count: int) -> list[str]:
        """`count` investor accounts, each with an API token (inserted directly: hashing passwords for
        thousands of sign-ups would take minutes), so signed-in viewers are distinct people."""
        result = subprocess.run([sys.executable, "-c", _MAKE_VIEWERS, str(count)], cwd=ROOT, env=self._served.env(),
                                capture_output=True, text=True, timeout=600)
        if result.returncode:
            raise RuntimeError(result.stderr)
        return json.loads(result.stdout.strip().splitlines()[-1])

    def __exit__(self, *exc) -> None:
        if self.kind in ("bare", "node"):
            self.proc.terminate()
            self.proc.wait(10)
        elif self._stack is not None:
            log = Path("/tmp/roadshow-bench-server.log")
            log.write_text(self._served.logs())
            self._stack.close()


_MAKE_VIEWERS = """
import json, sys
from app import create_app
from app.accounts.models import ApiToken, User
from app.accounts.services import TOKEN_PREFIX, hash_secret, new_secret
from app.extensions import db
app = create_app()
with app.app_context():
    users = [User(email=f"viewer{n}@bench.example", name=f"Viewer {n}", role="investor", password_hash="!")
             for n in range(int(sys.argv[1]))]
    db.session.add_all(users)
    db.session.flush()
    secrets = [TOKEN_PREFIX + new_secret(32) for _ in users]
    db.session.add_all([ApiToken(user_id=u.id, name="bench", token_hash=hash_secret(t), prefix=t[:10])
                        for u, t in zip(users, secrets)])
    db.session.commit()
    print(json.dumps(secrets))
"""


def _wait(url: str) -> None:
    from urllib.request import urlopen
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with urlopen(url + "/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


# Client side: raw Engine.IO v4 over WebSocket --------------------------------------------------------

def _ws_url(url: str) -> str:
    return url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"


def _open(url: str, auth: dict | None):
    """Open a socket (websocket-client), connect to the default namespace, return it: the sender's."""
    import websocket
    ws = websocket.create_connection(_ws_url(url), timeout=60, enable_multithread=False, skip_utf8_validation=True)
    first = ws.recv()
    assert first.startswith("0"), first
    ws.send("40" + (json.dumps(auth) if auth else ""))
    while True:
        packet = ws.recv()
        if packet.startswith("40"):
            return ws
        if packet.startswith("44"):
            raise RuntimeError(f"connect refused: {packet}")
        if packet == "2":
            ws.send("3")


def _client_frame(text: str, opcode: int = 0x1) -> bytes:
    """A masked client frame (RFC 6455 §5.3)."""
    payload = text.encode()
    mask, size = os.urandom(4), len(payload)
    if size < 126:
        header = bytes((0x80 | opcode, 0x80 | size))
    elif size < 1 << 16:
        header = bytes((0x80 | opcode, 0x80 | 126)) + size.to_bytes(2, "big")
    else:
        header = bytes((0x80 | opcode, 0x80 | 127)) + size.to_bytes(8, "big")
    masked = (int.from_bytes(payload, "big") ^ int.from_bytes((mask * (size // 4 + 1))[:size], "big"))
    return header + mask + masked.to_bytes(size, "big")


class _Viewer:
    """One viewer's connection: its socket, unread bytes and where it is in connect → join → watch."""

    __slots__ = ("index", "sock", "buffer", "state", "began", "auth", "seen", "reacts", "bursts")

    def __init__(self, index: int, auth: dict | None, reacts: bool):
        self.index, self.auth, self.reacts = index, auth, reacts
        self.sock, self.buffer, self.state, self.began, self.seen = None, b"", "new", 0.0, set()
        self.bursts: list[float] = []  # when each reaction burst arrived

    def send(self, text: str, opcode: int = 0x1) -> None:
        frame = _client_frame(text, opcode)
        sent = self.sock.send(frame)  # small frames to a socket that is being read: all at once
        if sent < len(frame):
            self.sock.setblocking(True)
            self.sock.sendall(frame[sent:])
            self.sock.setblocking(False)

    def frames(self):
        """The complete text messages in the buffer (server frames: unmasked; pings answered)."""
        buffer, texts, parts = self.buffer, [], []
        while len(buffer) >= 2:
            first, size, start = buffer[0], buffer[1] & 0x7F, 2
            if size == 126:
                if len(buffer) < 4:
                    break
                size, start = int.from_bytes(buffer[2:4], "big"), 4
            elif size == 127:
                if len(buffer) < 10:
                    break
                size, start = int.from_bytes(buffer[2:10], "big"), 10
            if len(buffer) < start + size:
                break
            payload, buffer = buffer[start:start + size], buffer[start + size:]
            opcode = first & 0x0F
            if opcode == 0x8:
                raise ConnectionError("closed by the server")
            if opcode == 0x9:
                self.send(payload.decode(), 0xA)
            elif opcode in (0x0, 0x1):
                parts.append(payload)
                if first & 0x80:
                    texts.append(b"".join(parts).decode())
                    parts = []
        self.buffer = buffer
        return texts


def viewer_process(url: str, roadshow_id: int, count: int, stop_at: float, reactions: bool, out: Path,
                   tokens: list[str] | None = None) -> None:
    """`count` viewers in one process, all driven by one epoll loop: connect, join, then record every
    chat:new until the sender's "end" (or `stop_at`).

    No greenlets and no client library: with thousands of viewers on the same two cores as the servers,
    the viewers' own cost delays the deliveries they time, and a greenlet per socket (a switch and a
    timer per message) cost several times what reading a frame does. Viewers connect one every 2 ms per
    process, as people arriving at an event's start; the reacting ones (signed in with `tokens`) start
    once every viewer of the process has joined, each at its own moment in the second.
    """
    import heapq
    import selectors
    import socket
    from base64 import b64encode
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    address = (parts.hostname, parts.port)
    handshake = ("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
                 "Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
    tokens = tokens or []
    viewers = [_Viewer(i, {"token": tokens[i]} if i < len(tokens) else None, reactions and i < len(tokens))
               for i in range(count)]
    latencies: list[float] = []
    by_seq: dict[int, list[float]] = {}  # message → its copies' latencies (which messages were slow)
    connects: list[float] = []
    errors: list[str] = []
    acks = {"ok": 0, "refused": 0, "codes": {}}  # reactions acknowledged / refused (by error code)
    selector = selectors.DefaultSelector()
    settled = done = 0
    timers: list[tuple[float, int]] = []  # (when, viewer) of the next reaction
    react_body = json.dumps({"roadshow_id": roadshow_id, "kind": "clap"})
    join_body = json.dumps({"roadshow_id": roadshow_id, "after_id": None})

    def fail(viewer: _Viewer, error) -> None:
        nonlocal settled
        if viewer.state in ("new", "http", "open", "connect", "join"):
            settled += 1
        errors.append(repr(error))
        finish(viewer)

    def finish(viewer: _Viewer) -> None:
        nonlocal done
        if viewer.state == "done":
            return
        viewer.state = "done"
        done += 1
        if viewer.sock is not None:
            try:
                selector.unregister(viewer.sock)
            except (KeyError, ValueError):
                pass
            viewer.sock.close()

    def handle(viewer: _Viewer, text: str, now: float) -> None:
        nonlocal settled
        if text == "2":
            viewer.send("3")
        elif viewer.state == "live":
            if text.startswith('42["chat:new"'):
                seq, sent = json.loads(text[2:])[1]["body"].split(" ", 2)[:2]
                if seq == "end":
                    finish(viewer)
                    return
                viewer.seen.add(int(seq))
                latencies.append(now - float(sent))
                by_seq.setdefault(int(seq), []).append(now - float(sent))
            elif text.startswith('42["reaction:burst"'):
                viewer.bursts.append(now)
            elif text.startswith("43"):  # a reaction's ack
                if '"ok":true' in text:
                    acks["ok"] += 1
                else:
                    code = text.split('"code":', 1)[-1].split(",", 1)[0].strip('" }]')
                    acks["refused"] += 1
                    acks["codes"][code] = acks["codes"].get(code, 0) + 1
        elif viewer.state == "open" and text.startswith("0"):
            viewer.state = "connect"
            viewer.send("40" + (json.dumps(viewer.auth) if viewer.auth else ""))
        elif viewer.state == "connect" and text.startswith("40"):
            viewer.state = "join"
            viewer.send('420["roadshow:join",' + join_body + "]")
        elif viewer.state == "connect" and text.startswith("44"):
            raise RuntimeError(f"connect refused: {text[:200]}")
        elif viewer.state == "join" and text.startswith("430"):
            if not text.startswith('430[{"ok":true'):
                raise RuntimeError(f"join refused: {text[:200]}")
            connects.append(now - viewer.began)
            viewer.state = "live"
            settled += 1

    def readable(viewer: _Viewer) -> None:
        data = viewer.sock.recv(16384)  # small: a big buffer is allocated (and mapped) on every call
        if not data:
            raise ConnectionError("closed")
        viewer.buffer += data
        now = time.time()
        if viewer.state == "http":
            if b"\r\n\r\n" not in viewer.buffer:
                return
            head, viewer.buffer = viewer.buffer.split(b"\r\n\r\n", 1)
            if not head.startswith(b"HTTP/1.1 101"):
                raise ConnectionError(head.split(b"\r\n", 1)[0].decode(errors="replace"))
            viewer.state = "open"
        for text in viewer.frames():
            handle(viewer, text, now)
            if viewer.state == "done":
                return

    def start(viewer: _Viewer) -> None:
        viewer.began = time.time()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setblocking(False)
        viewer.sock, viewer.state = sock, "new"
        sock.connect_ex(address)
        selector.register(sock, selectors.EVENT_WRITE, viewer)

    def connected(viewer: _Viewer) -> None:
        error = viewer.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if error:
            raise ConnectionError(os.strerror(error))
        key = b64encode(os.urandom(16)).decode()
        viewer.sock.sendall(handshake.format(host=f"{address[0]}:{address[1]}", key=key).encode())
        viewer.state = "http"
        selector.modify(viewer.sock, selectors.EVENT_READ, viewer)

    next_start, started, reacting_from = time.time(), 0, None
    while done < count and time.time() < stop_at:
        now = time.time()
        while started < count and next_start <= now:
            try:
                start(viewers[started])
            except OSError as error:
                fail(viewers[started], error)
            started += 1
            next_start += 0.002
        if settled == count and reacting_from is None:  # the room has filled, as at an event's start
            out.with_suffix(".ready").write_text(str(len(connects)))
            reacting_from = now
            for viewer in viewers:
                if viewer.reacts and viewer.state == "live":
                    heapq.heappush(timers, (now + random.random(), viewer.index))  # people click when they like
        while timers and timers[0][0] <= now:
            when, index = heapq.heappop(timers)
            viewer = viewers[index]
            if viewer.state == "live" and when < stop_at - 1:
                try:
                    viewer.send(f'42{index + 1000}["reaction:send",{react_body}]')
                except OSError as error:
                    fail(viewer, error)
                    continue
                heapq.heappush(timers, (when + 1.0, index))
        wait = 0.05
        if started < count:
            wait = min(wait, max(0.0, next_start - now))
        if timers:
            wait = min(wait, max(0.0, timers[0][0] - now))
        for key, _events in selector.select(wait):
            viewer = key.data
            try:
                if viewer.state == "new":
                    connected(viewer)
                else:
                    readable(viewer)
            except Exception as error:  # noqa: BLE001 (a failed viewer counts as loss, and is reported)
                fail(viewer, error)
    if reacting_from is None:
        out.with_suffix(".ready").write_text(str(len(connects)))
    out.write_text(json.dumps({"latencies": latencies, "connects": connects,
                               "by_seq": {seq: [len(v), max(v), sorted(v)[len(v) // 2]] for seq, v in by_seq.items()},
                               "seen": [len(v.seen) for v in viewers],
                               "errors": errors[:20], "error_count": len(errors), "reaction_acks": acks,
                               "bursts": [v.bursts for v in viewers]}))


def sender(url: str, roadshow_id: int, auth: dict | None, rate: float, duration: float) -> tuple[int, float, float]:
    """Send `rate` chat messages a second for `duration` seconds; returns (sent, first, last) times."""
    ws = _open(url, auth)
    ws.send('421["roadshow:join",' + json.dumps({"roadshow_id": roadshow_id, "after_id": None}) + "]")
    while not ws.recv().startswith("431"):
        pass
    import threading

    def drain():
        while True:
            try:
                packet = ws.recv()
            except Exception:  # noqa: BLE001
                return
            if packet == "2":
                ws.send("3")
    threading.Thread(target=drain, daemon=True).start()
    interval, sent, first = 1.0 / rate, 0, time.time()
    while time.time() - first < duration:
        target = first + sent * interval
        delay = target - time.time()
        if delay > 0:
            time.sleep(delay)
        payload = {"roadshow_id": roadshow_id, "body": f"{sent} {time.time():.6f} hello room",
                   "client_id": f"bench-{sent}"}
        ws.send(f"42{100 + sent}" + json.dumps(["chat:send", payload]))
        sent += 1
    last = time.time()
    time.sleep(1.0)  # then tell the viewers the run is over (not counted)
    end = {"roadshow_id": roadshow_id, "body": "end 0 end", "client_id": "bench-end"}
    ws.send("42" + json.dumps(["chat:send", end]))
    return sent, first, last


# A deck rendering meanwhile ---------------------------------------------------------------------------

def _deck_pitch(url: str, admin, roadshow_id: int):
    """A founder's session and a pitch of theirs in the room (not on stage, so its deck may change)."""
    import requests
    founder = requests.Session()
    signup = founder.post(f"{url}/api/auth/register", timeout=10, json={
        "email": "deck@bench.example", "password": "bench-password-1", "name": "Deck Founder", "role": "founder"})
    founder.headers["X-CSRFToken"] = signup.json()["csrf_token"]
    startup = founder.post(f"{url}/api/startups", timeout=10, json={
        "name": "Deck Works", "sector": "ai_chips", "stage": "seed", "summary": "A hundred slides"}).json()
    pitch = admin.post(f"{url}/api/roadshows/{roadshow_id}/pitches", timeout=10,
                       json={"startup_id": startup["id"], "title": "The long deck"}).json()
    return founder, pitch["id"]


def deck_pdf(pages: int) -> bytes:
    """A plain 16:9 deck: a title, five bullet lines and a bar chart on every page."""
    from fpdf import FPDF
    pdf = FPDF(orientation="L", format=(142.9, 254))
    rng = random.Random(pages)
    for n in range(pages):
        pdf.add_page()
        pdf.set_font("helvetica", "B", 28)
        pdf.cell(0, 20, f"Slide {n + 1}: the market for chiplets", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", size=16)
        for line in range(5):
            pdf.cell(0, 10, f"- point {line + 1}: {rng.randint(10, 999)} units, {rng.randint(1, 99)} % growth",
                     new_x="LMARGIN", new_y="NEXT")
        for bar in range(8):
            height = rng.randint(5, 45)
            pdf.set_fill_color(30 * bar % 255, 120, 200 - 20 * bar)
            pdf.rect(150 + bar * 11, 130 - height, 8, height, style="F")
    return bytes(pdf.output())


def deck_renderer(target: Target, pdf: bytes, stop, out: dict, poll: float = 0.5) -> None:
    """Upload the deck, wait until it is rendered (asking every `poll` seconds), upload it again, until `stop` is
    set."""
    founder, url = target.founder, target.url
    durations, statuses, uploads, refused = [], {}, 0, []
    try:
        while not stop.is_set():
            began, uploads = time.time(), uploads + 1
            response = founder.post(f"{url}/api/pitches/{target.pitch_id}/deck", timeout=60,
                                    files={"file": ("deck.pdf", pdf, "application/pdf")})
            if response.status_code != 201:  # reported with the run rather than ending the deck's thread
                refused.append(f"{response.status_code} {response.text[:200]}")
                time.sleep(poll)
                continue
            status = "processing"
            while status == "processing" and not stop.is_set():
                time.sleep(poll)
                pitches = founder.get(f"{url}/api/roadshows/{target.roadshow_id}", timeout=60).json()["pitches"]
                status = next(p["deck_status"] for p in pitches if p["id"] == target.pitch_id)
            if status != "processing":
                durations.append(time.time() - began)
                statuses[status] = statuses.get(status, 0) + 1
    finally:
        out.update(deck_uploads=uploads, deck_renders=statuses, deck_render_s=durations, deck_refused=refused)


# One run ------------------------------------------------------------------------------------------

def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run(kind: str, viewers: int, rate: float, duration: float, procs: int, reactions: bool,
        servers: int = 1, redis: str | None = None, database: str = "sqlite", reacting: int | None = None,
        deck_pages: int = 0, deck_poll: float = 0.5) -> dict:
    deck: dict = {}
    with Target(kind, servers, redis, database, deck=bool(deck_pages)) as target:
        import tempfile
        tmp = Path(tempfile.mkdtemp(prefix="roadshow-bench-"))
        stop_at = time.time() + 300 + duration  # a hard stop; viewers stop at the "end" message
        shares = [viewers // procs + (1 if i < viewers % procs else 0) for i in range(procs)]
        outs = [tmp / f"viewers-{i}.json" for i in range(len(shares))]
        reacting = min(viewers, reacting if reacting is not None else viewers) if reactions else 0
        tokens = target.viewer_tokens(reacting) if reacting else []
        for i, out in enumerate(outs):  # each worker's reacting viewers sign in with these; the rest watch anonymously
            share = reacting // procs + (1 if i < reacting % procs else 0)
            start = sum(reacting // procs + (1 if j < reacting % procs else 0) for j in range(i))
            out.with_suffix(".tokens").write_text(json.dumps(tokens[start:start + share]))
        workers = [subprocess.Popen([sys.executable, __file__, "--worker", target.urls[i % len(target.urls)],
                                     str(target.roadshow_id), str(n),
                                     f"{stop_at:.3f}", "1" if reactions else "0", str(out),
                                     str(out.with_suffix(".tokens"))], cwd=ROOT)
                   for i, (n, out) in enumerate(zip(shares, outs, strict=True)) if n]
        deadline = time.time() + 240
        while time.time() < deadline and not all(o.with_suffix(".ready").exists() for o in outs):
            time.sleep(0.2)  # every viewer has joined (or failed) before the first message
        time.sleep(1.0)
        rss_before = sum(rss_mb(pid) for pid in target.pids)
        cpu_before = sum(cpu_seconds(pid) for pid in target.pids)
        if deck_pages:
            import threading
            stop_deck = threading.Event()
            rendering = threading.Thread(target=deck_renderer, args=(target, deck_pdf(deck_pages), stop_deck, deck,
                                                                     deck_poll))
            rendering.start()
        sent, first, last = sender(target.url, target.roadshow_id, target.sender_auth, rate, duration)
        if deck_pages:
            stop_deck.set()
            rendering.join(120)
        for w in workers:
            w.wait(120)
        cpu_used = sum(cpu_seconds(pid) for pid in target.pids) - cpu_before
        rss_after = sum(rss_mb(pid) for pid in target.pids)
        results = [json.loads(out.read_text()) for out in outs if out.exists()]
    latencies = [x for r in results for x in r["latencies"]]
    connects = [x for r in results for x in r["connects"]]
    delivered = sum(n for r in results for n in r["seen"])
    expected = sent * viewers
    return {
        "target": kind, "servers": len(target.pids), "database": database if kind == "fuhua" else None,
        "redis": bool(redis) and kind == "fuhua", "viewers": viewers, "rate": rate, "sent": sent,
        "reactions": reactions, "reacting": reacting,
        "connected": len(connects), "errors": sum(r["error_count"] for r in results),
        "connect_p50_ms": pct(connects, 50) * 1000, "connect_p99_ms": pct(connects, 99) * 1000,
        "delivered": delivered, "expected": expected, "loss": expected - delivered,
        "p50_ms": pct(latencies, 50) * 1000, "p99_ms": pct(latencies, 99) * 1000,
        "max_ms": max(latencies) * 1000 if latencies else float("nan"),
        "reactions_ok": sum(r["reaction_acks"]["ok"] for r in results),
        "reactions_refused": sum(r["reaction_acks"]["refused"] for r in results),
        "refusal_codes": {c: sum(r["reaction_acks"]["codes"].get(c, 0) for r in results)
                          for c in {c for r in results for c in r["reaction_acks"]["codes"]}},
        "slowest": _slowest(results), **_bursts(results, viewers),
        "cpu_s": cpu_used, "cpu_us_per_copy": cpu_used / delivered * 1e6 if delivered else float("nan"),
        "rss_mb_before": rss_before, "rss_mb_after": rss_after, "deck_pages": deck_pages, **deck,
    }


def _bursts(results: list[dict], viewers: int) -> dict:
    """Reaction bursts: how many each viewer got, and how long each took to reach the whole room, from its
    first viewer to its last across processes. A burst is told apart by when it arrived: one viewer's
    arrivals are the reference, and another viewer's arrival is the burst nearest to it (bursts go out a
    second apart). Bursts some viewers did not get (the first, while the room filled) are left out."""
    import bisect
    arrivals = [times for r in results for times in r.get("bursts", [])]
    reference = max(arrivals, key=len, default=[])
    seen: list[list] = [[t, t, 0] for t in reference]  # first arrival, last arrival, viewers
    for times in arrivals:
        for t in times:
            i = bisect.bisect_left(reference, t)
            k = min((j for j in (i - 1, i) if 0 <= j < len(reference)), key=lambda j: abs(reference[j] - t))
            if abs(reference[k] - t) < 0.5:
                seen[k][0], seen[k][1], seen[k][2] = min(seen[k][0], t), max(seen[k][1], t), seen[k][2] + 1
    spreads = [last - first for first, last, count in seen if count == viewers]
    return {"bursts_per_viewer": sum(len(times) for times in arrivals) / viewers if viewers else 0.0,
            "burst_spread_p50_ms": pct(spreads, 50) * 1000, "burst_spread_max_ms": max(spreads, default=0.0) * 1000}


def _slowest(results: list[dict], n: int = 8) -> list[dict]:
    """The messages whose last copy arrived latest: when in the run the delays happened."""
    merged: dict[str, list[float]] = {}
    for r in results:
        for seq, (count, worst, median) in r["by_seq"].items():
            m = merged.setdefault(seq, [0, 0.0, 0.0])
            m[0] += count
            m[1] = max(m[1], worst)
            m[2] = max(m[2], median)
    ranked = sorted(merged.items(), key=lambda kv: -kv[1][1])[:n]
    return [{"seq": int(seq), "copies": c, "max_ms": round(w * 1000, 1), "median_ms": round(md * 1000, 1)}
            for seq, (c, w, md) in ranked]


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        url, roadshow_id, count, stop_at, reactions, out, tokens = sys.argv[2:9]
        viewer_process(url, int(roadshow_id), int(count), float(stop_at), reactions == "1", Path(out),
                       json.loads(Path(tokens).read_text()))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", choices=["fuhua", "bare", "node", "both", "all"], default="both",
                        help="both: bare and fuhua; all: bare, node and fuhua")
    parser.add_argument("--viewers", type=int, nargs="+", default=[100, 500, 1000])
    parser.add_argument("--rate", type=float, default=10.0, help="chat messages per second")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of sending")
    parser.add_argument("--procs", type=int, default=4, help="viewer processes")
    parser.add_argument("--reactions", action="store_true", help="viewers also react once a second (Fuhua)")
    parser.add_argument("--reacting", type=int, help="with --reactions: how many viewers react (default: all)")
    parser.add_argument("--servers", type=int, default=1, help="Fuhua server processes (more than one needs --redis)")
    parser.add_argument("--redis", help="Redis URL for the Socket.IO message queue (Fuhua)")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--detail", action="store_true", help="also print the slowest messages")
    parser.add_argument("--json", type=Path, help="append each result as a JSON line to this file")
    parser.add_argument("--deck", type=int, default=0, metavar="PAGES",
                        help="keep a deck of PAGES pages rendering while the chat runs (Fuhua)")
    parser.add_argument("--deck-poll", type=float, default=0.5, metavar="SECONDS",
                        help="how often the deck's uploader asks whether it is rendered (default 0.5)")
    args = parser.parse_args()
    if args.servers > 1 and not args.redis:
        parser.error("--servers above 1 needs --redis (the processes share rooms through it)")
    kinds = {"both": ["bare", "fuhua"], "all": ["bare", "node", "fuhua"]}.get(args.target, [args.target])
    header = (f"{'target':<8} {'N':>5} {'react':>5} {'conn':>5} {'loss':>6} {'p50':>7} {'p99':>7} {'max':>7} "
              f"{'conn p50':>8} {'conn p99':>8} {'cpu µs/copy':>11} {'rss MB':>7}")
    print(header)
    for n in args.viewers:
        for kind in kinds:
            r = run(kind, n, args.rate, args.duration, args.procs, args.reactions and kind == "fuhua",
                    args.servers if kind == "fuhua" else 1, args.redis, args.database, args.reacting,
                    args.deck if kind == "fuhua" else 0, args.deck_poll)
            label = r["target"] + (f"x{r['servers']}" if r["servers"] > 1 else "")
            print(f"{label:<8} {n:>5} {'yes' if r['reactions'] else 'no':>5} {r['connected']:>5} "
                  f"{r['loss']:>6} {r['p50_ms']:>6.1f}m {r['p99_ms']:>6.1f}m {r['max_ms']:>6.1f}m "
                  f"{r['connect_p50_ms']:>7.0f}m {r['connect_p99_ms']:>7.0f}m {r['cpu_us_per_copy']:>11.1f} "
                  f"{r['rss_mb_after']:>7.1f}", flush=True)
            if r["reactions"]:
                print(f"         {r['reacting']} viewers reacting: acknowledged {r['reactions_ok']}, "
                      f"refused {r['reactions_refused']} {r['refusal_codes'] or ''}; "
                      f"{r['bursts_per_viewer']:.1f} bursts a viewer, each reaching the room in "
                      f"{r['burst_spread_p50_ms']:.0f} ms (median), {r['burst_spread_max_ms']:.0f} ms (max)",
                      flush=True)
            if r["deck_pages"]:
                times = r.get("deck_render_s") or [float("nan")]
                print(f"         {r['deck_pages']}-page deck rendering meanwhile: {r.get('deck_uploads')} uploads, "
                      f"finished within the run {r.get('deck_renders')}, "
                      f"{min(times):.1f}–{max(times):.1f} s from upload to ready", flush=True)
                if r.get("deck_refused"):
                    print(f"         uploads refused: {r['deck_refused']}", flush=True)
            if args.detail:
                print("         slowest messages:", r["slowest"], flush=True)
            if args.json:
                with args.json.open("a") as fh:
                    fh.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
