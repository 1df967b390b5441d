"""The founder writes to an interested investor and offers times; the investor sees them live and accepts.
Real server with the demo data, real Chromium; screenshots in English and Chinese."""
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import ARTIFACTS, CHROMIUM, Console, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.served,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}")]


def _page(browser, site, email):
    context = browser.new_context(base_url=site.url, locale="en-US", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.console = Console(page)
    sign_in(page, email)
    return context, page


def _shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"meetings-{name}.png"), full_page=True)


def _csrf(page):
    return page.locator('meta[name="csrf-token"]').get_attribute("content")


def _founders_pitch(page) -> int:
    """The first pitch of the upcoming demo day is the demo founder's."""
    roadshows = page.request.get("/api/roadshows?when=upcoming").json()["items"]
    detail = page.request.get(f"/api/roadshows/{roadshows[0]['id']}").json()
    return detail["pitches"][0]["id"]


def _chinese(page):
    page.click("form.lang-switch button")
    page.wait_for_load_state()


def test_founder_messages_and_offers_times_and_the_investor_accepts(browser, site):
    from playwright.sync_api import expect

    investor_ctx, investor = _page(browser, site, "investor@demo.fuhua.dev")
    founder_ctx, founder = _page(browser, site, "founder@demo.fuhua.dev")
    try:
        pitch_id = _founders_pitch(investor)
        marked = investor.request.put(f"/api/pitches/{pitch_id}/interest", headers={"X-CSRFToken": _csrf(investor)})
        assert marked.ok, marked.text()

        # The founder opens the interest list and writes to the investor.
        founder.goto(f"/roadshows/pitches/{pitch_id}/interest")
        row = founder.locator("tr", has_text="investor@demo.fuhua.dev")
        _shot(founder, "interest-en")
        # "Message" opens a new conversation; the demo data may already hold one ("Open conversation").
        row.locator("button:has-text('Message'), a:has-text('Open conversation')").first.click()
        founder.wait_for_url("**/conversations/*")
        founder.fill("#body", "Thanks for your interest in our pitch!")
        founder.click("#message-submit")
        expect(founder.locator("[data-thread] .thread-message", has_text="Thanks for your interest")).to_have_count(1)
        conversation_url = founder.url

        # The investor opens the conversation; the founder's offer then arrives live.
        investor.goto(conversation_url)
        expect(investor.locator("[data-thread]")).to_contain_text("Thanks for your interest in our pitch!")
        founder.click("a:has-text('Offer meeting times')")
        day = (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=21)).strftime("%Y-%m-%d")
        founder.fill("#times-0-starts_at", f"{day}T07:00")
        founder.fill("#times-1-starts_at", f"{day}T20:00")
        founder.select_option("#times-1-duration_minutes", "60")
        founder.fill("#location", "https://meet.example/fuhua-demo")
        founder.fill("#note", "Happy to walk you through the pilot data.")
        _shot(founder, "offer-form-en")
        founder.click("main form button[type=submit]")
        expect(founder.locator(".cv-offer")).to_contain_text("Waiting for an answer")
        _shot(founder, "thread-founder-en")

        offer = investor.locator(".cv-offer")
        expect(offer).to_contain_text("Meeting offer")
        expect(offer.locator("button", has_text="Accept this time")).to_have_count(2)
        _shot(investor, "thread-investor-live-en")
        offer.locator("button", has_text="Accept this time").last.click()
        investor.wait_for_load_state()
        expect(investor.locator(".flash-success")).to_contain_text("Meeting confirmed")
        expect(investor.locator(".cv-offer [data-offer-status]")).to_have_text("Accepted")
        expect(founder.locator(".cv-offer [data-offer-status]")).to_have_text("Accepted")  # live on the founder's page
        expect(founder.locator(".cv-event")).to_contain_text("accepted the time")

        investor.goto("/sessions")
        meetings = investor.locator(".cv-meetings")
        expect(meetings).to_contain_text("1 h")
        expect(meetings.locator("a", has_text="meet.example")).to_have_count(1)
        _shot(investor, "sessions-en")

        _chinese(investor)
        _shot(investor, "sessions-zh")
        investor.goto(conversation_url)
        _shot(investor, "thread-investor-zh")
        _chinese(founder)
        founder.goto(f"/roadshows/pitches/{pitch_id}/interest")
        _shot(founder, "interest-zh")
        founder.goto(conversation_url + "/offer")
        _shot(founder, "offer-form-zh")
        for page in (founder, investor):
            assert not page.console.csp_violations(), page.console.errors
            assert not [e for e in page.console.errors if "uncaught" in e], page.console.errors
    finally:
        founder_ctx.close()
        investor_ctx.close()
