"""In a real browser: a founder books a slot of an approval-type session in the week view, the mentor confirms
it, and both see it in "My sessions". Uses the demo data (served with `flask seed-demo`)."""
import re
import uuid
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, Console, shot, sign_in  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.served,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium is not installed at {CHROMIUM}")]


def test_founder_books_mentor_confirms_both_see_it(browser, site, shot):  # noqa: F811
    context = browser.new_context(base_url=site.url, locale="en-US", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.console = Console(page)
    try:
        _journey(page, shot)
    finally:
        context.close()


def _journey(page, shot):  # noqa: F811
    from playwright.sync_api import expect

    topic = f"Seed round plan {uuid.uuid4().hex[:6]}"
    sign_in(page, "founder@demo.fuhua.dev")
    page.goto("/mentors?q=Zhou")
    page.click("main a.org-card:has-text('Zhou Ming')")
    expect(page.locator("h1")).to_contain_text("Zhou Ming")
    page.click("main .tabs a:has-text('1:1 mentoring')")
    # Two weeks on, clear of the demo founder's own sessions and meetings (a clash is refused: one calendar).
    page.click("main a:has-text('Next week')")
    page.click("main a:has-text('Next week')")
    slot = page.locator("a.mt-slot").last
    shot(page, "1-week-view")
    slot.click()
    expect(page.locator("h1")).to_contain_text("1:1 mentoring")
    page.fill("#topic", topic)
    shot(page, "2-booking-form")
    page.click("main form [type=submit]")
    expect(page).to_have_url(re.compile(r"/sessions/\d+$"))
    expect(page.locator(".mt-status")).to_contain_text("awaiting approval")
    session_url = page.url
    assert not page.console.csp_violations(), page.console.errors

    page.click("details.user-menu summary")
    page.click("details.user-menu button:has-text('Sign out')")
    sign_in(page, "mentor@demo.fuhua.dev")
    page.goto("/sessions?scope=pending")
    row = page.locator("tr", has_text=topic)
    expect(row).to_have_count(1)
    shot(page, "3-mentor-pending")
    row.locator("button:has-text('Confirm')").click()
    expect(page.locator(".flash-success")).to_contain_text("confirmed")
    page.goto("/sessions?scope=upcoming")
    expect(page.locator("tr", has_text=topic).locator(".mt-status")).to_contain_text("confirmed")
    shot(page, "4-mentor-upcoming")

    page.click("details.user-menu summary")
    page.click("details.user-menu button:has-text('Sign out')")
    sign_in(page, "founder@demo.fuhua.dev")
    page.goto("/sessions")
    expect(page.locator("tr", has_text=topic).locator(".mt-status")).to_contain_text("confirmed")
    shot(page, "5-founder-upcoming")
    page.goto(session_url)
    page.fill("#chat-body", "Looking forward to it")
    page.click("[data-chat-form] button")
    expect(page.locator("[data-chat-list]")).to_contain_text("Looking forward to it")
    shot(page, "6-session-room")
    assert not page.console.csp_violations(), page.console.errors
