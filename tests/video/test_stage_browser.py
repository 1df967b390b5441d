"""A roadshow's stage video in Chromium, through a real Janus, inside a network namespace (harness.py; the
browser and sign-in come from test_call_browser).

The presenter of the live pitch goes live with the fake camera from the room page; two viewers (Chinese and
English) receive video and audio (decoded frames and audio packets counted from getStats()); a shared screen
reaches them; a viewer cannot
publish (refused by Fuhua and by Janus); the moderator's cut stops the frames; after Janus restarts the viewers
come back by themselves; ending the pitch stops the stream.
"""
import threading
import time

import pytest

from tests.video.harness import namespace_site
from tests.video.janus_client import JanusRefused, join_room
from tests.video.test_call_browser import CHROMIUM, PASSWORD, _shot, _signed_in, netns_browser  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.served]


@pytest.fixture(scope="module")
def call_site():
    """Janus and the app served inside one namespace, with a roadshow whose first pitch is live."""
    yield from namespace_site("tests.video.stage_data", PASSWORD)


@pytest.fixture(scope="module")
def room(netns_browser, call_site):  # noqa: F811
    """The presenter (English), the organiser (English) and two viewers (Chinese, English) in the live room."""
    pages = {"presenter": _signed_in(netns_browser, call_site, call_site.presenter, "en-US"),
             "organiser": _signed_in(netns_browser, call_site, call_site.organiser, "en-US"),
             "viewer_zh": _signed_in(netns_browser, call_site, call_site.viewer_zh, "zh-CN"),
             "viewer_en": _signed_in(netns_browser, call_site, call_site.viewer_en, "en-US")}
    for page in pages.values():
        page.goto(f"/roadshows/{call_site.roadshow_id}/live")
    yield pages
    for page in pages.values():
        page.context.close()


def _stats(page) -> dict:
    return page.evaluate("() => window.FuhuaStage.stats()")


def _wait_stats(page, check, timeout: float = 45.0) -> dict:
    """Poll the page's getStats() totals until check(stats) holds (the CSP forbids wait_for_function's eval). The
    time allowed is long: with both suites and their browsers on two cores, a viewer's next poll of the stage and
    its ICE can take a while."""
    deadline = time.monotonic() + timeout
    stats = None
    while time.monotonic() < deadline:
        stats = _stats(page)
        if check(stats):
            return stats
        time.sleep(0.25)
    status = page.locator("[data-stage-video-status]").inner_text()
    raise AssertionError(f"stats never got there: {stats}; status {status!r}; console {page.log[-15:]}")


def _go_live(presenter) -> None:
    presenter.get_by_role("button", name="Go live on camera").click()
    presenter.get_by_text("You are live on stage.").wait_for()


def test_the_presenter_goes_live_and_two_viewers_see_and_hear_them(room):
    viewer_zh, viewer_en = room["viewer_zh"], room["viewer_en"]
    viewer_zh.get_by_text("台上暂时没有人在直播。").wait_for()
    assert viewer_zh.get_by_role("button", name="开启摄像头直播").count() == 0  # viewers have no such control
    _go_live(room["presenter"])
    for page in (viewer_zh, viewer_en):
        stats = _wait_stats(page, lambda s: s["framesDecoded"] > 30 and s["audioPackets"] > 50)
        assert stats["feed"]
    viewer_zh.get_by_text("台上直播：周杰 Zhou").wait_for()
    viewer_en.get_by_text("Connection good").or_(viewer_en.get_by_text("Connection fair")).first.wait_for()
    viewer_zh.get_by_role("button", name="视频放大").click()
    assert viewer_zh.get_by_role("button", name="幻灯片放大").get_attribute("aria-pressed") == "true"
    _shot(viewer_zh, "stage-viewer-zh-video-large")
    _shot(viewer_en, "stage-viewer-en")
    viewer_zh.get_by_role("button", name="幻灯片放大").click()
    viewer_zh.get_by_role("button", name="视频放大").wait_for()
    assert all(page.errors == [] for page in room.values())


def test_a_shared_screen_reaches_the_viewers(room):
    presenter, viewer = room["presenter"], room["viewer_en"]
    assert _wait_stats(viewer, lambda s: s["frameWidth"] > 0)["frameWidth"] == 640  # the fake camera
    presenter.get_by_role("button", name="Share screen").click()
    presenter.get_by_role("button", name="Stop sharing").wait_for()
    _wait_stats(viewer, lambda s: s["frameWidth"] not in (0, 640))
    presenter.get_by_role("button", name="Stop sharing").click()
    presenter.get_by_role("button", name="Share screen").wait_for()
    _wait_stats(viewer, lambda s: s["frameWidth"] == 640)


def test_a_viewer_cannot_publish_by_fuhua_or_by_janus(room, call_site):
    viewer = room["viewer_en"]
    answers = viewer.evaluate("""async (url) => {
        const csrf = document.querySelector("meta[name=csrf-token]").content;
        const post = (body) => fetch(url, {method: "POST", body: JSON.stringify(body),
            headers: {"X-CSRFToken": csrf, "Content-Type": "application/json"}});
        const live = await post({publish: true});
        const watch = await (await post({publish: false})).json();
        return {live: live.status, code: (await live.json()).error.code, watch: watch};
    }""", f"/api/roadshows/{call_site.roadshow_id}/video")
    assert answers["live"] == 403 and answers["code"] == "stage_only"
    watch = answers["watch"]
    with pytest.raises(JanusRefused, match="allowed"):  # the viewer's own token, straight to Janus
        call_site.ns.run(join_room, call_site.janus.http_url, token=watch["token"], room=watch["room"])


def _first_joins_at_once(site, emails: list[str]) -> list[dict]:
    """Sign each person in, then all POST {publish: true} to the fresh roadshow's video at the same moment (from
    threads started inside the namespace); their answers."""
    import requests

    sessions = []
    for email in emails:
        http = requests.Session()
        answer = http.post(site.url + "/api/auth/login", json={"email": email, "password": PASSWORD}, timeout=30)
        assert answer.status_code == 200, answer.text
        http.headers["X-CSRFToken"] = answer.json()["csrf_token"]
        sessions.append(http)
    barrier, answers = threading.Barrier(len(sessions)), [None] * len(sessions)

    def join(index):
        barrier.wait()
        answers[index] = sessions[index].post(f"{site.url}/api/roadshows/{site.fresh_roadshow_id}/video",
                                              json={"publish": True}, timeout=30)

    threads = [threading.Thread(target=join, args=(i,)) for i in range(len(sessions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [answer.json() if answer.status_code == 201 else answer.text for answer in answers]


def test_two_first_joins_at_once_both_get_onto_the_stage(call_site):
    """The presenter and the moderator press Go live at the same moment on a room Janus has not made yet: one
    request makes it, the other finds it made and adds its token; both may publish."""
    answers = call_site.ns.run(_first_joins_at_once, call_site, [call_site.presenter, call_site.organiser])
    assert all(isinstance(a, dict) for a in answers), answers
    for access in answers:
        joined = call_site.ns.run(join_room, call_site.janus.http_url, token=access["token"], room=access["room"],
                                  feed_id=access["feed_id"])
        assert joined["id"] == access["feed_id"]


def test_the_moderators_cut_stops_the_frames(room):
    presenter, organiser, viewer = room["presenter"], room["organiser"], room["viewer_en"]
    _wait_stats(viewer, lambda s: s["feed"] is not None)
    organiser.get_by_role("button", name="Cut the presenter's stream").click()
    presenter.get_by_text("A moderator stopped the stream.").wait_for()
    _wait_stats(viewer, lambda s: s["feed"] is None and s["framesDecoded"] == 0)
    viewer.get_by_text("Nobody is live on stage.").wait_for()
    _go_live(presenter)  # the presenter may go live again while their pitch is on stage
    _wait_stats(viewer, lambda s: s["framesDecoded"] > 10)


def test_after_janus_restarts_the_viewers_come_back_by_themselves(room, call_site):
    presenter, viewer = room["presenter"], room["viewer_en"]
    _wait_stats(viewer, lambda s: s["framesDecoded"] > 10)
    call_site.ns.run(call_site.janus.stop)
    viewer.get_by_text("Connection lost. Reconnecting…").wait_for()
    presenter.get_by_text("You are no longer live.").wait_for()
    call_site.ns.run(call_site.janus.start)  # a Janus that forgot every token and room
    _go_live(presenter)
    # A new subscription counts from zero: fresh frames and audio prove the stage is back.
    for page in (viewer, room["viewer_zh"]):
        _wait_stats(page, lambda s: s["feed"] is not None and s["framesDecoded"] > 10 and s["audioPackets"] > 20,
                    timeout=30)


def _stage_tokens(call_site) -> list[str]:
    """The tokens on Janus that may publish on a stage (their payload names their kind, `fuhua.stage.…`)."""
    return [t for t in call_site.ns.run(lambda: call_site.janus.client().list_tokens()) if ".stage." in t]


def test_stopping_my_stream_takes_its_token_off_janus(room, call_site):
    presenter, viewer = room["presenter"], room["viewer_en"]
    if not presenter.evaluate("() => window.FuhuaStage.publishing()"):
        _go_live(presenter)
    _wait_stats(viewer, lambda s: s["framesDecoded"] > 10)
    assert _stage_tokens(call_site)
    presenter.get_by_role("button", name="Stop my stream").click()
    presenter.get_by_role("button", name="Go live on camera").wait_for()
    deadline = time.monotonic() + 10
    while _stage_tokens(call_site) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _stage_tokens(call_site) == []
    _wait_stats(viewer, lambda s: s["feed"] is None)
    _go_live(presenter)  # going live again gets a new token
    _wait_stats(viewer, lambda s: s["framesDecoded"] > 10)


def test_ending_the_pitch_stops_the_stream(room):
    presenter, organiser, viewer = room["presenter"], room["organiser"], room["viewer_zh"]
    _wait_stats(viewer, lambda s: s["feed"] is not None)
    organiser.get_by_role("button", name="End pitch").click()
    presenter.get_by_text("You are no longer live.").wait_for()
    _wait_stats(viewer, lambda s: s["feed"] is None)
    viewer.get_by_text("台上暂时没有人在直播。").wait_for()
    presenter.get_by_role("button", name="Go live on camera").click()
    presenter.get_by_text("Only the presenter on stage and moderators can go live.").wait_for()
