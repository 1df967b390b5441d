"""In a real browser, both languages: a Berlin mentor moves to New York keeping local times (offered 09:00 there,
not 03:00), moves back keeping instants, then replaces a day's hours; the day's result shows it and explains."""
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import CHROMIUM, Console, shot  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.served,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium is not installed at {CHROMIUM}")]

BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")


def _new_mentor_page(browser, site, lang):
    context = browser.new_context(base_url=site.url, locale="zh-CN" if lang == "zh" else "en-US",
                                  timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 1400})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.console = Console(page)
    body = page.request.post("/api/auth/register", data={
        "email": f"avail-{uuid.uuid4().hex[:8]}@example.test", "password": "a-long-password-42",
        "name": "柏林导师" if lang == "zh" else "Berlin Mentor", "role": "mentor"}).json()
    token = body["csrf_token"]
    response = page.request.post("/api/mentors/me/session-types", headers={"X-CSRFToken": token}, data={
        "name": "一对一辅导" if lang == "zh" else "One to one", "duration_minutes": 60, "capacity": 1,
        "min_notice_minutes": 0, "max_days_ahead": 90})
    assert response.status == 201, response.text()
    page.goto("/mentoring/availability")
    if page.locator("html").get_attribute("lang") != ("zh-CN" if lang == "zh" else "en"):
        page.click("header form.lang-switch button")
        page.wait_for_load_state()
    return context, page


def _show_day(page, day: date):
    page.fill("#pv-day", day.isoformat())
    page.click("[data-day-preview] form button")
    page.wait_for_load_state()


def _change_zone(page, zone: str, keep: str):
    page.select_option("#zone-tz", zone)
    page.check(f"[data-zone-form] input[name=keep][value={keep}]")
    page.click("[data-zone-form] button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_zone_change_and_a_replaced_day_in_the_editor(browser, site, shot, lang):  # noqa: F811
    from playwright.sync_api import expect

    context, page = _new_mentor_page(browser, site, lang)
    today = datetime.now(NEW_YORK).date()
    monday = today + timedelta(days=7 - today.weekday())
    try:
        _change_zone(page, "Europe/Berlin", "local")
        page.fill("#day0", "09:00-12:00")
        page.click("main form:has(#day0) button[type=submit]")
        page.wait_for_load_state()

        # moving to New York, the default keeps 09:00 local: offered at 09:00 there, not 03:00
        expect(page.locator("[data-zone-form] input[value=local]")).to_be_checked()
        page.select_option("#zone-tz", "America/New_York")
        page.click("[data-zone-form] button[type=submit]")
        page.wait_for_load_state()
        expect(page.locator("main")).to_contain_text("时区已更改。" if lang == "zh" else "Time zone changed.")
        _show_day(page, monday)
        expect(page.locator("[data-pv-slots]")).to_have_text("09:00, 10:00, 11:00")
        shot(page, f"{lang}-1-new-york-keeps-local-times")

        # back to Berlin keeping the instants: New York 09:00 is Berlin 15:00 (or 14:00 in the odd March weeks)
        _change_zone(page, "Europe/Berlin", "instant")
        _show_day(page, monday)
        first = datetime.combine(monday, datetime.min.time().replace(hour=9), tzinfo=NEW_YORK).astimezone(BERLIN).hour
        expect(page.locator("[data-pv-slots]")).to_have_text(", ".join(f"{h:02d}:00" for h in range(first, first + 3)))
        expect(page.locator("#day0")).to_have_value(f"{first:02d}:00-{first + 3:02d}:00")
        shot(page, f"{lang}-2-berlin-keeps-instants")

        # a board day: these hours replace Monday's
        page.fill("#o-starts_at", f"{monday.isoformat()}T10:00")
        page.fill("#o-ends_at", f"{monday.isoformat()}T12:00")
        page.select_option("#o-available", "replace")
        page.fill("#o-note", "董事会" if lang == "zh" else "Board day")
        page.click("main form:has(#o-starts_at) [type=submit]")
        page.wait_for_load_state()
        kind = "替换当天的时段" if lang == "zh" else "Replaces the day's hours"
        expect(page.locator("main table")).to_contain_text(kind)
        _show_day(page, monday)
        expect(page.locator("[data-pv-slots]")).to_have_text("10:00, 11:00")
        note = ("10:00–12:00 的时段替换了当天的每周时段。" if lang == "zh"
                else "The hours 10:00–12:00 replace this day's weekly hours.")
        expect(page.locator("[data-pv-notes]")).to_contain_text(note)
        _show_day(page, monday + timedelta(days=7))
        expect(page.locator("[data-pv-slots]")).not_to_have_text("10:00, 11:00")
        _show_day(page, monday)
        shot(page, f"{lang}-3-replaced-day")
        assert page.console.csp_violations() == []
    finally:
        context.close()
