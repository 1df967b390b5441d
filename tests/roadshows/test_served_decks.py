"""Served for real: a heavy deck renders in a child process while the site keeps answering promptly.

Before, a 30-page PDF of tall pages rendered on the serving loop and stalled every page and socket of the
site until it was done (56 s on the users' server).
"""
import os
import statistics
import tempfile
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import PASSWORD
from tests.roadshows.conftest import pdf_bytes
from tests.roadshows.test_decks import tall_pdf
from tests.served import serve

pytestmark = pytest.mark.served
REDIS_URL = os.environ.get("TEST_REDIS_URL")
START, END = "2030-05-01T09:00:00+08:00", "2030-05-01T12:00:00+08:00"


def _session(base: str, email: str, *, register: bool = True, role: str = "founder") -> requests.Session:
    session = requests.Session()
    if register:
        response = session.post(f"{base}/api/auth/register", timeout=10,
                                json={"email": email, "password": PASSWORD, "name": email.split("@")[0], "role": role})
    else:
        response = session.post(f"{base}/api/auth/login", json={"email": email, "password": PASSWORD}, timeout=10)
    assert response.status_code in (200, 201), response.text
    session.headers["X-CSRFToken"] = response.json()["csrf_token"]
    return session


def _pitch(served, base: str) -> tuple[requests.Session, int, int]:
    """A founder's pitch in a new roadshow: (the founder's session, roadshow id, pitch id)."""
    served.flask("create-admin", "ops@example.com", "--password", PASSWORD)
    admin = _session(base, "ops@example.com", register=False)
    roadshow = admin.post(f"{base}/api/roadshows", json={"title": "Demo day", "starts_at": START, "ends_at": END},
                          timeout=10).json()["id"]
    founder = _session(base, "founder@example.com")
    startup = founder.post(f"{base}/api/startups", timeout=10, json={
        "name": "Tall Decks", "sector": "ai_chips", "stage": "seed", "summary": "Very tall slides"})
    assert startup.status_code == 201, startup.text
    pitch = admin.post(f"{base}/api/roadshows/{roadshow}/pitches", timeout=10,
                       json={"startup_id": startup.json()["id"], "title": "Tall"})
    assert pitch.status_code == 201, pitch.text
    return founder, roadshow, pitch.json()["id"]


def _renderers_of(pid: int) -> dict[int, int]:
    """The deck renderer processes whose parent is `pid`, with their niceness (read from /proc)."""
    found = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            ppid, nice = int(stat[1]), int(stat[16])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == pid and b"deck_render.py" in cmdline:
            found[int(proc.name)] = nice
    return found


def test_a_heavy_deck_renders_in_another_process_while_pages_keep_answering():
    with tempfile.TemporaryDirectory(prefix="fuhua-decks-") as media, \
            serve(env={"ROADSHOW_MEDIA_DIR": media}) as served:
        base, server_pid = served.url, served.server.process.pid
        founder, roadshow_id, pitch_id = _pitch(served, base)
        visitor = requests.Session()
        visitor.get(f"{base}/roadshows", timeout=10)

        upload = founder.post(f"{base}/api/pitches/{pitch_id}/deck", timeout=30,
                              files={"file": ("tall.pdf", tall_pdf(30), "application/pdf")})
        assert upload.status_code == 201, upload.text
        assert upload.json()["deck_status"] == "processing"

        latencies, renderers, deadline = [], {}, time.monotonic() + 180
        while time.monotonic() < deadline:
            renderers.update(_renderers_of(server_pid))
            started = time.perf_counter()
            page = visitor.get(f"{base}/roadshows", timeout=30)
            latencies.append(time.perf_counter() - started)
            assert page.status_code == 200
            [pitch] = visitor.get(f"{base}/api/roadshows/{roadshow_id}", timeout=30).json()["pitches"]
            if pitch["deck_status"] != "processing":
                break
            time.sleep(0.05)

        assert (pitch["deck_status"], pitch["deck_pages"], pitch["deck_revision"]) == ("ready", 30, 1), served.logs()
        assert renderers and server_pid not in renderers and set(renderers.values()) == {10}  # nice 10
        assert len(latencies) >= 10  # the render took a while, and the site answered all along
        assert max(latencies) < 2.0, (max(latencies), statistics.median(latencies))
        last = visitor.get(f"{base}/roadshows/pitches/{pitch_id}/deck/30.png", timeout=10)
        assert last.status_code == 200 and last.headers["Content-Type"] == "image/png"


@pytest.mark.skipif(not REDIS_URL, reason="needs TEST_REDIS_URL (a real Redis)")
def test_with_the_rq_backend_the_job_worker_renders_and_replaces_decks():
    with tempfile.TemporaryDirectory(prefix="fuhua-decks-") as media, \
            serve(env={"ROADSHOW_MEDIA_DIR": media, "JOBS_BACKEND": "rq", "REDIS_URL": REDIS_URL}) as served:
        base = served.url
        founder, roadshow_id, pitch_id = _pitch(served, base)
        for revision, pages in ((1, 3), (2, 2)):
            upload = founder.post(f"{base}/api/pitches/{pitch_id}/deck", timeout=30,
                                  files={"file": ("deck.pdf", pdf_bytes(pages), "application/pdf")})
            assert upload.status_code == 201 and upload.json()["deck_status"] == "processing", upload.text
            served.flask("jobs", "worker", "--burst")
            [pitch] = founder.get(f"{base}/api/roadshows/{roadshow_id}", timeout=10).json()["pitches"]
            assert (pitch["deck_status"], pitch["deck_pages"], pitch["deck_revision"]) == ("ready", pages, revision)
        assert founder.get(f"{base}/roadshows/pitches/{pitch_id}/deck/2.png", timeout=10).status_code == 200
        assert founder.get(f"{base}/roadshows/pitches/{pitch_id}/deck/3.png", timeout=10).status_code == 404
