"""Load test of one roadshow room: N viewers, one presenter chatting at R messages a second.

Viewers are raw Engine.IO v4 WebSocket clients (websocket-client, cooperative under gevent), spread over
several processes so the load tool does not measure itself. Each message carries its send time; a viewer
records the time it arrived. Reported: connect time (socket open → join acknowledged), delivery (loss),
latency p50 / p99 / max from send to receipt, and the server's CPU seconds per delivered copy and memory.

    .venv/bin/python bench/roadshow_load.py --target fuhua --viewers 1000
    .venv/bin/python bench/roadshow_load.py --target bare  --viewers 1000
    .venv/bin/python bench/roadshow_load.py --target both  --viewers 100 500 1000 --reactions

`fuhua` serves the real app (tests/served.py: migrated throwaway SQLite database, `python wsgi.py`, gevent);
`bare` runs bench/roadshow_bare_server.py, a minimal Flask-SocketIO server in the same async mode.
`--reactions` makes every viewer also send one reaction a second (Fuhua only: the bare server has none);
the viewers then sign in, each as a different investor with an API token (reactions are not anonymous).
`--servers 2 --redis redis://127.0.0.1:6379/5` serves Fuhua from two processes sharing Redis as the
Socket.IO message queue (viewers spread over them, the presenter on the first); `--database postgresql`
uses a throwaway PostgreSQL database (TEST_DATABASE_URL, default the local server) instead of SQLite.

    .venv/bin/python bench/roadshow_load.py --target fuhua --viewers 5000 --rate 2 --servers 2 \
        --redis redis://127.0.0.1:6379/5 --database postgresql --procs 6
"""
from __future__ import annotations

import argparse
import json
import os
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


class Target:
    """A server to load: its URL, its pid, the room id and an auth payload for the sender."""

    def __init__(self, kind: str, servers: int = 1, redis: str | None = None, database: str = "sqlite"):
        self.kind = kind
        self.servers, self.redis, self.database = servers, redis, database
        self._stack = None

    def __enter__(self) -> Target:
        if self.kind == "bare":
            from tests.served import free_port
            port = free_port()
            self.proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "roadshow_bare_server.py"), str(port)],
                                         cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
        env = {"ROADSHOW_CHAT_RATE": "100000/second", "ROADSHOW_REACTION_RATE": "100000/second"}
        if self.redis:
            env["REDIS_URL"] = self.redis
        if self.database == "postgresql":
            os.environ.setdefault("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
        else:
            os.environ.pop("TEST_DATABASE_URL", None)
        served = self._stack.enter_context(serve(env=env, processes=self.servers))
        password = "bench-password-1"
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

    def viewer_tokens(self, count: int) -> list[str]:
        """`count` investor accounts, each with an API token (inserted directly: hashing passwords for
        thousands of sign-ups would take minutes), so signed-in viewers are distinct people."""
        result = subprocess.run([sys.executable, "-c", _MAKE_VIEWERS, str(count)], cwd=ROOT, env=self._served.env(),
                                capture_output=True, text=True, timeout=600)
        if result.returncode:
            raise RuntimeError(result.stderr)
        return json.loads(result.stdout.strip().splitlines()[-1])

    def __exit__(self, *exc) -> None:
        if self.kind == "bare":
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
    """Open a socket, connect to the default namespace, return it."""
    import websocket
    # UTF-8 validation of every frame in pure Python would make the viewers, not the server, the bottleneck.
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


def viewer_process(url: str, roadshow_id: int, count: int, stop_at: float, reactions: bool, out: Path,
                   tokens: list[str] | None = None) -> None:
    """`count` viewers in one process (greenlets): join, then record every chat:new until `stop_at`."""
    import gevent

    latencies: list[float] = []
    connects: list[float] = []
    seen: list[set[int]] = [set() for _ in range(count)]
    errors = []
    settled = {"n": 0}  # viewers joined or failed
    acks = {"ok": 0, "refused": 0, "codes": {}}  # reactions acknowledged / refused (by error code)

    def one(index: int) -> None:
        began = time.time()
        try:
            ws = _open(url, {"token": tokens[index]} if tokens and index < len(tokens) else None)
            ws.send('420["roadshow:join",' + json.dumps({"roadshow_id": roadshow_id, "after_id": None}) + "]")
            while True:
                packet = ws.recv()
                if packet.startswith("430"):
                    connects.append(time.time() - began)
                    settled["n"] += 1
                    break
                if packet == "2":
                    ws.send("3")
        except Exception as error:  # noqa: BLE001 (a failed viewer counts as loss, and is reported)
            errors.append(repr(error))
            settled["n"] += 1
            return
        if reactions and index < len(tokens or []):
            gevent.spawn(react, ws)
        ws.settimeout(1.0)
        while time.time() < stop_at:
            try:
                packet = ws.recv()
            except Exception:  # noqa: BLE001 (timeouts: check the clock again)
                continue
            now = time.time()
            if packet == "2":
                ws.send("3")
            elif packet.startswith('42["chat:new"'):
                body = json.loads(packet[2:])[1]["body"]
                seq, sent = body.split(" ", 2)[:2]
                if seq == "end":
                    break
                seen[index].add(int(seq))
                latencies.append(now - float(sent))
            elif packet.startswith("43"):  # a reaction's ack
                if '"ok":true' in packet.replace(" ", ""):
                    acks["ok"] += 1
                else:
                    code = packet.split('"code":', 1)[-1].split(",", 1)[0].strip('" }]')
                    acks["refused"] += 1
                    acks["codes"][code] = acks["codes"].get(code, 0) + 1
        ws.close()

    def react(ws) -> None:
        while settled["n"] < count:  # the room fills first, as at an event's start
            gevent.sleep(0.2)
        n = 1000
        while time.time() < stop_at - 1:
            gevent.sleep(1.0)
            n += 1
            try:
                ws.send(f'42{n}["reaction:send",' + json.dumps({"roadshow_id": roadshow_id, "kind": "clap"}) + "]")
            except Exception:  # noqa: BLE001
                return

    def announce_ready() -> None:
        while settled["n"] < count:
            gevent.sleep(0.1)
        out.with_suffix(".ready").write_text(str(len(connects)))

    jobs = [gevent.spawn(announce_ready)]
    for i in range(count):
        jobs.append(gevent.spawn(one, i))
        gevent.sleep(0.002)
    gevent.joinall(jobs)
    out.write_text(json.dumps({"latencies": latencies, "connects": connects, "seen": [len(s) for s in seen],
                               "errors": errors[:20], "error_count": len(errors), "reaction_acks": acks}))


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


# One run ------------------------------------------------------------------------------------------

def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run(kind: str, viewers: int, rate: float, duration: float, procs: int, reactions: bool,
        servers: int = 1, redis: str | None = None, database: str = "sqlite", reacting: int | None = None) -> dict:
    with Target(kind, servers, redis, database) as target:
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
        sent, first, last = sender(target.url, target.roadshow_id, target.sender_auth, rate, duration)
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
        "cpu_s": cpu_used, "cpu_us_per_copy": cpu_used / delivered * 1e6 if delivered else float("nan"),
        "rss_mb_before": rss_before, "rss_mb_after": rss_after,
    }


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        from gevent import monkey
        monkey.patch_all()
        url, roadshow_id, count, stop_at, reactions, out, tokens = sys.argv[2:9]
        viewer_process(url, int(roadshow_id), int(count), float(stop_at), reactions == "1", Path(out),
                       json.loads(Path(tokens).read_text()))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", choices=["fuhua", "bare", "both"], default="both")
    parser.add_argument("--viewers", type=int, nargs="+", default=[100, 500, 1000])
    parser.add_argument("--rate", type=float, default=10.0, help="chat messages per second")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of sending")
    parser.add_argument("--procs", type=int, default=4, help="viewer processes")
    parser.add_argument("--reactions", action="store_true", help="viewers also react once a second (Fuhua)")
    parser.add_argument("--reacting", type=int, help="with --reactions: how many viewers react (default: all)")
    parser.add_argument("--servers", type=int, default=1, help="Fuhua server processes (more than one needs --redis)")
    parser.add_argument("--redis", help="Redis URL for the Socket.IO message queue (Fuhua)")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--json", type=Path, help="append each result as a JSON line to this file")
    args = parser.parse_args()
    if args.servers > 1 and not args.redis:
        parser.error("--servers above 1 needs --redis (the processes share rooms through it)")
    kinds = ["bare", "fuhua"] if args.target == "both" else [args.target]
    header = (f"{'target':<8} {'N':>5} {'react':>5} {'conn':>5} {'loss':>6} {'p50':>7} {'p99':>7} {'max':>7} "
              f"{'conn p50':>8} {'conn p99':>8} {'cpu µs/copy':>11} {'rss MB':>7}")
    print(header)
    for n in args.viewers:
        for kind in kinds:
            r = run(kind, n, args.rate, args.duration, args.procs, args.reactions and kind == "fuhua",
                    args.servers if kind == "fuhua" else 1, args.redis, args.database, args.reacting)
            label = r["target"] + (f"x{r['servers']}" if r["servers"] > 1 else "")
            print(f"{label:<8} {n:>5} {'yes' if r['reactions'] else 'no':>5} {r['connected']:>5} "
                  f"{r['loss']:>6} {r['p50_ms']:>6.1f}m {r['p99_ms']:>6.1f}m {r['max_ms']:>6.1f}m "
                  f"{r['connect_p50_ms']:>7.0f}m {r['connect_p99_ms']:>7.0f}m {r['cpu_us_per_copy']:>11.1f} "
                  f"{r['rss_mb_after']:>7.1f}", flush=True)
            if r["reactions"]:
                print(f"         {r['reacting']} viewers reacting: acknowledged {r['reactions_ok']}, "
                      f"refused {r['reactions_refused']} {r['refusal_codes'] or ''}", flush=True)
            if args.json:
                with args.json.open("a") as fh:
                    fh.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
