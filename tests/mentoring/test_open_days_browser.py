"""In a real browser, English and Chinese: an admin schedules an open day on the admin page, a founder takes its
one seat, a second founder joins the waitlist, sees their position and leaves it; the open days page shows it all."""
import re
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import CHROMIUM, Console, confirm_in_page, shot, sign_in  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.served,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium is not installed at {CHROMIUM}")]

TEXT = {
    "en": {"schedule": "Schedule the open day", "take": "Take a seat", "wait": "Join the waitlist",
           "seated": "You have a seat.", "position": "You are number 1 on the waitlist.",
           "leave_wait": "Leave the waitlist", "left": "You have left the open day.", "gold": "Gold mentor",
           "seats_left": "0 seats left", "cancelled": "Open day cancelled.", "cancelled_chip": "cancelled"},
    "zh": {"schedule": "安排开放日", "take": "预订席位", "wait": "加入候补", "seated": "您已获得席位。",
           "position": "您在候补名单中排第 1 位。", "leave_wait": "退出候补", "left": "您已退出该开放日。",
           "gold": "金牌导师", "seats_left": "剩余 0 个席位", "cancelled": "开放日已取消", "cancelled_chip": "已取消"},
}


def _person(browser, site, email, lang):
    context = browser.new_context(base_url=site.url, locale="zh-CN" if lang == "zh" else "en-US",
                                  timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 1100})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.console = Console(page)
    sign_in(page, email, lang=lang)
    return context, page


@pytest.mark.parametrize("lang, days", [("en", 50), ("zh", 51)])
def test_admin_schedules_founder_takes_the_seat_another_waits_and_leaves(browser, site, shot, lang, days):  # noqa: F811
    from playwright.sync_api import expect

    text = TEXT[lang]
    title = f"{'硬科技开放日' if lang == 'zh' else 'Hard-tech open day'} {uuid.uuid4().hex[:4]}"
    day = (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=days)).date()
    people = [_person(browser, site, email, lang) for email in
              ("admin@demo.fuhua.dev", "founder@demo.fuhua.dev", "zhang.min@demo.fuhua.dev")]
    (_a, admin), (_f, first), (_s, second) = people
    try:
        admin.goto("/admin/open-days")
        admin.fill("#title", title)
        admin.fill("#description", "带上你们的量产计划 · Bring your production plan")
        admin.fill("#starts_at", f"{day.isoformat()}T19:00")
        admin.fill("#ends_at", f"{day.isoformat()}T21:00")
        admin.fill("#seats", "1")
        admin.select_option("#mentor_ids", label="孙强 Sun Qiang")
        shot(admin, f"{lang}-1-admin-form")
        admin.locator("[data-open-day-form] button[type=submit]", has_text=text["schedule"]).click()
        expect(admin).to_have_url(re.compile(r"/open-days/\d+$"))
        expect(admin.locator("h1")).to_have_text(title)
        url = admin.url

        first.goto("/open-days")
        card = first.locator("[data-open-day]", has_text=title)
        expect(card).to_contain_text("孙强 Sun Qiang")
        expect(card.locator(".chip-gold")).to_have_text(text["gold"])
        card.locator("button", has_text=text["take"]).click()
        expect(card.locator("[data-my-place]")).to_have_text(text["seated"])
        shot(first, f"{lang}-2-seated")

        second.goto("/open-days")
        card = second.locator("[data-open-day]", has_text=title)
        expect(card.locator("[data-seats]")).to_contain_text(text["seats_left"])
        card.locator("button", has_text=text["wait"]).click()
        expect(card.locator("[data-my-place]")).to_have_text(text["position"])
        shot(second, f"{lang}-3-waitlisted")

        admin.goto(url)
        expect(admin.locator("[data-seated]")).to_contain_text("林伟 Lin Wei")
        expect(admin.locator("[data-waitlist]")).to_contain_text("张敏 Zhang Min")
        admin.goto("/mentoring/scorecard")
        expect(admin.locator("tr", has_text="孙强 Sun Qiang").locator(".chip-gold")).to_have_text(text["gold"])
        shot(admin, f"{lang}-5-scorecard")

        card.locator("button", has_text=text["leave_wait"]).click()
        expect(second.locator(".flash-success")).to_contain_text(text["left"])
        expect(card.locator("[data-my-place]")).to_have_count(0)
        expect(card.locator("button", has_text=text["wait"])).to_have_count(1)
        shot(second, f"{lang}-4-left")

        # The admin cancels it from the admin page (after the confirmation); the founder's card says so.
        admin.goto("/admin/open-days")
        open_day_id = url.rsplit("/", 1)[1]
        admin.locator(f"form[action='/admin/open-days/{open_day_id}/cancel'] button").click()
        confirm_in_page(admin)
        expect(admin.locator(".flash-success")).to_contain_text(text["cancelled"])
        first.goto(url)
        expect(first.locator("main h2 .chip")).to_have_text(text["cancelled_chip"])
        for _c, page in people:
            assert not page.console.errors, page.console.errors
    finally:
        for context, _page in people:
            context.close()
