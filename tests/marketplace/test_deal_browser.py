"""A deal on both sides in a real browser, the provider in Chinese and the founder in English: a quote with line
items, milestones (with their shares of the payment) and a cash-plus-equity term; a re-quote the founder must see
before accepting; both signatures; the PDF (read back with PDFium); each milestone's payment marked received by the
provider and confirmed by the founder; the equity ledger entry and its CSV; both reviews and a reply; a dispute the
founder raises and an admin, in Chinese, resolves with a partial refund."""
import csv
import io
import uuid
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, Console, confirm_in_page, shot, sign_in  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.served,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}")]


def _page(browser, site, locale):  # noqa: F811
    context = browser.new_context(base_url=site.url, locale=locale, timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.console = Console(page)
    return page


def _api(page, method: str, path: str, body: dict | None = None) -> dict:
    token = page.request.get("/api/auth/csrf").json()["csrf_token"]
    response = page.request.fetch(path, method=method, data=body, headers={"X-CSRFToken": token})
    assert response.ok, response.text()
    return response.json()


def _line(page, index: int, description: str, quantity: str, price: str) -> None:
    page.fill(f"#quote-lines-{index}-description", description)
    page.fill(f"#quote-lines-{index}-quantity", quantity)
    page.fill(f"#quote-lines-{index}-unit_price", price)


def test_a_deal_with_a_document_quote_signatures_pdf_and_reviews(browser, site, shot):  # noqa: F811
    import pypdfium2 as pdfium
    from playwright.sync_api import expect

    word = uuid.uuid4().hex[:6]
    provider, founder = _page(browser, site, "zh-CN"), _page(browser, site, "en-US")
    try:
        sign_in(provider, "provider@demo.fuhua.dev", lang="zh")
        sign_in(founder, "founder@demo.fuhua.dev")
        org_id = next(o["id"] for o in _api(provider, "GET", "/api/me")["organisations"] if o["kind"] == "provider")
        listing = _api(provider, "POST", "/api/listings", {
            "provider_id": org_id, "title": f"算力换股权 {word}", "category": "compute", "unit": "GPU-hour",
            "pricing_model": "equity", "capacity": 5, "status": "published",
            "category_fields": {"accelerator_model": "昇腾 910B", "accelerator_count": 16}})
        startup_id = next(o["id"] for o in _api(founder, "GET", "/api/me")["organisations"] if o["kind"] == "startup")
        made = _api(founder, "POST", f"/api/listings/{listing['id']}/requests",
                    {"quantity": 1, "message": "Fine-tuning our model", "startup_id": startup_id})
        request_url = f"/requests/{made['id']}"

        # The provider, in Chinese, builds the quote: two line items (a third added and removed), tax, a special
        # fapiao, cash plus 1.5% ordinary shares, and two milestones.
        provider.goto(request_url)
        _line(provider, 0, "GPU 集群租用", "100", "12")
        provider.click("[data-add-row=lines]")
        _line(provider, 2, "模型调优服务", "1", "5000")
        provider.click("[data-add-row=lines]")
        provider.fill("#quote-lines-3-description", "多余的一行")
        provider.locator("[data-rows=lines] [data-row]").nth(3).locator("[data-remove-row]").click()
        expect(provider.locator("[data-rows=lines] [data-row]")).to_have_count(3)
        provider.fill("#quote-tax_rate", "6")
        expect(provider.locator("[data-quote-estimate]")).to_contain_text("6,572.00")
        provider.select_option("#quote-fapiao_type", "special")
        provider.select_option("#quote-payment_terms", "cash_equity")
        expect(provider.locator("#quote-share_class")).to_be_visible()
        provider.fill("#quote-equity_percent", "1.5")
        provider.fill("#quote-valuation_note", "投前估值 2000 万元")
        provider.fill("#quote-milestones-0-title", "集群交付")
        provider.click("[data-add-row=milestones]")
        provider.fill("#quote-milestones-1-title", "调优报告")
        provider.fill("#quote-milestones-0-share_percent", "40")
        provider.fill("#quote-milestones-1-share_percent", "60")
        provider.click("main form[data-quote-form] button[type=submit]")  # no share class: refused, kept
        expect(provider.locator("#quote-share_class-error")).to_be_visible()
        expect(provider.locator("#quote-lines-2-description")).to_have_value("模型调优服务")
        provider.console.clear()  # the page answered that 422 on purpose
        provider.fill("#quote-share_class", "普通股")
        shot(provider, "1-quote-form-zh")
        provider.click("main form[data-quote-form] button[type=submit]")
        expect(provider.locator(".flash-success")).to_contain_text("第 1 版")

        # The founder reads version 1 in English; meanwhile the provider re-quotes a lower GPU price.
        founder.goto(request_url)
        expect(founder.locator("[data-quote]")).to_contain_text("Quote, version 1")
        expect(founder.locator("[data-quote-total]")).to_have_text("¥6,572.00")
        expect(founder.locator("[data-payment-terms]")).to_have_text("Cash plus an equity share")
        provider.goto(request_url)
        provider.fill("#quote-lines-0-unit_price", "10")
        provider.click("main form[data-quote-form] button[type=submit]")
        expect(provider.locator(".flash-success")).to_contain_text("第 2 版")

        founder.click("main button:has-text('Accept quote')")  # the page still shows version 1
        expect(founder.locator(".flash-error")).to_contain_text("changed the quote")
        expect(founder.locator("[data-quote-changes]")).to_contain_text("Total: ¥6,572.00 → ¥6,360.00")
        expect(founder.locator("[data-quote-changes]")).to_contain_text("GPU 集群租用: 100 × ¥12.00 → 100 × ¥10.00")
        shot(founder, "2-requote-seen")
        founder.click("main button:has-text('Accept quote')")
        expect(founder.locator("[data-request-state]")).to_contain_text("Accepted")

        # Both sign: the founder in English, the provider in Chinese; the work waits until then.
        expect(founder.locator("[data-signing]")).to_contain_text("not signed yet")
        founder.click("#open-agreement")
        expect(founder.locator("[data-agreement-terms]")).to_contain_text("Cash plus an equity share")
        expect(founder.locator("[data-agreement-terms]")).to_contain_text("现金加股权")
        founder.fill("#full_name", "Wang Fang 王芳")
        founder.check("#consent")
        founder.click("#sign-submit")
        expect(founder.locator(".flash-success")).to_contain_text("You signed")
        provider.goto(request_url)
        expect(provider.locator("[data-start-waits]")).to_be_visible()
        provider.click("#open-agreement")
        provider.fill("#full_name", "李娜")
        provider.check("#consent")
        provider.click("#sign-submit")
        expect(provider.locator("[data-signed-by-both]")).to_be_visible()
        expect(provider.locator("[data-signature=startup]")).to_contain_text("Wang Fang 王芳")
        shot(provider, "3-signed-zh")

        # The founder downloads the PDF: its text, read by PDFium, holds the Chinese clauses and the hash.
        founder.reload()
        sha = founder.locator("[data-agreement-sha]").inner_text().strip()
        with founder.expect_download() as download:
            founder.click("[data-agreement-pdf]")
        document = pdfium.PdfDocument(io.BytesIO(Path(download.value.path()).read_bytes()))
        text = "".join("".join(document[i].get_textpage().get_text_range().split()) for i in range(len(document)))
        for clause in ("1.合作双方", "普通股", "增值税专用发票", "集群交付", "李娜", sha):
            assert clause in text, clause

        # Work starts; the first milestone's cash (40% of ¥6,360.00) is marked received by the provider in Chinese
        # and confirmed by the founder; delivery and completion; then the second milestone's.
        provider.goto(request_url)
        provider.click("main form[action$='/start'] button")
        expect(provider.locator("[data-payment='1']")).to_contain_text("¥2,544.00")
        expect(provider.locator("[data-payment='2']")).to_contain_text("¥3,816.00")
        provider.click("[data-payment='1'] [data-mark-paid]")
        confirm_in_page(provider)
        expect(provider.locator("[data-payment='1']")).to_contain_text("已标记收款，待确认")
        founder.goto(request_url)
        founder.click("[data-payment='1'] [data-confirm-payment]")
        expect(founder.locator("[data-payment='1']")).to_contain_text("confirmed by")
        expect(founder.locator("[data-payment='2'] [data-confirm-payment]")).to_have_count(0)  # not marked yet
        provider.goto(request_url)
        provider.fill("#deliver-note", "集群已交付")
        provider.click("main form[action$='/deliver'] button")
        founder.goto(request_url)
        founder.click("main button:has-text('Accept delivery and complete')")
        expect(founder.locator("[data-request-state]")).to_contain_text("Completed")
        expect(founder.locator("[data-settlement]")).to_contain_text("cash plus equity · pending · 1.50% equity")
        provider.goto(request_url)
        provider.click("[data-payment='2'] [data-mark-paid]")
        confirm_in_page(provider)
        expect(provider.locator("[data-payment='2']")).to_contain_text("已标记收款，待确认")
        shot(provider, "4-payments-zh")
        founder.goto(request_url)
        founder.click("[data-payment='2'] [data-confirm-payment]")
        expect(founder.locator("[data-settlement]")).to_contain_text("cash plus equity · paid")
        expect(founder.locator(".timeline")).to_contain_text("Equity recorded in the ledger")

        # The founder's equity ledger (以服务换股权) holds the share, and its CSV opens in Excel (UTF-8 with BOM).
        founder.goto(f"/startups/{startup_id}")
        founder.click("[data-equity-link]")
        entry = founder.locator("[data-equity-ledger] tbody tr").filter(has_text=listing["title"])
        expect(entry).to_contain_text("1.50")
        expect(entry).to_contain_text("普通股")
        expect(entry).to_contain_text("投前估值 2000 万元")
        shot(founder, "5-equity-ledger")
        with founder.expect_download() as download:
            founder.click("[data-equity-csv]")
        raw = Path(download.value.path()).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert rows[0][:3] == ["Date", "Holder", "Equity (%)"]
        assert any(row[2:4] == ["1.50", "普通股"] and listing["title"] in row[5] for row in rows[1:])

        # Both reviews: each hidden until the other has rated, then a reply.
        founder.goto(request_url)
        founder.select_option("#rating", "4")
        founder.fill("#comment", "Fast cluster, clear reports.")
        founder.click("#review-submit")
        expect(founder.locator("[data-review=startup]")).to_contain_text("Fast cluster")
        expect(founder.locator("[data-review-hidden]")).to_be_visible()
        provider.goto(request_url)
        expect(provider.locator("[data-review-waiting]")).to_be_visible()
        expect(provider.locator("main")).not_to_contain_text("Fast cluster")
        provider.select_option("#rating", "5")
        provider.fill("#comment", "需求清晰，配合顺畅。")
        provider.click("#review-submit")
        expect(provider.locator("[data-review=startup]")).to_contain_text("Fast cluster")
        provider.locator("[data-review=startup] textarea[name=reply]").fill("感谢认可，期待再次合作！")
        provider.locator("[data-review=startup] .reply-form button").click()
        expect(provider.locator("[data-review-reply]")).to_contain_text("期待再次合作")
        founder.goto(request_url)
        expect(founder.locator("[data-review=provider]")).to_contain_text("需求清晰")
        expect(founder.locator("[data-review-reply]")).to_contain_text("期待再次合作")
        shot(founder, "6-reviews")

        # The founder disputes part of the delivery; an admin, in Chinese, refunds part of it from the admin page.
        founder.fill("#dispute-reason", "The tuning report lacks the benchmark runs we agreed on.")
        founder.click("#dispute-submit")
        expect(founder.locator("[data-dispute-state]")).to_have_text("open")
        admin = _page(browser, site, "zh-CN")
        try:
            sign_in(admin, "admin@demo.fuhua.dev", lang="zh")
            admin.goto("/admin/disputes?state=open")
            card = admin.locator("[data-dispute-id]").filter(has_text=listing["title"])
            expect(card).to_contain_text("benchmark runs")
            card.locator("select[name=outcome]").select_option("partial")
            card.locator("input[name=amount]").fill("500")
            card.locator("textarea[name=note]").fill("调优报告不完整，退还 500 元。")
            card.locator("button[type=submit]").click()
            confirm_in_page(admin)
            expect(admin.locator(".flash-success")).to_contain_text("争议已处理")
            admin.goto("/admin/disputes")
            card = admin.locator("[data-dispute-id]").filter(has_text=listing["title"])
            expect(card.locator("[data-dispute-state]")).to_have_text("已部分退款")
            shot(admin, "7-dispute-resolved-zh")
            assert admin.console.errors == []
        finally:
            admin.context.close()
        founder.goto(request_url)
        expect(founder.locator("[data-dispute-state]")).to_have_text("partially refunded")
        expect(founder.locator("[data-dispute-resolution]")).to_contain_text("¥500.00")
        expect(founder.locator(".timeline")).to_contain_text("Dispute resolved")
        provider.goto(request_url)
        expect(provider.locator("[data-dispute-state]")).to_have_text("已部分退款")
        expect(provider.locator("[data-settlement]")).to_contain_text("已退款 ¥500.00")
        assert provider.console.errors == [] and founder.console.errors == []
    finally:
        provider.context.close()
        founder.context.close()
