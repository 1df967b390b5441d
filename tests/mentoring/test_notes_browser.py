"""In real browsers: the demo mentor (English) and founder (Chinese) type in the shared notes at the same time;
both texts survive on both sides and after reload, each sees the other's cursor; an action item ticked done in
the next session stays done in the sessions after it."""
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests

from tests.browser.conftest import CHROMIUM, DEMO_PASSWORD, Console, shot, sign_in, wait_until  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.served,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium is not installed at {CHROMIUM}")]
FOUNDER, MENTOR = "founder@demo.fuhua.dev", "mentor@demo.fuhua.dev"
EDITOR = ".mt-notes .cm-content"


def _api(base: str, email: str) -> requests.Session:
    session = requests.Session()
    response = session.post(f"{base}/api/auth/login", json={"email": email, "password": DEMO_PASSWORD}, timeout=10)
    assert response.status_code == 200, response.text
    session.headers["X-CSRFToken"] = response.json()["csrf_token"]
    return session


def _bookings(session: requests.Session, base: str) -> dict[int, dict]:
    listed = session.get(f"{base}/api/bookings", params={"per_page": 100}, timeout=10).json()
    return {b["id"]: b for b in listed["items"]}


def _shared_bookings(base: str) -> list[dict]:
    """The demo founder's sessions with the demo mentor, earliest first."""
    mine = _bookings(_api(base, FOUNDER), base)
    theirs = _bookings(_api(base, MENTOR), base)
    shared = [mine[i] for i in mine.keys() & theirs.keys() if mine[i]["status"] != "cancelled"]
    assert shared, "the demo founder has no session with the demo mentor"
    return sorted(shared, key=lambda b: b["starts_at"])


def _book_later(base: str, mentor_id: int, *, from_end: int) -> int:
    """Book the demo mentor's quick check-in, `from_end` slots before its last free slot; the booking id."""
    founder = _api(base, FOUNDER)
    mentor = founder.get(f"{base}/api/mentors/{mentor_id}", timeout=10).json()
    quick = next(t for t in mentor["session_types"] if t["capacity"] == 1 and not t["requires_approval"])
    now = datetime.now(timezone.utc).replace(microsecond=0)
    slots = founder.get(f"{base}/api/mentors/{mentor_id}/slots", timeout=10, params={
        "session_type_id": quick["id"], "start": now.isoformat(),
        "end": (now + timedelta(days=30)).isoformat()}).json()
    slots = slots["items"] if isinstance(slots, dict) and "items" in slots else slots
    assert isinstance(slots, list) and len(slots) > from_end, slots
    response = founder.post(f"{base}/api/bookings", timeout=10, json={
        "session_type_id": quick["id"], "starts_at": slots[-1 - from_end]["starts_at"], "topic": "Follow-up"})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _notes(page) -> str:
    """The document in the page's editor (its text, without the other side's cursor label)."""
    return page.evaluate("document.querySelector('[data-notes-editor]').notesView.state.doc.toString()")


def _context(browser, site, locale: str):
    context = browser.new_context(base_url=site.url, locale=locale, timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.console = Console(page)
    return context, page


def test_mentor_and_founder_type_at_once_and_both_texts_survive(browser, site, shot):  # noqa: F811
    from playwright.sync_api import expect

    booking = _shared_bookings(site.url)[-1]
    mentor_context, mentor = _context(browser, site, "en-US")
    founder_context, founder = _context(browser, site, "zh-CN")
    try:
        sign_in(mentor, MENTOR)
        sign_in(founder, FOUNDER, lang="zh")
        for page in (mentor, founder):
            page.goto(f"/sessions/{booking['id']}")
            expect(page.locator(EDITOR)).to_be_visible()
        expect(founder.locator("#notes-h")).to_have_text("共享笔记")
        mentor.click(EDITOR)
        mentor.keyboard.press("Control+Home")
        founder.click(EDITOR)
        founder.keyboard.press("Control+End")
        english = ["Mentor: ", "price the ", "pilot per ", "line, not ", "per robot. "]
        chinese = ["创始人：", "下周一前", "发送路演", "材料和样品", "测试报告。"]
        for mentor_words, founder_words in zip(english, chinese, strict=True):  # neither waits for the other
            mentor.keyboard.type(mentor_words)
            founder.keyboard.type(founder_words)
        mentor.keyboard.press("Enter")
        mentor.keyboard.type("Next: a pilot in Suzhou.")
        for page in (mentor, founder):
            expect(page.locator(EDITOR)).to_contain_text("Mentor: price the pilot per line, not per robot. ")
            expect(page.locator(EDITOR)).to_contain_text("创始人：下周一前发送路演材料和样品测试报告。")
            expect(page.locator(EDITOR)).to_contain_text("Next: a pilot in Suzhou.")
        assert "\nNext: a pilot in Suzhou." in _notes(founder)  # Enter made a new line on both sides
        expect(mentor.locator(".cm-ySelectionInfo")).to_contain_text(booking["founder"]["name"])
        expect(founder.locator(".cm-ySelectionInfo")).to_contain_text(booking["mentor"]["name"])
        expect(mentor.locator("[data-notes-status]")).to_have_text("Saved.")
        expect(founder.locator("[data-notes-status]")).to_have_text("已保存。")
        shot(mentor, "1-mentor")
        shot(founder, "2-founder")
        assert _notes(mentor) == _notes(founder)
        for page in (mentor, founder):
            page.reload()
            expect(page.locator(EDITOR)).to_contain_text("Mentor: price the pilot per line, not per robot. ")
            expect(page.locator(EDITOR)).to_contain_text("创始人：下周一前发送路演材料和样品测试报告。")
        shot(founder, "3-founder-reloaded")
        for page in (mentor, founder):
            assert not page.console.errors, page.console.errors
    finally:
        mentor_context.close()
        founder_context.close()


def test_an_action_item_ticked_done_in_the_next_session_stays_done(browser, site, shot):  # noqa: F811
    from playwright.sync_api import expect

    first = _shared_bookings(site.url)[0]
    mentor_id = first["mentor"]["id"]
    following = _book_later(site.url, mentor_id, from_end=4)
    mentor_context, mentor = _context(browser, site, "en-US")
    founder_context, founder = _context(browser, site, "zh-CN")
    try:
        sign_in(founder, FOUNDER, lang="zh")
        sign_in(mentor, MENTOR)
        founder.goto(f"/sessions/{first['id']}")
        founder.fill("#item-text", "寄送样品给检测实验室")
        founder.click("[data-item-form] button")
        expect(founder.locator("[data-items]")).to_contain_text("寄送样品给检测实验室")

        mentor.goto(f"/sessions/{following}")
        item = mentor.locator("[data-items] li", has_text="寄送样品给检测实验室")
        expect(item).to_contain_text("↺")
        item.locator("input[type=checkbox]").check()
        expect(item.locator("span.is-done")).to_have_count(1)
        expect(founder.locator("[data-items] li", has_text="寄送样品给检测实验室")
               .locator("input[type=checkbox]")).to_be_checked()  # live in the first session's room
        shot(mentor, "1-ticked-in-the-next-session")

        after = _book_later(site.url, mentor_id, from_end=0)
        founder.goto(f"/sessions/{after}")
        expect(founder.locator("[data-notes-status]")).to_be_attached()
        founder.wait_for_timeout(500)  # the room's join has answered
        expect(founder.locator("[data-items]")).not_to_contain_text("寄送样品给检测实验室")
        shot(founder, "2-not-back-in-the-session-after")
        mentor.reload()
        expect(mentor.locator("[data-items] li", has_text="寄送样品给检测实验室")
               .locator("input[type=checkbox]")).to_be_checked()
        for page in (mentor, founder):
            assert not page.console.errors, page.console.errors
    finally:
        mentor_context.close()
        founder_context.close()


def test_words_typed_while_the_connection_is_down_are_merged_when_it_returns(browser, site, shot):  # noqa: F811
    from playwright.sync_api import expect

    booking = _shared_bookings(site.url)[-1]
    mentor_context, mentor = _context(browser, site, "en-US")
    founder_context, founder = _context(browser, site, "zh-CN")
    try:
        sign_in(mentor, MENTOR)
        sign_in(founder, FOUNDER, lang="zh")
        for page in (mentor, founder):
            page.goto(f"/sessions/{booking['id']}")
            expect(page.locator(EDITOR)).to_be_visible()
            wait_until(page, "() => window.Fuhua.socket.connected")
        founder.evaluate("window.Fuhua.socket.disconnect()")
        founder.click(EDITOR)
        founder.keyboard.press("Control+End")
        founder.keyboard.type("断线时写的一句话。")
        expect(founder.locator("[data-notes-status]")).to_have_text("已离线：您的修改会保留，并在连接恢复后发送。")
        mentor.click(EDITOR)
        mentor.keyboard.press("Control+Home")
        mentor.keyboard.type("Written while the founder was away. ")
        expect(founder.locator(EDITOR)).not_to_contain_text("Written while the founder was away.")
        founder.evaluate("window.Fuhua.socket.connect()")
        for page in (mentor, founder):
            expect(page.locator(EDITOR)).to_contain_text("断线时写的一句话。")
            expect(page.locator(EDITOR)).to_contain_text("Written while the founder was away. ")
        expect(founder.locator("[data-notes-status]")).to_have_text("已保存。")
        assert _notes(mentor) == _notes(founder)
        shot(founder, "reconnected")
    finally:
        mentor_context.close()
        founder_context.close()
