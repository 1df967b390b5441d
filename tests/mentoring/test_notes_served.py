"""The shared notes served for real: a mentor and a founder, each a Socket.IO client with its own Yjs copy
(pycrdt), type at the same moment; every word of both survives on both sides, on the server, and after the
server process is restarted."""
import threading

import pytest
import requests
import socketio
from pycrdt import Doc, Text

from tests.served import serve

pytestmark = pytest.mark.served
DEMO_PASSWORD = "demo-password"
CHUNKS = 25


def _token(base: str, email: str) -> tuple[str, list[dict]]:
    session = requests.Session()
    response = session.post(f"{base}/api/auth/login", json={"email": email, "password": DEMO_PASSWORD}, timeout=10)
    assert response.status_code == 200, response.text
    session.headers["X-CSRFToken"] = response.json()["csrf_token"]
    token = session.post(f"{base}/api/tokens", json={"name": "notes"}, timeout=10).json()["token"]
    listed = session.get(f"{base}/api/bookings", params={"per_page": 100}, timeout=10).json()
    return token, listed["items"] if isinstance(listed, dict) else listed


class Side:
    """One participant: a socket in the session room and a Yjs copy of the notes kept in sync."""

    def __init__(self, base: str, token: str, booking_id: int):
        self.booking_id, self.doc, self.lock = booking_id, Doc(), threading.Lock()
        self.text = self.doc.get("notes", type=Text)
        self.client = socketio.Client(reconnection=False)
        self.client.on("notes:update", self._remote)
        self.client.connect(base, auth={"token": token}, transports=["websocket"], wait_timeout=10)
        assert self.client.call("session:join", {"booking_id": booking_id}, timeout=10)["ok"]
        with self.lock:
            state_vector = self.doc.get_state()
        ack = self.client.call("notes:sync", {"booking_id": booking_id, "state_vector": state_vector}, timeout=10)
        assert ack["ok"], ack
        with self.lock:
            self.doc.apply_update(ack["update"])

    def _remote(self, message):
        with self.lock:
            self.doc.apply_update(message["update"])

    def type(self, words: str, *, at_start: bool) -> None:
        """Insert `words` in the local copy (at its start or its end) and send the update."""
        with self.lock:
            before = self.doc.get_state()
            self.text.insert(0 if at_start else len(self.text), words)
            update = self.doc.get_update(before)
        ack = self.client.call("notes:update", {"booking_id": self.booking_id, "update": update}, timeout=20)
        assert ack["ok"], ack

    def value(self) -> str:
        with self.lock:
            return str(self.text)


def _type_at_once(mentor: Side, founder: Side) -> tuple[list[str], list[str]]:
    mentor_words = [f"导师第{n}句。" for n in range(CHUNKS)]
    founder_words = [f"founder line {n}. " for n in range(CHUNKS)]
    start = threading.Barrier(2)
    errors = []

    def run(side, words, at_start):
        try:
            start.wait(10)
            for words_ in words:
                side.type(words_, at_start=at_start)
        except Exception as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(mentor, mentor_words, True)),
               threading.Thread(target=run, args=(founder, founder_words, False))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return mentor_words, founder_words


def _fresh_text(base: str, token: str, booking_id: int) -> str:
    side = Side(base, token, booking_id)
    try:
        return side.value()
    finally:
        side.client.disconnect()


def test_two_sides_typing_at_once_keep_every_word_also_after_a_restart():
    with serve(seed=True) as served:
        base = served.url
        founder_token, founder_bookings = _token(base, "founder@demo.fuhua.dev")
        mentor_token, mentor_bookings = _token(base, "mentor@demo.fuhua.dev")
        shared = sorted({b["id"] for b in founder_bookings} & {b["id"] for b in mentor_bookings})
        assert shared, "the demo founder has no session with the demo mentor"
        booking_id = shared[0]
        mentor, founder = Side(base, mentor_token, booking_id), Side(base, founder_token, booking_id)
        before = mentor.value()
        try:
            mentor_words, founder_words = _type_at_once(mentor, founder)
            founder.client.sleep(0.5)  # the last pushes land
            assert mentor.value() == founder.value()
            for words in mentor_words + founder_words:
                assert words in mentor.value()
            assert before in mentor.value()
            assert _fresh_text(base, founder_token, booking_id) == mentor.value()
            final = mentor.value()
        finally:
            mentor.client.disconnect()
            founder.client.disconnect()

        served.server.stop()
        restarted = served.spawn()
        assert _fresh_text(restarted.url, mentor_token, booking_id) == final
        page = requests.Session()
        page.post(f"{restarted.url}/api/auth/login", json={"email": "founder@demo.fuhua.dev",
                                                           "password": DEMO_PASSWORD}, timeout=10)
        html = page.get(f"{restarted.url}/sessions/{booking_id}", timeout=10).text
        assert "导师第0句。" in html  # the plain text is kept with the session too
