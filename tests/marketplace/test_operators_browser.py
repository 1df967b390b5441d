"""In a real browser, in both languages: an admin finds a request in the console with filters; a user reports a
review (in Chinese); the admin hides it from the moderation queue and it disappears from the listing; the admin
searches the audit trail (in Chinese) and downloads the CSV, which parses with the csv module."""
import csv
import io
import re
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, Console, shot, sign_in  # noqa: F401  (fixtures)
from tests.marketplace.test_browser import _api

pytestmark = [pytest.mark.browser, pytest.mark.served,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}")]


def _page(browser, site, locale="en-US"):  # noqa: F811
    context = browser.new_context(base_url=site.url, locale=locale, timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.console = Console(page)
    return page


def _completed_deal(provider, founder, word: str) -> tuple[dict, dict, dict, str]:
    """A listing, a request walked to completion and both reviews, through the API as the demo users:
    (listing, request, the startup's review, the provider organisation's name)."""
    org = next(o for o in _api(provider, "GET", "/api/me")["organisations"] if o["kind"] == "provider")
    startup_id = next(o["id"] for o in _api(founder, "GET", "/api/me")["organisations"] if o["kind"] == "startup")
    listing = _api(provider, "POST", "/api/listings", {
        "provider_id": org["id"], "title": f"{word} 高性能算力 GPU", "category": "compute", "unit": "GPU-hour",
        "pricing_model": "fixed", "price": 30, "capacity": 10, "status": "published",
        "category_fields": {"accelerator_model": "H800"}})
    req = _api(founder, "POST", f"/api/listings/{listing['id']}/requests", {"quantity": 2, "startup_id": startup_id})
    quote = _api(provider, "POST", f"/api/requests/{req['id']}/quote", {"price": 60})
    _api(founder, "POST", f"/api/requests/{req['id']}/accept", {"quote_id": quote["quote_id"]})
    for page, name in ((founder, "王芳"), (provider, "李娜")):
        _api(page, "POST", f"/api/requests/{req['id']}/agreement/sign", {"full_name": name, "consent": True})
    for move in ("start", "deliver"):
        _api(provider, "POST", f"/api/requests/{req['id']}/{move}", {})
    _api(founder, "POST", f"/api/requests/{req['id']}/complete", {})
    review = _api(founder, "POST", f"/api/requests/{req['id']}/review",
                  {"rating": 1, "comment": f"{word} 服务商是骗子，快去别家 spam"})
    _api(provider, "POST", f"/api/requests/{req['id']}/review", {"rating": 4, "comment": "按时付款"})
    return listing, req, review, org["name"]


def test_operator_console_moderation_and_audit_trail(browser, site, shot):  # noqa: F811
    from playwright.sync_api import expect

    word = f"Op{uuid.uuid4().hex[:6]}"
    provider, founder = _page(browser, site), _page(browser, site)
    reader, admin = _page(browser, site, "zh-CN"), _page(browser, site)
    try:
        sign_in(provider, "provider@demo.fuhua.dev")
        sign_in(founder, "founder@demo.fuhua.dev")
        listing, req, review, provider_name = _completed_deal(provider, founder, word)

        # The admin finds the request in the console from the admin navigation, with filters.
        sign_in(admin, "admin@demo.fuhua.dev")
        admin.goto("/admin/")
        admin.click("nav.tabs a:has-text('Requests')")
        expect(admin.locator("h1")).to_have_text("Requests")
        admin.fill("#f-q", word)
        admin.select_option("#f-state", "completed")
        admin.select_option("#f-category", "compute")
        admin.select_option("#f-provider", label=provider_name)
        admin.fill("#f-min-age", "0")
        admin.click("#console-filter")
        expect(admin.locator("[data-result-count]")).to_have_text("1 request")
        row = admin.locator(f"[data-request-row='{req['id']}']")
        expect(row).to_contain_text(provider_name)
        expect(row).to_contain_text("Completed")
        shot(admin, "1-console")
        admin.select_option("#f-state", "submitted")
        admin.click("#console-filter")
        expect(admin.locator("[data-result-count]")).to_have_text("0 requests")
        admin.go_back()
        admin.locator(f"[data-request-row='{req['id']}'] a").first.click()
        expect(admin).to_have_url(re.compile(rf"/requests/{req['id']}$"))

        # A user reports the review, in Chinese, from the listing page.
        sign_in(reader, "investor@demo.fuhua.dev", lang="zh")
        reader.goto(f"/resources/{listing['id']}")
        expect(reader.locator(f"#review-{review['id']}")).to_contain_text("服务商是骗子")
        control = reader.locator(f"[data-report='review-{review['id']}']")
        control.locator("summary").click()
        control.locator("select").select_option(label="垃圾信息或广告")
        control.locator("textarea").fill(f"{word} 评价里有广告")
        shot(reader, "2-report")
        control.locator("button:has-text('提交举报')").click()
        expect(reader.locator(".flash-success")).to_contain_text("审核员会处理您的举报")
        expect(reader.locator(f"[data-reported='review-{review['id']}']")).to_have_text("您已举报")

        # The admin hides it from the moderation queue; it is gone from the listing page.
        admin.goto("/admin/requests")
        admin.click("nav.tabs a:has-text('Moderation')")
        item = admin.locator(f"[data-moderation-item='review-{review['id']}']")
        expect(item).to_contain_text("服务商是骗子")
        expect(item.locator("[data-reports]")).to_contain_text("Spam or advertising")
        expect(item.locator("[data-reports]")).to_contain_text("评价里有广告")
        item.locator("input[name=note]").fill(f"{word} 广告内容")
        shot(admin, "3-queue")
        item.locator("[data-move=hide]").click()
        expect(admin.locator(".flash-success")).to_contain_text("hidden")
        expect(admin.locator(f"[data-moderation-item='review-{review['id']}']")).to_have_count(0)
        admin.click("nav.tabs a:has-text('Hidden items')")
        expect(admin.locator(f"[data-moderation-item='review-{review['id']}'] [data-hidden-chip]")).to_be_visible()
        reader.reload()
        expect(reader.locator("main")).not_to_contain_text("服务商是骗子")

        # The admin, now in Chinese, searches the audit trail and downloads it as CSV.
        admin.goto("/admin/")
        admin.click("header form.lang-switch button")
        expect(admin.locator("html")).to_have_attribute("lang", "zh-CN")
        admin.click("nav.tabs a:has-text('审计记录')")
        admin.fill("#a-q", word)
        admin.fill("#a-from", (date.today() - timedelta(days=1)).isoformat())
        admin.fill("#a-to", (date.today() + timedelta(days=1)).isoformat())
        admin.click("#audit-search")
        rows = admin.locator("[data-audit-row]")
        expect(admin.locator("[data-audit]")).to_contain_text("已隐藏")
        expect(admin.locator("[data-audit]")).to_contain_text("用户举报")
        shown = rows.count()
        assert shown >= 10, shown  # submit, quote, accept, 2 signatures, start, deliver, complete, 2 reviews, ...
        shot(admin, "4-audit")
        with admin.expect_download() as download:
            admin.click("#audit-csv")
        raw = Path(download.value.path()).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        header, body = table[0], table[1:]
        assert header[:4] == ["时间（UTC）", "类型", "操作", "操作人"]
        assert len(body) == shown
        by_kind = {}
        for line in body:
            by_kind.setdefault(line[1], []).append(line)
        assert set(by_kind) == {"申请", "用户举报", "内容审核"}, set(by_kind)
        hide = by_kind["内容审核"][0]
        assert hide[2] == "已隐藏" and hide[11] == f"{word} 广告内容" and hide[5] == f"review #{review['id']}"
        assert by_kind["用户举报"][0][11] == f"垃圾信息或广告: {word} 评价里有广告"
        assert by_kind["用户举报"][0][9] == "内容已隐藏"
        request_rows = by_kind["申请"]
        assert all(line[7] == f"{word} 高性能算力 GPU" and line[6] == str(req["id"]) for line in request_rows)
        assert "已完成" in {line[9] for line in request_rows}
        assert {line[2] for line in request_rows} >= {"已提交", "报价", "接受", "协议已签署", "交付", "完成", "已评价"}
        assert "rating: 1 · side: startup" in {line[11] for line in request_rows}
        for page in (admin, reader):
            assert page.console.csp_violations() == [], page.console.errors
            assert page.console.errors == [], page.console.errors
    finally:
        for page in (provider, founder, reader, admin):
            page.context.close()
