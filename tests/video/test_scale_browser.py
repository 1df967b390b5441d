"""Large audiences on a roadshow's stage, in Chromium, through two real Janus instances inside a network
namespace (harness.py).

With the room's limit at one viewer, the first viewer subscribes in the VideoRoom and the second is sent to a
Streaming mountpoint on the other Janus, fed by the room's rtp_forward: both decode the presenter's frames. A viewer
whose Chromium may not use UDP (no WebRTC) falls back by itself to the stage's HLS (ffmpeg fed by rtp_forward,
started by its first request for the playlist, hls.js) and plays it. Someone not invited cannot fetch the playlist.
Ending the pitch stops the forwards and ffmpeg.
"""
import json
import time

import pytest

from app.video.calls import ROOM_BASE
from tests.video.harness import CHROMIUM_MEDIA_FLAGS, namespace_site
from tests.video.test_call_browser import CHROMIUM, PASSWORD, _shot, _signed_in, netns_browser  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.served]

# Chromium's WebRTC policy: no UDP but through a proxy, and there is none, so ICE finds no pair (Janus takes UDP
# only).
NO_WEBRTC = "disable_non_proxied_udp"


@pytest.fixture(scope="module")
def call_site():
    """Two Janus instances and the app served in one namespace; an invite-only roadshow whose first pitch is live;
    the room holds one viewer, a page waits 6 s for WebRTC media before it falls back to HLS."""
    yield from namespace_site("tests.video.scale_data", PASSWORD, instances=2, env={
        "VIDEO_ROOM_MAX_SUBSCRIBERS": "1", "VIDEO_ICE_TIMEOUT_MS": "6000", "VIDEO_STAGE_POLL_MS": "2000"})


@pytest.fixture(scope="module")
def blocked_context(browser, call_site, tmp_path_factory):
    """A second Chromium in the namespace whose profile may not use UDP but through a proxy, and has none (the
    WebRTC IP-handling preference privacy tools and managed networks set): WebRTC cannot connect from it."""
    profile = tmp_path_factory.mktemp("no-webrtc")
    (profile / "Default").mkdir()
    (profile / "Default" / "Preferences").write_text(json.dumps({"webrtc": {"ip_handling_policy": NO_WEBRTC}}))
    context = browser.browser_type.launch_persistent_context(
        str(profile), executable_path=call_site.ns.chromium_wrapper(CHROMIUM), headless=True,
        args=["--no-sandbox", "--disable-gpu", *CHROMIUM_MEDIA_FLAGS], base_url=call_site.url, locale="zh-CN",
        timezone_id="Asia/Shanghai", viewport={"width": 1100, "height": 900})
    context.set_default_timeout(20_000)
    yield context
    context.close()


def _stats(page) -> dict:
    return page.evaluate("() => window.FuhuaStage.stats()")


def _wait(page, check, timeout: float = 30.0) -> dict:
    """Poll the page's stats until check(stats) holds (the CSP forbids wait_for_function's eval)."""
    deadline = time.monotonic() + timeout
    stats = None
    while time.monotonic() < deadline:
        stats = _stats(page)
        if check(stats):
            return stats
        time.sleep(0.25)
    status = page.locator("[data-stage-video-status]").inner_text()
    raise AssertionError(f"never got there: {stats}; status {status!r}; console {page.log[-15:]}")


def _enter(page, site) -> str:
    """Open the live room and wait until the page knows its video path."""
    page.goto(f"/roadshows/{site.roadshow_id}/live")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        path = page.evaluate("() => document.querySelector('[data-video-stage]').getAttribute('data-video-path')")
        if path:
            return path
        time.sleep(0.2)
    raise AssertionError(f"no video path; console {page.log[-15:]}")


@pytest.fixture(scope="module")
def room(netns_browser, call_site):  # noqa: F811
    """The first viewer (English), then the presenter, then the second viewer (Chinese), in that order; the
    presenter is live on camera."""
    pages = {"first": _signed_in(netns_browser, call_site, call_site.first, "en-US"),
             "presenter": _signed_in(netns_browser, call_site, call_site.presenter, "en-US"),
             "second": _signed_in(netns_browser, call_site, call_site.second, "zh-CN")}
    paths = {name: _enter(page, call_site) for name, page in pages.items()}
    pages["paths"] = paths
    presenter = pages["presenter"]
    presenter.get_by_role("button", name="Go live on camera").click()
    presenter.get_by_text("You are live on stage.").wait_for()
    yield pages
    for name in ("first", "presenter", "second"):
        pages[name].context.close()


def test_past_the_rooms_limit_a_viewer_watches_a_mountpoint_on_the_other_janus(room, call_site):
    assert room["paths"] == {"first": "room", "presenter": "room", "second": "mountpoint"}
    first, second = room["first"], room["second"]
    _wait(first, lambda s: s["framesDecoded"] > 30 and s["audioPackets"] > 50)
    stats = _wait(second, lambda s: s["framesDecoded"] > 30 and s["audioPackets"] > 50)
    assert stats["frameWidth"] == 640 and stats["path"] == "mountpoint"
    second.get_by_text("台上直播：周杰 Zhou").wait_for()
    second.get_by_text("视频线路：WebRTC 中继（大量观众）").wait_for()
    first.get_by_text("Video path: WebRTC", exact=True).wait_for()
    # The room lives on one Janus (room id modulo two); the mountpoint viewer's token is on the other one.
    room_janus = call_site.janus_all[(ROOM_BASE["roadshow"] + call_site.roadshow_id) % 2]
    other = next(j for j in call_site.janus_all if j is not room_janus)
    kinds = {j: sorted(t.split(".")[1] for t in call_site.ns.run(j.client().list_tokens)) for j in (room_janus, other)}
    assert kinds == {room_janus: ["audience", "audience", "stage"], other: ["mount"]}
    _shot(second, "scale-mountpoint-viewer-zh")
    assert all(room[name].errors == [] for name in ("first", "presenter", "second"))


def test_a_viewer_arriving_mid_pitch_on_a_mountpoint_gets_a_keyframe(room, netns_browser, call_site):  # noqa: F811
    """The mountpoint asks the presenter's browser for a keyframe (RTCP back through the forward) when a viewer
    starts: without it a late viewer would decode nothing until the browser's next keyframe."""
    late = _signed_in(netns_browser, call_site, call_site.late, "en-US")
    try:
        assert _enter(late, call_site) == "mountpoint"
        _wait(late, lambda s: s["framesDecoded"] > 10, timeout=20)
        late.get_by_text("Video path: WebRTC relay (a large audience)").wait_for()
    finally:
        late.context.close()


def _hls_report(call_site) -> str:
    """What each stage's HLS directory held, ffmpeg's log and the server's warnings, for a failing assertion."""
    warnings = [line for line in call_site.served.server.log().splitlines() if "WARNING" in line or "ERROR" in line]
    stages = []
    for stage_dir in sorted(call_site.hls_dir.iterdir()) if call_site.hls_dir.exists() else []:
        log = stage_dir / "ffmpeg.log"
        stages.append(f"{stage_dir.name}: {sorted(p.name for p in stage_dir.iterdir())}\n"
                      f"ffmpeg: {log.read_text(errors='replace')[-3000:] if log.exists() else '(no ffmpeg.log)'}")
    return "\n".join(stages or ["(no stage directory)"]) + "\nserver: " + "\n".join(warnings[-30:])


def test_a_viewer_whose_network_blocks_webrtc_falls_back_to_hls(room, blocked_context, call_site):
    page = blocked_context.new_page()
    page.errors, page.log = [], []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda msg: page.log.append(f"{msg.type}: {msg.text}"))
    page.goto("/login")
    page.fill("#email", call_site.blocked)
    page.fill("#password", PASSWORD)
    page.click("main form [type=submit]")
    page.wait_for_load_state()
    try:
        # The presenter is live and two viewers watch over WebRTC, but nobody has played the HLS: no ffmpeg runs.
        assert not list(call_site.hls_dir.glob("*/ffmpeg.pid"))
        _enter(page, call_site)
        started = time.monotonic()
        try:
            stats = _wait(page, lambda s: s["path"] == "hls" and s["currentTime"] > 1, timeout=60)
        except AssertionError as error:  # (it failed so in two full local CI runs, never alone: say what ran)
            raise AssertionError(f"{error}\n{_hls_report(call_site)}") from None
        page.get_by_text("视频线路：HLS（此网络屏蔽了 WebRTC，会延迟几秒）").wait_for()
        later = _wait(page, lambda s: s["currentTime"] > stats["currentTime"] + 2)  # it keeps playing
        assert later["framesDecoded"] > 0 and later["frameWidth"] == 640
        page.get_by_text("台上直播：周杰 Zhou").wait_for()
        _shot(page, "scale-hls-viewer-zh")
        samples = [_stats(page) for _ in range(8) if not time.sleep(0.5)]
        delays = sorted(s["hlsDelayMs"] for s in samples)
        # The page's estimate starts at ffmpeg's clock (the playlist's EXT-X-PROGRAM-DATE-TIME), which reads low
        # (bench/README.md, HLS): at load 8 here, with hls.js close to the live edge, it read -1.4 s.
        assert all(d is not None and -5000 < d < 15000 for d in delays), delays
        assert len(list(call_site.hls_dir.glob("*/ffmpeg.pid"))) == 1  # started by the page's first request
        edge = sorted(s["hlsLatency"] for s in samples)
        print(f"HLS playing {time.monotonic() - started:.1f}s after the page opened; behind ffmpeg's clock by "
              f"{delays[4]} ms, behind the playlist's live edge by {edge[4]:.2f} s (medians of 8)")
        assert page.errors == []
    finally:
        page.close()


def test_someone_not_invited_cannot_fetch_the_playlist(room, call_site):
    import requests

    def fetch(email):
        http = requests.Session()
        if email:
            answer = http.post(call_site.url + "/api/auth/login", json={"email": email, "password": PASSWORD},
                               timeout=30)
            assert answer.status_code == 200, answer.text
        return http.get(f"{call_site.url}/roadshows/{call_site.roadshow_id}/video/hls/index.m3u8", timeout=30,
                        allow_redirects=False)

    member = call_site.ns.run(fetch, call_site.first)
    assert member.status_code == 200 and member.text.startswith("#EXTM3U")
    assert member.headers["Content-Type"] == "application/vnd.apple.mpegurl"
    segment = next(line for line in member.text.splitlines() if line.endswith(".ts"))
    outsider = call_site.ns.run(fetch, call_site.outsider)
    assert outsider.status_code == 403 and "#EXTM3U" not in outsider.text
    anonymous = call_site.ns.run(fetch, None)
    assert anonymous.status_code in (401, 302) and "#EXTM3U" not in anonymous.text

    def fetch_segment(email, *, newest=False):
        http = requests.Session()
        http.post(call_site.url + "/api/auth/login", json={"email": email, "password": PASSWORD}, timeout=30)
        base = f"{call_site.url}/roadshows/{call_site.roadshow_id}/video/hls"
        # (ffmpeg deletes the segments that leave the playlist: on a loaded machine the one listed above may be
        # gone by now, so the member takes the newest of a playlist read just before)
        name = [line for line in http.get(f"{base}/index.m3u8", timeout=30).text.splitlines()
                if line.endswith(".ts")][-1] if newest else segment
        return http.get(f"{base}/{name}", timeout=30)

    assert call_site.ns.run(fetch_segment, call_site.outsider).status_code == 403
    assert call_site.ns.run(fetch_segment, call_site.first, newest=True).headers["Content-Type"] == "video/mp2t"


def _playlist_as(call_site, email):
    import requests

    http = requests.Session()
    answer = http.post(call_site.url + "/api/auth/login", json={"email": email, "password": PASSWORD}, timeout=30)
    assert answer.status_code == 200, answer.text
    return http.get(f"{call_site.url}/roadshows/{call_site.roadshow_id}/video/hls/index.m3u8", timeout=30)


def _rtp_arrives(port: int, seconds: float = 3.0) -> bool:
    """Whether any packet reaches this UDP port (where Janus forwarded the stage to ffmpeg) within `seconds`."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as listener:
        listener.bind(("127.0.0.1", port))
        listener.settimeout(seconds)
        try:
            return bool(listener.recv(2048))
        except TimeoutError:
            return False


def test_once_nobody_plays_the_hls_its_ffmpeg_and_forward_stop_and_the_next_viewer_starts_them(room, call_site):
    import os

    stage_dir = next(call_site.hls_dir.glob("*/ffmpeg.pid")).parent
    audio_port = int((stage_dir / "ports").read_text().split()[0])
    long_ago = time.time() - 3600
    os.utime(stage_dir / "wanted", (long_ago, long_ago))  # nobody asked for the playlist for an hour
    # The WebRTC viewers' pages ask who is live every 2 s; the next ask finds the HLS unwanted.
    deadline = time.monotonic() + 20
    while (stage_dir / "ffmpeg.pid").exists() and time.monotonic() < deadline:
        time.sleep(0.25)
    assert not (stage_dir / "ffmpeg.pid").exists() and not (stage_dir / "index.m3u8").exists()
    # Janus no longer sends the stage there: the forward is stopped just after ffmpeg, by a request to Janus that
    # a loaded machine takes a moment over, so it has until the deadline to fall silent for a whole probe
    deadline = time.monotonic() + 15
    while call_site.ns.run(_rtp_arrives, audio_port) and time.monotonic() < deadline:
        pass
    assert not call_site.ns.run(_rtp_arrives, audio_port)
    # The next viewer's first ask starts ffmpeg again (404 until its first segment), and it plays.
    started = time.monotonic()
    deadline = started + 90  # (it took over 40 s in a loaded CI run, and 1.4-4.6 s here at load 8-10)
    while (answer := call_site.ns.run(_playlist_as, call_site, call_site.first)).status_code != 200:
        assert answer.status_code == 404 and time.monotonic() < deadline, _hls_report(call_site)
        time.sleep(1)
    print(f"HLS restarted in {time.monotonic() - started:.1f} s")
    assert ".ts" in answer.text and (stage_dir / "ffmpeg.pid").exists()


def test_ending_the_pitch_stops_the_forwards_and_ffmpeg(room, netns_browser, call_site):  # noqa: F811
    stage_dir = next(call_site.hls_dir.iterdir())
    assert (stage_dir / "ffmpeg.pid").exists()
    organiser = _signed_in(netns_browser, call_site, call_site.organiser, "en-US")
    try:
        organiser.goto(f"/roadshows/{call_site.roadshow_id}/live")
        organiser.get_by_role("button", name="End pitch").click()
        room["presenter"].get_by_text("You are no longer live.").wait_for()
        deadline = time.monotonic() + 15
        while (stage_dir / "ffmpeg.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.25)
        assert not (stage_dir / "ffmpeg.pid").exists()
        room["second"].get_by_text("台上暂时没有人在直播。").wait_for()
    finally:
        organiser.context.close()
