"""In a real browser: a provider lists GPU hours, a founder finds them by search, requests, the provider quotes,
the founder accepts, the work is delivered, and the founder completes and reviews."""
import re
import uuid
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, Console, confirm_in_page, shot, sign_in  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.served,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}")]


def _page(browser, site):  # noqa: F811
    context = browser.new_context(base_url=site.url, locale="en-US", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.console = Console(page)
    return page


def test_gpu_hours_from_listing_to_review(browser, site, shot):  # noqa: F811
    from playwright.sync_api import expect

    word = f"Hopper{uuid.uuid4().hex[:6]}"
    provider = _page(browser, site)
    founder = _page(browser, site)
    try:
        # The provider lists GPU hours with the compute fields.
        sign_in(provider, "provider@demo.fuhua.dev")
        provider.goto("/resources/new")
        provider.fill("#title", f"{word} H100 GPU hours")
        provider.select_option("#category", "compute")
        expect(provider.locator("#accelerator_model")).to_be_visible()
        expect(provider.locator("#pilot_process")).to_be_hidden()
        provider.fill("#description", "Eight **H100** per node.")
        provider.fill("#tags", "gpu, h100")
        provider.fill("#accelerator_model", "NVIDIA H100")
        provider.fill("#accelerator_memory_gb", "80")
        provider.fill("#unit", "GPU-hour")
        provider.select_option("#pricing_model", "fixed")
        provider.fill("#price", "25")
        provider.fill("#capacity", "100")
        provider.fill("#city", "Beijing")
        provider.select_option("#status", "published")
        shot(provider, "1-editor")
        provider.click("main form [type=submit]")
        expect(provider).to_have_url(re.compile(r"/resources/\d+$"))
        expect(provider.locator("h1")).to_contain_text(word)

        # The founder finds it by search and requests 10 hours.
        sign_in(founder, "founder@demo.fuhua.dev")
        founder.goto("/resources")
        founder.fill("#market-q", word.lower())
        founder.click("main form[role=search] [type=submit]")
        expect(founder.locator(".result-count")).to_contain_text("1 resource")
        shot(founder, "2-search")
        founder.click(f"main .listing-card a:has-text('{word}')")
        founder.fill("#quantity", "10")
        founder.fill("#message", "For our perception model.")
        founder.click("main form [type=submit]:has-text('Send request')")
        expect(founder).to_have_url(re.compile(r"/requests/\d+$"))
        request_url = founder.url

        # The provider quotes from the incoming requests.
        provider.goto("/requests?side=provider")
        provider.click(f"main table a:has-text('{word}')")
        provider.fill("#quote-lines-0-quantity", "1")
        provider.fill("#quote-lines-0-unit_price", "240")
        provider.fill("#quote-note", "Includes onboarding.")
        provider.click("main button:has-text('Send quote')")
        expect(provider.locator(".flash-success")).to_be_visible()

        # The founder accepts; the provider starts and delivers; the founder completes and reviews.
        founder.goto(request_url)
        expect(founder.locator("main")).to_contain_text("¥240.00")
        founder.click("main button:has-text('Accept quote')")
        expect(founder.locator("[data-request-state]")).to_contain_text("Accepted")
        expect(founder.locator("[data-start-waits], [data-signing]").first).to_be_visible()
        for page, name in ((founder, "Wang Fang"), (provider, "Li Na")):
            page.goto(request_url)
            page.click("#open-agreement")
            page.fill("#full_name", name)
            page.check("#consent")
            page.click("#sign-submit")
            expect(page.locator(".flash-success")).to_be_visible()
        expect(provider.locator("[data-signed-by-both]")).to_be_visible()
        provider.goto(request_url)
        provider.click("main button:has-text('Start work')")
        provider.fill("#deliver-note", "Nodes handed over.")
        provider.click("main button:has-text('Mark delivered')")
        expect(provider.locator("[data-request-state]")).to_contain_text("Delivered")
        founder.goto(request_url)
        founder.click("main button:has-text('Accept delivery and complete')")
        expect(founder.locator("[data-request-state]")).to_contain_text("Completed")
        founder.select_option("#rating", "5")
        founder.fill("#comment", "Great queue times.")
        founder.click("#review-submit")
        expect(founder.locator("main")).to_contain_text("Great queue times.")
        shot(founder, "3-completed")
        founder.click("main a:has-text('Agreement')")
        expect(founder.locator("h1")).to_contain_text("Cooperation agreement")
        shot(founder, "4-agreement")
        assert provider.console.csp_violations() == [] and founder.console.csp_violations() == []
        assert founder.console.errors == [], founder.console.errors
    finally:
        provider.context.close()
        founder.context.close()


def _api(page, method: str, path: str, body: dict | None = None) -> dict:
    """Call the JSON API as the page's signed-in user (session cookie plus a fresh CSRF token)."""
    token = page.request.get("/api/auth/csrf").json()["csrf_token"]
    response = page.request.fetch(path, method=method, data=body, headers={"X-CSRFToken": token})
    assert response.ok, response.text()
    return response.json()


def test_a_requote_the_founder_has_not_seen_is_not_accepted(browser, site, shot):  # noqa: F811
    """The founder reads a quote of ¥10 in Chinese; the provider re-quotes ¥190; the founder's click on
    接受报价 is refused with the reason and nothing is reserved; after reading ¥190 the founder accepts it."""
    from playwright.sync_api import expect

    provider = _page(browser, site)
    founder = _page(browser, site)
    try:
        sign_in(provider, "provider@demo.fuhua.dev")
        sign_in(founder, "founder@demo.fuhua.dev", lang="zh")
        org_id = next(o["id"] for o in _api(provider, "GET", "/api/me")["organisations"] if o["kind"] == "provider")
        listing = _api(provider, "POST", "/api/listings", {
            "provider_id": org_id, "title": f"芯片测试台 {uuid.uuid4().hex[:6]}", "category": "compute",
            "unit": "GPU-hour", "pricing_model": "fixed", "price": 10, "capacity": 3, "status": "published",
            "category_fields": {"accelerator_model": "昇腾 910"}})
        startup_id = next(o["id"] for o in _api(founder, "GET", "/api/me")["organisations"] if o["kind"] == "startup")
        made = _api(founder, "POST", f"/api/listings/{listing['id']}/requests",
                    {"quantity": 1, "message": "试用", "startup_id": startup_id})
        request_url = f"/requests/{made['id']}"

        provider.goto(request_url)
        provider.fill("#quote-lines-0-unit_price", "10")
        provider.click("main button:has-text('Send quote')")
        expect(provider.locator(".flash-success")).to_be_visible()

        founder.goto(request_url)
        expect(founder.locator("main")).to_contain_text("¥10.00")
        provider.reload()
        provider.fill("#quote-lines-0-unit_price", "190")
        provider.click("main button:has-text('Send quote')")
        expect(provider.locator(".flash-success")).to_be_visible()

        founder.click("main button:has-text('接受报价')")  # the page still shows ¥10
        expect(founder.locator(".flash-error")).to_contain_text("服务方已修改报价")
        expect(founder.locator("[data-request-state]")).to_contain_text("已报价")
        expect(founder.locator("main")).to_contain_text("¥190.00")
        expect(founder.locator("main")).to_contain_text("已重新报价")  # the timeline names the re-quote
        shot(founder, "1-quote-changed")
        assert _api(founder, "GET", f"/api/listings/{listing['id']}")["capacity"] == 3

        founder.click("main button:has-text('接受报价')")
        expect(founder.locator("[data-request-state]")).to_contain_text("已接受")
        assert _api(founder, "GET", f"/api/listings/{listing['id']}")["capacity"] == 2
        assert founder.console.errors == [], founder.console.errors
    finally:
        provider.context.close()
        founder.context.close()


def test_sold_out_listing_and_a_cash_payment_marked_received(browser, site, shot):  # noqa: F811
    """A listing whose one unit is taken says "Sold out" and offers no request form; a second quote on it has no
    Accept button; the provider, in Chinese, marks the first request's cash payment received from its page, and the
    founder confirms it: the settlement is paid."""
    from playwright.sync_api import expect

    provider = _page(browser, site)
    founder = _page(browser, site)
    try:
        sign_in(provider, "provider@demo.fuhua.dev", lang="zh")
        sign_in(founder, "founder@demo.fuhua.dev")
        org_id = next(o["id"] for o in _api(provider, "GET", "/api/me")["organisations"] if o["kind"] == "provider")
        startup_id = next(o["id"] for o in _api(founder, "GET", "/api/me")["organisations"] if o["kind"] == "startup")
        listing = _api(provider, "POST", "/api/listings", {
            "provider_id": org_id, "title": f"EMC chamber day {uuid.uuid4().hex[:6]}", "category": "compute",
            "unit": "day", "pricing_model": "fixed", "price": 800, "capacity": 1, "status": "published",
            "category_fields": {"accelerator_model": "—"}})
        first, second = (_api(founder, "POST", f"/api/listings/{listing['id']}/requests",
                              {"quantity": 1, "startup_id": startup_id}) for _ in range(2))
        quotes = [_api(provider, "POST", f"/api/requests/{r['id']}/quote", {"price": 800}) for r in (first, second)]
        _api(founder, "POST", f"/api/requests/{first['id']}/accept", {"quote_id": quotes[0]["quote_id"]})
        for page in (founder, provider):
            _api(page, "POST", f"/api/requests/{first['id']}/agreement/sign", {"full_name": "签字人", "consent": True})
        for move in ("start", "deliver"):
            _api(provider, "POST", f"/api/requests/{first['id']}/{move}", {})
        _api(founder, "POST", f"/api/requests/{first['id']}/complete", {})

        founder.goto(f"/resources/{listing['id']}")
        expect(founder.locator("[data-sold-out]")).to_contain_text("Sold out")
        expect(founder.locator("main button:has-text('Send request')")).to_have_count(0)
        founder.goto(f"/requests/{second['id']}")
        expect(founder.locator("[data-sold-out]")).to_contain_text("cannot be accepted")
        expect(founder.locator("main button:has-text('Accept quote')")).to_have_count(0)
        shot(founder, "1-no-accept")

        provider.goto(f"/requests/{first['id']}")
        provider.click("[data-payment='1'] [data-mark-paid]")
        confirm_in_page(provider)
        expect(provider.locator(".flash-success")).to_contain_text("已标记收款")
        expect(provider.locator("[data-payment='1']")).to_contain_text("已标记收款，待确认")
        expect(provider.locator("[data-mark-paid]")).to_have_count(0)
        shot(provider, "2-marked")
        founder.goto(f"/requests/{first['id']}")
        founder.click("[data-payment='1'] [data-confirm-payment]")
        expect(founder.locator(".flash-success")).to_contain_text("Payment confirmed")
        expect(founder.locator("[data-settlement]")).to_contain_text("paid")
        assert _api(founder, "GET", f"/api/requests/{first['id']}")["settlement"]["status"] == "paid"
        assert provider.console.errors == [] and founder.console.errors == []
    finally:
        provider.context.close()
        founder.context.close()


def test_admin_finds_a_request_left_by_a_deactivated_provider(browser, site, shot):  # noqa: F811
    """A provider's only member is deactivated: its listing disappears from the marketplace, and the admin, in
    Chinese, finds the founder's open request under 待处理的异常申请 and opens it."""
    from playwright.sync_api import expect

    word = uuid.uuid4().hex[:6]
    provider, founder, admin = _page(browser, site), _page(browser, site), _page(browser, site)
    try:
        signed_up = provider.request.post("/api/auth/register", data={
            "email": f"lab-{word}@example.com", "password": "quiet-harbour-lantern-7", "name": "Lab Owner",
            "role": "provider"}).json()
        headers = {"X-CSRFToken": signed_up["csrf_token"]}
        org = provider.request.post("/api/providers", data={"name": f"孤岛实验室 {word}"}, headers=headers).json()
        listing = provider.request.post("/api/listings", headers=headers, data={
            "provider_id": org["id"], "title": f"盐雾试验 {word}", "category": "compute", "unit": "run",
            "pricing_model": "fixed", "price": 300, "capacity": 5, "status": "published",
            "category_fields": {"accelerator_model": "—"}}).json()
        sign_in(founder, "founder@demo.fuhua.dev")
        startup_id = next(o["id"] for o in _api(founder, "GET", "/api/me")["organisations"] if o["kind"] == "startup")
        made = _api(founder, "POST", f"/api/listings/{listing['id']}/requests", {"quantity": 1,
                                                                                "startup_id": startup_id})
        sign_in(admin, "admin@demo.fuhua.dev", lang="zh")
        _api(admin, "POST", f"/api/admin/users/{signed_up['user']['id']}/deactivate", {})

        founder.goto(f"/resources?q={word}")
        expect(founder.locator(f"main .listing-card:has-text('{word}')")).to_have_count(0)
        admin.goto("/admin")
        admin.click("nav.tabs a:has-text('待处理的异常申请')")
        row = admin.locator(f"[data-flagged-requests] tr:has-text('{word}')")
        expect(row).to_contain_text(f"#{made['id']}")
        expect(row).to_contain_text("未认证")
        shot(admin, "1-flagged")
        row.locator("a").first.click()
        expect(admin).to_have_url(re.compile(rf"/requests/{made['id']}$"))
        assert admin.console.errors == []
    finally:
        for page in (provider, founder, admin):
            page.context.close()
