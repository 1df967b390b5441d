"""Redis stops, the site goes on: pages, sign-in and sign-out answer, a room keeps serving this process's viewers,
and cross-process real-time comes back by itself when Redis returns.

The test runs a Redis server of its own (Debian's redis-server) on a free port, so that it can stop and start it
without touching the shared one.
"""
from __future__ import annotations

import shutil
import subprocess
import time

import pytest
import requests
import socketio

from tests.conftest import PASSWORD
from tests.served import free_port, serve

pytestmark = [pytest.mark.served,
              pytest.mark.skipif(not shutil.which("redis-server"), reason="needs Debian's redis-server")]
START, END = "2030-05-01T09:00:00+08:00", "2030-05-01T12:00:00+08:00"


class OwnRedis:
    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                         "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            done = subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True)
            if done.stdout.strip() == "PONG":
                return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None


@pytest.fixture(scope="module")
def redis_server():
    redis = OwnRedis()
    redis.start()
    yield redis
    redis.stop()


def _login(base: str, email: str) -> requests.Session:
    session = requests.Session()
    response = session.post(f"{base}/api/auth/login", json={"email": email, "password": PASSWORD}, timeout=10)
    assert response.status_code == 200, response.text
    session.headers["X-CSRFToken"] = response.json()["csrf_token"]
    return session


def _client(base: str, session: requests.Session, roadshow_id: int, inbox: list) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    client.on("chat:new", lambda message: inbox.append(message["body"]))
    cookie = "; ".join(f"{name}={value}" for name, value in session.cookies.items())
    client.connect(base, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=10)
    ack = client.call("roadshow:join", {"roadshow_id": roadshow_id, "after_id": None}, timeout=10)
    assert ack["ok"], ack
    return client


def _wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


class _RoomPage:
    """The live room in the session's Chromium (when installed), watched for the "reconnecting" banner."""

    def __init__(self, browser, base: str, roadshow_id: int):
        self.context = browser.new_context(locale="zh-CN") if browser is not None else None
        if self.context is not None:
            self.page = self.context.new_page()
            self.page.goto(f"{base}/roadshows/{roadshow_id}/live")

    def banner_shown(self, shown: bool) -> bool:
        if self.context is None:
            return True
        banner = self.page.locator("[data-realtime-banner]")
        banner.wait_for(state="visible" if shown else "hidden", timeout=15_000)
        if shown:
            assert "实时更新正在重新连接" in banner.inner_text()
        return True

    def close(self) -> None:
        if self.context is not None:
            self.context.close()


def test_the_site_answers_while_redis_is_down_and_recovers_when_it_returns(redis_server, request):
    env = {"REDIS_URL": redis_server.url, "ROADSHOW_CHAT_RATE": "1000/second"}
    with serve(processes=2, env=env) as served:
        first, second = served.servers
        served.flask("create-admin", "ops@example.com", "--password", PASSWORD)
        for email in ("viewer@example.com", "visitor@example.com"):
            requests.post(f"{first.url}/api/auth/register", timeout=10,
                          json={"email": email, "password": PASSWORD, "name": "观众", "role": "investor"})
        admin = _login(first.url, "ops@example.com")
        roadshow_id = admin.post(f"{first.url}/api/roadshows", timeout=10,
                                 json={"title": "停电演练", "starts_at": START, "ends_at": END}).json()["id"]
        here, there, statuses = [], [], []
        poster = _client(first.url, admin, roadshow_id, [])
        poster.on("realtime:status", statuses.append)
        chromium = request.getfixturevalue("browser") if shutil.which("chromium") else None  # the session's one
        browser = _RoomPage(chromium, first.url, roadshow_id)
        local = _client(first.url, _login(first.url, "viewer@example.com"), roadshow_id, here)
        remote = _client(second.url, _login(second.url, "viewer@example.com"), roadshow_id, there)
        try:
            assert poster.call("chat:send", {"roadshow_id": roadshow_id, "body": "before", "client_id": "c1"},
                               timeout=10)["ok"]
            assert _wait_for(lambda: "before" in here and "before" in there, 10)

            redis_server.stop()
            for url in (first.url, second.url):
                assert requests.get(f"{url}/roadshows", timeout=10).status_code == 200
                assert requests.get(f"{url}/login", timeout=10).status_code == 200
            visitor = _login(first.url, "visitor@example.com")  # sign-in (rate-limited through Redis)
            assert visitor.get(f"{first.url}/api/me", timeout=10).status_code == 200
            assert visitor.post(f"{first.url}/api/auth/logout", timeout=10).status_code in (200, 204)
            assert visitor.get(f"{first.url}/api/me", timeout=10).status_code == 401
            ack = poster.call("chat:send", {"roadshow_id": roadshow_id, "body": "during", "client_id": "c2"},
                              timeout=10)
            assert ack["ok"], ack  # stored, and delivered to this process's own viewers
            assert _wait_for(lambda: "during" in here, 10)
            assert _wait_for(lambda: statuses and statuses[-1] == {"shared": False}, 10)
            assert browser.banner_shown(True)

            redis_server.start()
            # The other process hears the room again once its subscription is back (python-socketio retries).
            def delivered_across() -> bool:
                body = f"after {time.monotonic()}"
                poster.call("chat:send", {"roadshow_id": roadshow_id, "body": body, "client_id": body}, timeout=10)
                return _wait_for(lambda: body in there, 1)
            assert _wait_for(delivered_across, 70)
            assert _wait_for(lambda: statuses[-1] == {"shared": True}, 10)
            assert browser.banner_shown(False)
            assert poster.connected and local.connected and remote.connected
        finally:
            for client in (poster, local, remote):
                if client.connected:
                    client.disconnect()
            browser.close()
        errors = [line for line in served.logs().splitlines() if '" 500 ' in line or "Exception on " in line]
        assert not errors, errors
