"""A recorded pitch, end to end in Chromium through a real Janus, inside a network namespace (harness.py).

The organiser ticks "Record pitches for the replay" in the roadshow's form; the room then tells everyone it is
recorded (the presenter in Chinese); the organiser puts the pitch live, the presenter goes live with the fake
camera, a viewer watches; the organiser ends the pitch; Janus's .mjr files are turned into a WebM in the
background, and the replay page plays it from its chapter list (the video's time advances, its duration is
known). The organiser's report then counts the pitch's video viewers.
"""
import time
from pathlib import Path

import pytest

from tests.video.harness import namespace_site
from tests.video.test_call_browser import CHROMIUM, PASSWORD, _shot, _signed_in, netns_browser  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.served]


@pytest.fixture(scope="module")
def call_site():
    """Janus and the app served inside one namespace, with a roadshow on now and nobody on stage yet."""
    yield from namespace_site("tests.video.recording_data", PASSWORD)


@pytest.fixture(scope="module")
def people(netns_browser, call_site):  # noqa: F811
    pages = {"organiser": _signed_in(netns_browser, call_site, call_site.organiser, "en-US"),
             "presenter": _signed_in(netns_browser, call_site, call_site.presenter, "zh-CN"),
             "viewer": _signed_in(netns_browser, call_site, call_site.viewer, "en-US")}
    yield pages
    for page in pages.values():
        page.context.close()


def _poll(page, script: str, check, timeout: float = 30.0, what: str = ""):
    """Evaluate `script` until check(value) holds (the CSP forbids wait_for_function's eval)."""
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = page.evaluate(script)
        if check(value):
            return value
        time.sleep(0.25)
    raise AssertionError(f"{what or script} never held: {value!r}; console {page.log[-15:]}")


def _why_not_ready(site) -> str:
    media = Path(site.served.workdir) / "media"
    files = sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()) if media.exists() else []
    log = [line for line in site.served.server.log().splitlines() if "record" in line.lower() or "Error" in line]
    return f"no recording on the replay page; media files {files}; log {log[-20:]}; janus {site.janus.log()[-1500:]}"


def test_a_recorded_pitch_plays_on_the_replay_page_chaptered(people, call_site):
    organiser, presenter, viewer = people["organiser"], people["presenter"], people["viewer"]
    organiser.goto(f"/roadshows/{call_site.roadshow_id}/edit")
    consent = organiser.get_by_label("Record pitches for the replay")
    assert not consent.is_checked()  # off until the organiser turns it on
    consent.check()
    organiser.locator("main form").first.get_by_role("button", name="Save").click()
    organiser.wait_for_load_state()

    for page in (organiser, presenter, viewer):
        page.goto(f"/roadshows/{call_site.roadshow_id}/live")
    presenter.get_by_text("本场路演正在录制").wait_for()
    viewer.get_by_text("This roadshow is recorded").wait_for()

    organiser.locator("[data-stage-pitch]").select_option(str(call_site.pitch_id))
    organiser.get_by_role("button", name="Go live", exact=True).click()
    presenter.locator("[data-stage-state]", has_text="直播中").wait_for()  # the stage change reached the room
    presenter.get_by_role("button", name="开启摄像头直播").click()
    presenter.get_by_text("你正在台上直播。").wait_for()
    _poll(viewer, "async () => (await window.FuhuaStage.stats()).framesDecoded", lambda n: (n or 0) > 60,
          what="the viewer's frames")
    _shot(presenter, "recording-presenter-zh")
    time.sleep(2)  # a few seconds more on the record
    organiser.get_by_role("button", name="End pitch").click()
    presenter.get_by_text("你的直播已停止。").wait_for()

    # The recording is processed in the background: the replay page shows the player once it is ready.
    deadline = time.monotonic() + 60
    while True:
        viewer.goto(f"/roadshows/{call_site.roadshow_id}/replay")
        if viewer.locator("[data-replay-player]").count() or time.monotonic() > deadline:
            break
        time.sleep(2)
    chapters = viewer.locator("[data-replay-chapter]")
    assert chapters.count(), _why_not_ready(call_site)
    assert chapters.count() == 1  # the second pitch was never on stage: no chapter
    chapters.first.get_by_text("固态电池").wait_for()
    viewer.get_by_role("button", name="Play 固态电池").click()
    played = _poll(viewer, "() => { const v = document.querySelector('[data-replay-video]'); "
                           "return {t: v.currentTime, d: v.duration, w: v.videoWidth, err: v.error && v.error.code}; }",
                   lambda v: v["t"] > 1.0, what="the replay's currentTime")
    assert played["d"] > 2 and played["w"] == 640 and played["err"] is None, (played, _why_not_ready(call_site))
    assert viewer.get_by_role("button", name="Play 固态电池").get_attribute("aria-current") == "true"
    _shot(viewer, "recording-replay-en")

    organiser.goto(f"/roadshows/{call_site.roadshow_id}/report")
    row = organiser.locator("tbody tr").filter(has_text="固态电池")
    assert row.locator("[data-peak-video-viewers]").inner_text() == "2"  # the organiser's page and the viewer's
    assert float(row.locator("[data-average-video-viewers]").inner_text()) > 0
    _shot(organiser, "recording-report-en")
    assert all(page.errors == [] for page in people.values())
