"""In a real browser, the supply side: a provider (in English) lists lab time booked by calendar, uploads photos
and picks the cover, and sets the availability; a founder (in Chinese) sees the cover in the grid and the photos
on the listing, picks a slot and sends the request; once the only slot is taken the listing says it is sold out,
in both languages."""
import io
import re
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import Image

from tests.browser.conftest import CHROMIUM, Console, shot, sign_in  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.served,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}")]


def _page(browser, site):  # noqa: F811
    context = browser.new_context(base_url=site.url, locale="en-US", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.console = Console(page)
    return page


def _api(page, method: str, path: str, body: dict | None = None):
    csrf = page.request.get("/api/auth/csrf").json()["csrf_token"]
    response = page.request.fetch(path, method=method, data=body, headers={"X-CSRFToken": csrf})
    assert response.ok, (response.status, response.text())
    return response.json() if response.status != 204 else None


def _photo(folder: Path, name: str, color) -> Path:
    path = folder / name
    image = Image.new("RGB", (1600, 1000), color)
    for x in range(0, 1600, 200):  # stripes, so the two photos look different on the screenshots
        image.paste((255, 255, 255), (x, 0, x + 40, 1000))
    out = io.BytesIO()
    image.save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return path


def test_provider_adds_photos_and_slots_and_a_founder_books_one_in_chinese(browser, site, shot, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    word = f"Litho{uuid.uuid4().hex[:6]}"
    provider, founder = _page(browser, site), _page(browser, site)
    try:
        sign_in(provider, "provider@demo.fuhua.dev")
        provider.goto("/resources/new")
        provider.fill("#title", f"{word} cleanroom lithography time")
        provider.select_option("#category", "compute")
        provider.fill("#accelerator_model", "—")
        provider.fill("#unit", "4-hour slot")
        provider.select_option("#pricing_model", "fixed")
        provider.fill("#price", "3000")
        provider.select_option("#booking_mode", "calendar")
        provider.select_option("#status", "published")
        provider.click("main form [type=submit]")
        expect(provider).to_have_url(re.compile(r"/resources/\d+$"))
        listing_url = provider.url

        # Photos: two uploaded at once; the second becomes the cover.
        provider.click("[data-manage-photos]")
        provider.set_input_files("#photos", [str(_photo(tmp_path, "bench.jpg", (30, 90, 160))),
                                             str(_photo(tmp_path, "stepper.jpg", (170, 60, 40)))])
        provider.click("main form[data-photo-upload] [type=submit]")
        expect(provider.locator(".flash-success")).to_contain_text("2 photos added")
        expect(provider.locator("[data-photo-list] li")).to_have_count(2)
        second_id = provider.locator("[data-photo-list] li").nth(1).get_attribute("data-photo-id")
        provider.locator("[data-photo-list] li").nth(1).locator("button:has-text('Make cover')").click()
        expect(provider.locator("[data-photo-list] li").first).to_have_attribute("data-photo-id", second_id)
        expect(provider.locator("[data-photo-list] li").first.locator("[data-cover-chip]")).to_be_visible()
        # Not a photo: refused with a clear message, the page still there.
        (tmp_path / "notes.jpg").write_text("not a photo")
        provider.set_input_files("#photos", str(tmp_path / "notes.jpg"))
        provider.click("main form[data-photo-upload] [type=submit]")
        expect(provider.locator(".flash-error")).to_contain_text("not a photo we can read")
        expect(provider.locator("[data-photo-list] li")).to_have_count(2)
        shot(provider, "1-photos")
        provider.console.clear()  # the refusal's page is a 422, which the browser logs

        # Availability: two days of 09:00–17:00 in 4-hour slots.
        provider.goto(listing_url)
        provider.click("[data-manage-calendar]")
        first = (datetime.now(timezone.utc) + timedelta(days=5)).date()
        provider.fill("#first_day", first.isoformat())
        provider.fill("#last_day", (first + timedelta(days=1)).isoformat())
        for box in provider.locator("ul.weekday-checks input[type=checkbox]").all():
            box.check()
        provider.fill("#start_time", "09:00")
        provider.fill("#end_time", "17:00")
        provider.fill("#slot_minutes", "240")
        provider.click("main form[data-slot-form] [type=submit]")
        expect(provider.locator(".flash-success")).to_contain_text("4 slots added")
        expect(provider.locator("[data-slot-id]")).to_have_count(4)
        expect(provider.locator("[data-slot-id]").first).to_contain_text("09:00–13:00")
        shot(provider, "2-calendar")

        # The founder, in Chinese, finds it with its cover, opens it, picks the afternoon of the first day.
        sign_in(founder, "founder@demo.fuhua.dev", lang="zh")
        founder.goto(f"/resources?q={word.lower()}")
        card = founder.locator(f"main .listing-card:has-text('{word}')")
        expect(card.locator("img[data-cover]")).to_have_attribute("src", re.compile(rf"/photos/{second_id}/thumb"))
        expect(card).to_contain_text("4 个空闲时段")
        cover = card.locator("img[data-cover]")
        cover.scroll_into_view_if_needed()  # (a lazy image loads once near the viewport)
        expect(cover).to_have_js_property("complete", True)
        assert cover.evaluate("img => img.naturalWidth") == 480
        shot(founder, "3-grid")
        card.locator("a").first.click()
        expect(founder.locator("[data-cover-photo]")).to_have_attribute("src", re.compile(rf"/photos/{second_id}/"))
        expect(founder.locator("[data-slot-picker]")).to_contain_text("选择时段")
        founder.click("main form [type=submit]:has-text('提交申请')")  # no slot chosen: the form says so
        expect(founder.locator("#slot_id-error")).to_contain_text("请从日历中选择一个时段")
        founder.console.clear()  # that page was a 422
        founder.locator("[data-slot-picker] label:has-text('13:00–17:00')").first.click()
        founder.fill("#message", "用于我们的光刻工艺验证。")
        shot(founder, "4-pick-slot")
        founder.click("main form [type=submit]:has-text('提交申请')")
        expect(founder).to_have_url(re.compile(r"/requests/\d+$"))
        expect(founder.locator("[data-request-slot]")).to_contain_text("13:00")
        shot(founder, "5-request")
        assert provider.console.errors == [] and founder.console.errors == [], \
            provider.console.errors + founder.console.errors
    finally:
        provider.context.close()
        founder.context.close()


def test_a_calendar_listing_with_its_only_slot_taken_is_sold_out(browser, site, shot):  # noqa: F811
    from playwright.sync_api import expect

    word = f"Chamber{uuid.uuid4().hex[:6]}"
    provider, founder, visitor = _page(browser, site), _page(browser, site), _page(browser, site)
    try:
        sign_in(provider, "provider@demo.fuhua.dev", lang="zh")
        sign_in(founder, "founder@demo.fuhua.dev", lang="zh")
        org_id = next(o["id"] for o in _api(provider, "GET", "/api/me")["organisations"] if o["kind"] == "provider")
        startup_id = next(o["id"] for o in _api(founder, "GET", "/api/me")["organisations"] if o["kind"] == "startup")
        listing = _api(provider, "POST", "/api/listings", {
            "provider_id": org_id, "title": f"{word} 高低温试验箱", "category": "compute", "unit": "day",
            "pricing_model": "fixed", "price": 1200, "booking_mode": "calendar", "status": "published",
            "category_fields": {"accelerator_model": "—"}})
        start = (datetime.now(timezone.utc) + timedelta(days=4)).replace(hour=1, minute=0, second=0, microsecond=0)
        [slot] = _api(provider, "POST", f"/api/listings/{listing['id']}/slots", {"slots": [
            {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=8)).isoformat()}]})
        first, second = (_api(founder, "POST", f"/api/listings/{listing['id']}/requests",
                              {"slot_id": slot["id"], "startup_id": startup_id}) for _ in range(2))
        quotes = [_api(provider, "POST", f"/api/requests/{r['id']}/quote", {"price": 1200}) for r in (first, second)]
        _api(founder, "POST", f"/api/requests/{first['id']}/accept", {"quote_id": quotes[0]["quote_id"]})

        founder.goto(f"/resources/{listing['id']}")
        expect(founder.locator("[data-sold-out-badge]")).to_contain_text("已售罄")
        expect(founder.locator("[data-sold-out]")).to_contain_text("所有时段均已被预订")
        expect(founder.locator("[data-slot-picker]")).to_have_count(0)
        expect(founder.locator("main button:has-text('提交申请')")).to_have_count(0)
        shot(founder, "1-sold-out-zh")
        founder.goto(f"/requests/{second['id']}")
        expect(founder.locator("[data-slot-taken]")).to_contain_text("已被另一个申请预订")
        expect(founder.locator("main button:has-text('接受报价')")).to_have_count(0)
        shot(founder, "2-slot-taken-zh")

        visitor.goto(f"/resources?q={word.lower()}")
        expect(visitor.locator(f"main .listing-card:has-text('{word}') [data-sold-out-badge]")).to_contain_text(
            "Sold out")
        visitor.goto(f"/resources/{listing['id']}")
        expect(visitor.locator("[data-sold-out]")).to_contain_text("every slot in the calendar is booked")
        shot(visitor, "3-sold-out-en")
        provider.goto(f"/resources/{listing['id']}/calendar")
        expect(provider.locator(f"[data-slot-id='{slot['id']}'] [data-slot-booked]")).to_contain_text(
            f"#{first['id']}")
        assert founder.console.errors == [] and visitor.console.errors == []
    finally:
        for page in (provider, founder, visitor):
            page.context.close()
