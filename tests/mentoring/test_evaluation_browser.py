"""In a real browser, English and Chinese, on the demo data (the demo founder's recent sessions with the demo
mentor, `app.mentoring.seed.RECENT`): either side reports a no-show, and feedback stays blind (a party's rating
is hidden from the other until both have rated)."""
import re
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, Console, confirm_in_page, shot, sign_in  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.served,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium is not installed at {CHROMIUM}")]

FOUNDER, MENTOR = "founder@demo.fuhua.dev", "mentor@demo.fuhua.dev"
TEXT = {
    "en": {"mentor_absent": "The mentor did not come", "founder_absent": "No-show", "no_show": "no-show",
           "marked": "Marked as no-show.", "send": "Send feedback", "thanks": "Thank you for your feedback.",
           "completed": "completed"},
    "zh": {"mentor_absent": "导师缺席", "founder_absent": "记为缺席", "no_show": "缺席", "marked": "已标记为缺席。",
           "send": "提交评价", "thanks": "感谢您的评价。", "completed": "已完成"},
}


def _person(browser, site, email, lang):
    context = browser.new_context(base_url=site.url, locale="zh-CN" if lang == "zh" else "en-US",
                                  timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.console = Console(page)
    sign_in(page, email, lang=lang)
    return context, page


def _open_past(page, topic: str) -> str:
    """Open the session with `topic` from My sessions → Past; return its URL."""
    page.goto("/sessions?scope=past")
    page.locator("tr", has_text=topic).locator("a[href^='/sessions/']").first.click()
    page.wait_for_url(re.compile(r"/sessions/\d+$"))
    return page.url


@pytest.mark.parametrize("lang, reporter, topic", [("en", "founder", "Pilot line budget review"),
                                                   ("zh", "mentor", "BOM cost check")])
def test_either_side_reports_a_no_show(browser, site, shot, lang, reporter, topic):  # noqa: F811
    from playwright.sync_api import expect

    text = TEXT[lang]
    (fc, founder), (mc, mentor) = _person(browser, site, FOUNDER, lang), _person(browser, site, MENTOR, lang)
    try:
        me, other = (founder, mentor) if reporter == "founder" else (mentor, founder)
        url = _open_past(me, topic)
        button = text["mentor_absent"] if reporter == "founder" else text["founder_absent"]
        shot(me, f"{lang}-1-before")
        me.locator(".actions button", has_text=button).click()
        confirm_in_page(me)
        expect(me.locator(".flash-success")).to_contain_text(text["marked"])
        expect(me.locator(".mt-status")).to_have_text(text["no_show"])
        expect(me.locator(".actions button", has_text=button)).to_have_count(0)
        shot(me, f"{lang}-2-reported")
        other.goto(url)
        expect(other.locator(".mt-status")).to_have_text(text["no_show"])
        expect(other.locator(".actions button")).to_have_count(0)  # nothing left to report or complete
        assert not me.console.errors and not other.console.errors, (me.console.errors + other.console.errors,
                                                                   site.logs()[-6000:])
    finally:
        fc.close()
        mc.close()


@pytest.mark.parametrize("lang, first, topic", [("en", "founder", "Seed deck feedback"),
                                                ("zh", "mentor", "Hiring the first engineers")])
def test_feedback_is_blind_until_both_have_rated(browser, site, shot, lang, first, topic):  # noqa: F811
    from playwright.sync_api import expect

    text = TEXT[lang]
    (fc, founder), (mc, mentor) = _person(browser, site, FOUNDER, lang), _person(browser, site, MENTOR, lang)
    try:
        one, two = (founder, mentor) if first == "founder" else (mentor, founder)
        url = _open_past(one, topic)
        expect(one.locator(".mt-status")).to_have_text(text["completed"])
        secret = f"{'两星，准备不足' if lang == 'zh' else 'Two stars: not prepared'} ({first})"
        one.check("input[name=rating][value='2']")
        one.fill("#fb-comment", secret)
        one.locator("form button", has_text=text["send"]).click()
        expect(one.locator(".flash-success")).to_contain_text(text["thanks"])
        expect(one.locator("main")).to_contain_text(secret)  # one's own rating, shown to them
        two.goto(url)
        expect(two.locator("[data-feedback-blind]")).to_be_visible()
        expect(two.locator("main")).not_to_contain_text(secret)
        shot(two, f"{lang}-1-blind")
        two.check("input[name=rating][value='4']")
        two.fill("#fb-comment", "Solid session" if lang == "en" else "很有收获")
        two.locator("form button", has_text=text["send"]).click()
        expect(two.locator(".flash-success")).to_contain_text(text["thanks"])
        expect(two.locator("main")).to_contain_text(secret)  # both rated: revealed
        expect(two.locator("[data-feedback-blind]")).to_have_count(0)
        shot(two, f"{lang}-2-revealed")
        one.goto(url)
        expect(one.locator("main")).to_contain_text("Solid session" if lang == "en" else "很有收获")
        assert not one.console.errors and not two.console.errors, one.console.errors + two.console.errors
    finally:
        fc.close()
        mc.close()
