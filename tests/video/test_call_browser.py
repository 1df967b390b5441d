"""A mentoring call in Chromium, through a real Janus, inside a network namespace (see harness.py).

The founder (English) and the mentor (Chinese) join from the session page; each side counts decoded video
frames and received audio packets from getStats(); a screen share reaches the mentor; a third person is
refused by Fuhua and by Janus; leaving closes the feed; with Janus gone the page still works.
"""
import time

import pytest

from tests.served import ROOT
from tests.video.harness import CHROMIUM, CHROMIUM_MEDIA_FLAGS, namespace_site

pytestmark = [pytest.mark.browser, pytest.mark.served]

PASSWORD = "视频通话-Correct-Horse-42"
ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture(scope="module")
def call_site():
    """Janus and the app served inside one namespace, with a session on now; yields a small namespace object."""
    yield from namespace_site("tests.video.data", PASSWORD)


@pytest.fixture(scope="module")
def netns_browser(browser, call_site):
    """Chromium started inside the namespace (through `ip netns exec`), with a fake camera, microphone and
    screen; Playwright drives it over its pipe as usual."""
    chromium = browser.browser_type.launch(executable_path=call_site.ns.chromium_wrapper(CHROMIUM), headless=True,
                                           args=["--no-sandbox", "--disable-gpu", *CHROMIUM_MEDIA_FLAGS])
    yield chromium
    chromium.close()


def _signed_in(browser, site, email: str, locale: str):
    context = browser.new_context(base_url=site.url, locale=locale, timezone_id="Asia/Shanghai",
                                  viewport={"width": 1100, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.errors, page.log = [], []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda msg: page.log.append(f"{msg.type}: {msg.text}"))
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main form [type=submit]")
    page.wait_for_load_state()
    return page


def _wait_stats(page, check, timeout: float = 20.0) -> dict:
    """Poll the page's getStats() totals until check(stats) holds (evaluate, not wait_for_function: the CSP
    forbids the eval that wait_for_function needs)."""
    deadline = time.monotonic() + timeout
    stats = None
    while time.monotonic() < deadline:
        stats = page.evaluate("() => window.FuhuaCall.stats()")
        if check(stats):
            return stats
        time.sleep(0.25)
    status = page.locator("[data-call-status]").inner_text()
    raise AssertionError(f"stats never got there: {stats}; status {status!r}; console {page.log[-15:]}")


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"video-call-{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def pair(netns_browser, call_site):
    founder = _signed_in(netns_browser, call_site, call_site.founder, "en-US")
    mentor = _signed_in(netns_browser, call_site, call_site.mentor, "zh-CN")
    yield founder, mentor
    founder.context.close()
    mentor.context.close()


def test_the_two_parties_see_and_hear_each_other(pair, call_site):
    founder, mentor = pair
    for page, join in ((founder, "Join the call"), (mentor, "加入通话")):
        page.goto(f"/sessions/{call_site.booking_id}")
        page.get_by_role("button", name=join).click()
    for page in (founder, mentor):
        stats = _wait_stats(page, lambda s: s["framesDecoded"] > 30 and s["audioPackets"] > 50)
        assert stats["feeds"] == 1 and stats["frameWidth"] > 0
    founder.get_by_text("Connection good").or_(founder.get_by_text("Connection fair")).first.wait_for()
    assert mentor.locator("[data-call-feed] figcaption").inner_text() == "李创始人 Li"
    assert founder.locator("[data-call-feed] figcaption").inner_text() == "王导师 Wang"
    assert mentor.get_by_role("button", name="关闭麦克风").is_visible()
    _shot(founder, "founder-en")
    _shot(mentor, "mentor-zh")
    assert founder.errors == [] and mentor.errors == []


def test_a_shared_screen_reaches_the_other_party(pair):
    founder, mentor = pair
    founder.get_by_role("button", name="Share screen").click()
    founder.get_by_role("button", name="Stop sharing").wait_for()
    screen = founder.evaluate("() => window.FuhuaCall.localVideoSettings()")
    assert screen["width"] != 640  # not the fake camera's frame any more
    before = mentor.evaluate("() => window.FuhuaCall.stats()")["framesDecoded"]
    _wait_stats(mentor, lambda s: s["frameWidth"] == screen["width"] and s["framesDecoded"] > before + 10)
    _shot(mentor, "mentor-sees-screen")
    founder.get_by_role("button", name="Stop sharing").click()
    founder.get_by_role("button", name="Share screen").wait_for()
    _wait_stats(mentor, lambda s: s["frameWidth"] == 640)


def test_mute_and_camera_buttons_say_their_state(pair):
    founder, _mentor = pair
    founder.get_by_role("button", name="Mute microphone").click()
    assert founder.get_by_role("button", name="Unmute microphone").get_attribute("aria-pressed") == "true"
    founder.get_by_role("button", name="Unmute microphone").click()
    founder.get_by_role("button", name="Camera off").click()
    assert founder.get_by_role("button", name="Camera on").get_attribute("aria-pressed") == "true"
    founder.get_by_role("button", name="Camera on").click()


def test_a_third_person_is_refused_by_fuhua_and_by_janus(netns_browser, call_site, pair):
    from tests.video.janus_client import JanusRefused, join_room

    outsider = _signed_in(netns_browser, call_site, call_site.outsider, "en-US")
    try:
        response = outsider.goto(f"/sessions/{call_site.booking_id}")
        assert response.status == 404
        outsider.goto("/")
        # From the outsider's browser (the test's own HTTP client lives outside the namespace).
        status = outsider.evaluate("""async (url) => {
            const csrf = document.querySelector("meta[name=csrf-token]").content;
            return (await fetch(url, {method: "POST", headers: {"X-CSRFToken": csrf}})).status;
        }""", f"/api/bookings/{call_site.booking_id}/call")
        assert status == 404
    finally:
        outsider.context.close()
    room = 1_000_000_000_000 + call_site.booking_id
    # A token in Fuhua's own format, naming the outsider, but never issued: Janus refuses it.
    unissued = f"fv1.booking.{call_site.booking_id}.{call_site.outsider_id}.{room}.9999999999.1.x"
    with pytest.raises(JanusRefused):
        call_site.ns.run(join_room, call_site.janus.http_url, token=unissued, room=room)


def test_both_sides_rejoin_by_themselves_after_janus_restarts(pair, call_site):
    founder, mentor = pair
    before = {id(page): page.evaluate("() => window.FuhuaCall.stats()")["framesDecoded"] for page in pair}
    call_site.ns.run(call_site.janus.stop)
    founder.get_by_text("Connection lost. Reconnecting…").wait_for()
    call_site.ns.run(call_site.janus.start)  # a Janus that forgot every token and room
    for page in (founder, mentor):
        # New subscriptions count from zero: fresh frames and audio prove the call is back.
        _wait_stats(page, lambda s: s["feeds"] == 1 and s["framesDecoded"] > 20 and s["audioPackets"] > 30,
                    timeout=30)
    assert before[id(founder)] > 0


def test_leaving_closes_the_feed_on_the_other_side(pair):
    founder, mentor = pair
    founder.get_by_role("button", name="Leave").click()
    founder.get_by_text("You left the call.").wait_for()
    mentor.locator("[data-call-feed]").wait_for(state="detached")
    mentor.get_by_text("通话中，等待其他人加入……").wait_for()


def test_without_janus_the_session_page_still_works(pair, call_site):
    founder, _mentor = pair
    call_site.ns.run(call_site.janus.stop)
    founder.reload()
    founder.get_by_role("button", name="Join the call").click()
    founder.get_by_text("Video calls are not available right now.").wait_for()
    founder.fill("#chat-body", "视频不行，我们先文字聊 — video is down, let's chat")
    founder.get_by_role("button", name="Send").click()
    founder.locator("[data-chat-list]").get_by_text("视频不行").wait_for()
