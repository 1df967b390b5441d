"""The room page around the stage (issue 17, items 4 and 5), in real Chromium: before the start a "starts in"
screen with the agenda; the agenda marks the pitch on stage; chat times in the account's zone, or for a
signed-out viewer in the browser's, named; moderator controls beside the stage at 1366×768; an HLS stream
(made by ffmpeg, served from another origin) playing beside the slides, with "stream large" / "slides large"
kept across reloads."""
import functools
import http.server
import re
import shutil
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import ARTIFACTS, CHROMIUM, Console, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.served,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
              pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="no ffmpeg to make the test stream")]

ORGANISER = "admin@demo.fuhua.dev"


class _CorsHandler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def hls_stream(tmp_path_factory):
    """Eight seconds of a test picture as HLS (2-second segments), served with CORS on its own port."""
    folder = tmp_path_factory.mktemp("hls")
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=15",
                    "-t", "8", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "15",
                    "-hls_time", "2", "-hls_playlist_type", "vod", "-f", "hls", str(folder / "stream.m3u8")],
                   check=True, timeout=60)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(_CorsHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/stream.m3u8"
    server.shutdown()


def _context(browser, site, *, lang="en", zone="Asia/Shanghai", size=(1280, 900)):
    context = browser.new_context(base_url=site.url, locale="zh-CN" if lang == "zh" else "en-US", timezone_id=zone,
                                  viewport={"width": size[0], "height": size[1]})
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.console = Console(page)
    return context, page


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"room-page-{name}.png"))


def _wait_for_playback(video, *, beyond: float) -> None:
    """Until the video has played past `beyond` seconds (polled from here: the page's CSP forbids eval)."""
    deadline = time.monotonic() + 20
    while (played := video.evaluate("v => v.currentTime")) <= beyond:
        assert time.monotonic() < deadline, f"the stream is not playing: currentTime {played}"
        time.sleep(0.2)


def test_the_room_before_and_during_the_event(browser, site, hls_stream):
    from playwright.sync_api import expect

    contexts = []
    try:
        ctx, org = _context(browser, site, size=(1366, 768))
        contexts.append(ctx)
        sign_in(org, ORGANISER)
        api = org.request
        csrf = {"X-CSRFToken": api.get("/api/auth/csrf").json()["csrf_token"]}
        # a month on: after the demo roadshow, which other browser tests take as the first upcoming one
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30, hours=2, minutes=30)
        roadshow = api.post("/api/roadshows", headers=csrf, data={
            "title": "流媒体路演", "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(),
            "premoderate_questions": True}).json()
        rid = roadshow["id"]
        startup_id = api.get("/api/startups").json()["items"][0]["id"]
        first = api.post(f"/api/roadshows/{rid}/pitches", headers=csrf, data={
            "startup_id": startup_id, "title": "视频直播项目", "duration_minutes": 12, "stream_url": hls_stream}).json()
        api.post(f"/api/roadshows/{rid}/pitches", headers=csrf,
                 data={"startup_id": startup_id, "title": "第二个项目", "duration_minutes": 8})

        # Signed out, in Berlin and in Chinese: the "starts in" screen, the agenda at its planned times.
        ctx, guest = _context(browser, site, lang="zh", zone="Europe/Berlin")
        contexts.append(ctx)
        guest.goto(f"/roadshows/{rid}/live")
        expect(guest.locator("[data-conn]")).to_have_class(re.compile(r"is-live"))
        expect(guest.locator("[data-starts-in]")).to_be_visible()
        expect(guest.locator("[data-starts-in]")).to_contain_text("距离开始")
        count = guest.locator("[data-starts-count]")
        expect(count).to_have_text(re.compile(r"^30 天 02:(29|30):\d\d$"))
        before = count.inner_text()
        expect(count).not_to_have_text(before)  # it counts down
        berlin = start.astimezone(ZoneInfo("Europe/Berlin"))
        items = guest.locator("[data-room-agenda] li")
        expect(items).to_have_count(2)
        expect(items.nth(0).locator("time")).to_have_text(berlin.strftime("%H:%M"))
        expect(items.nth(1).locator("time")).to_have_text((berlin + timedelta(minutes=12)).strftime("%H:%M"))
        expect(guest.locator("[data-chat-zone]")).to_contain_text("Europe/Berlin")
        _shot(guest, "starts-in-zh")

        # The organiser at 1366×768: Go live and the review queue need no scrolling.
        org.goto(f"/roadshows/{rid}/live")
        expect(org.locator("[data-conn]")).to_have_class(re.compile(r"is-live"))
        for selector in ("[data-stage-set='live']", "[data-review-card] h2"):
            box = org.locator(selector).bounding_box()
            assert box and box["y"] + box["height"] <= 768, (selector, box)
        _shot(org, "moderator-1366")
        org.click("[data-stage-set='live']")

        # Live: the agenda marks the pitch on stage; the HLS stream plays beside the slides.
        expect(guest.locator("[data-starts-in]")).to_be_hidden()
        expect(guest.locator("[data-room-agenda] li[aria-current='true']")).to_contain_text("视频直播项目")
        video = guest.locator("[data-stream-video]")
        expect(video).to_be_visible()
        _wait_for_playback(video, beyond=1.0)
        assert guest.locator("[data-stream-link]").get_attribute("href") == hls_stream
        guest.click("[data-media-large='slides']")
        guest.reload()
        expect(guest.locator("[data-media-large='slides']")).to_have_attribute("aria-pressed", "true")
        expect(guest.locator("[data-media]")).to_have_class(re.compile(r"is-slides-large"))
        _wait_for_playback(video, beyond=0.5)
        _shot(guest, "stream-zh")

        # Chat times: the organiser's zone (their account's), the guest's browser's.
        org.fill("#chat-body", "欢迎大家")
        org.press("#chat-body", "Enter")
        line = guest.locator("[data-messages] li", has_text="欢迎大家")
        expect(line).to_be_visible()
        sent = datetime.fromisoformat(line.locator("time").get_attribute("datetime"))
        expect(line.locator("time")).to_have_text(
            sent.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M"))
        assert re.search(r"GMT\+[12]|CES?T", line.locator("time").get_attribute("title"))
        for page in (org, guest):
            assert not page.console.csp_violations(), page.console.errors
            assert not [e for e in page.console.errors if e.startswith("uncaught")], page.console.errors
        assert first["stream_kind"] == "hls"
    finally:
        for context in contexts:
            context.close()
