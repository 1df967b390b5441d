"""In a real browser, both languages: the mentor says where a session type happens (a wrong entry is refused
on its field, keeping what was typed), and the founder's booking page and session page show it."""
import re
import uuid
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, Console, shot, sign_in  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.served,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium is not installed at {CHROMIUM}")]

ADDRESS = "北京市海淀区中关村大街1号 创业大厦 8层"


def _page(browser, site, locale):
    context = browser.new_context(base_url=site.url, locale=locale, timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.console = Console(page)
    return context, page


def _sign_out(page):
    page.click("details.user-menu summary")
    page.click("details.user-menu form button")
    page.wait_for_load_state()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_mentor_sets_where_founder_sees_it(browser, site, shot, lang):  # noqa: F811
    from playwright.sync_api import expect

    context, page = _page(browser, site, "zh-CN" if lang == "zh" else "en-US")
    name = f"{'线下诊断' if lang == 'zh' else 'On-site review'} {uuid.uuid4().hex[:5]}"
    try:
        sign_in(page, "mentor@demo.fuhua.dev", lang=lang)
        page.goto("/mentoring/session-types")
        page.fill("#name", name)
        page.fill("#min_notice_minutes", "0")
        page.select_option("#location_kind", "phone")
        page.fill("#location_detail", "")
        page.click("main form:has(#name) [type=submit]")
        # refused on its field; what was typed stays
        expect(page.locator("main")).to_contain_text("请填写电话号码。" if lang == "zh" else "Give the phone number.")
        expect(page.locator("#location_detail")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#name")).to_have_value(name)
        expect(page.locator("#location_kind")).to_have_value("phone")
        page.fill("#location_detail", "+86 10 6275 1234")
        page.click("main form:has(#name) [type=submit]")
        row = page.locator("tr", has_text=name)
        expect(row).to_contain_text(("电话：" if lang == "zh" else "Phone call: ") + "+86 10 6275 1234")

        # edit it: in person, at a Chinese address
        row.locator("a[href*='/mentoring/session-types/']").click()
        page.select_option("#location_kind", "in_person")
        page.fill("#location_detail", ADDRESS)
        shot(page, f"{lang}-1-mentor-edits-where")
        page.click("main form:has(#name) [type=submit]")
        row = page.locator("tr", has_text=name)
        expect(row).to_contain_text(("线下面谈：" if lang == "zh" else "In person: ") + ADDRESS)
        shot(page, f"{lang}-2-session-types")
        mentor_id = page.evaluate("fetch('/api/me').then(r => r.json()).then(me => me.id)")
        _sign_out(page)

        sign_in(page, "founder@demo.fuhua.dev", lang=lang)
        page.goto(f"/mentors/{mentor_id}")
        page.click(f"main .tabs a:has-text('{name}')")
        # Two weeks on, clear of the demo founder's own sessions and meetings (a clash is refused: one calendar).
        page.click("main .mt-week-nav a.btn >> nth=-1")
        page.click("main .mt-week-nav a.btn >> nth=-1")
        slot = page.locator("a.mt-slot").last
        slot.click()
        where = page.locator("[data-testid=location]")
        expect(where).to_contain_text(("线下面谈：" if lang == "zh" else "In person: ") + ADDRESS)
        shot(page, f"{lang}-3-founder-books")
        page.click("main form [type=submit]")
        expect(page).to_have_url(re.compile(r"/sessions/\d+$"))
        expect(page.locator("[data-testid=location]")).to_contain_text(ADDRESS)
        shot(page, f"{lang}-4-session-page")
        assert not page.console.csp_violations(), page.console.errors
    finally:
        context.close()
