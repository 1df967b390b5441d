"""In a real browser, on the demo site: the admin opens the statistics from the admin tabs, sees the charts in
English and in Chinese, picks a range, and a bad range keeps what was typed. Screenshots in tests/artifacts/."""
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, Console, shot, sign_in  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.served,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium is not installed at {CHROMIUM}")]


def test_admin_sees_the_statistics_charts_in_both_languages(browser, site, shot):  # noqa: F811
    from playwright.sync_api import expect

    context = browser.new_context(base_url=site.url, locale="en-US", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.console = Console(page)
    try:
        sign_in(page, "admin@demo.fuhua.dev")
        page.goto("/admin/")
        page.click("main nav.tabs a[href='/admin/statistics']")
        expect(page.locator("h1")).to_have_text("Incubator statistics")
        charts = page.locator("svg.st-chart[role=img]")
        expect(charts).to_have_count(6)
        expect(page.locator("#chart-weekly-t")).to_have_text("Mentor sessions per week")
        assert page.locator("svg.st-chart").first.bounding_box()["width"] > 300
        shot(page, "1-dashboard-en")

        page.fill("#start", "2026-05-02")
        page.fill("#end", "2026-05-01")
        page.click("main form.st-range [type=submit]")
        expect(page.locator("#end-error")).to_be_visible()
        expect(page.locator("#start")).to_have_value("2026-05-02")
        shot(page, "2-bad-range")
        assert not page.console.csp_violations(), page.console.errors

        page.goto("/admin/statistics")
        page.console.clear()  # the bad range above answered 422 on purpose
        page.click("header form.lang-switch button")
        page.goto("/admin/statistics")
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        expect(charts).to_have_count(6)
        shot(page, "3-dashboard-zh")
        assert not page.console.csp_violations(), page.console.errors
        assert not page.console.errors, page.console.errors
    finally:
        if page.locator("html").get_attribute("lang") == "zh-CN":
            page.click("header form.lang-switch button")  # leave the shared demo admin in English
        context.close()
