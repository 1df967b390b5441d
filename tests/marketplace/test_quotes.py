"""Quotes as documents: line items, tax and fapiao, validity, payment terms and milestones; totals computed on the
server; a re-quote shown as changed; an expired quote cannot be accepted."""
import re
from datetime import timedelta
from decimal import Decimal

import pytest

from app.core.db import utcnow
from app.core.errors import Conflict, Invalid
from app.marketplace import services as rs

LINES = [{"description": "GPU 节点租用 A100", "quantity": "10", "unit_price": "12.50"},
         {"description": "上线支持 Onboarding", "quantity": "1.5", "unit_price": "333.33"}]


def _document(**changes):
    values = {"lines": [dict(line) for line in LINES], "currency": "CNY", "tax_rate": "6", "fapiao_type": "special",
              "valid_until": (utcnow() + timedelta(days=10)).date(), "note": "含税价"}
    values.update(changes)
    return values


def test_totals_are_computed_with_decimal_on_the_server(request_ctx, market, make_request):
    req = make_request("submitted")
    rs.quote(actor=market.provider_user, request_id=req.id, **_document(), price=Decimal("1"))  # price is ignored
    quote = rs.get_request(req.id, viewer=market.founder).current_quote
    assert [line.amount for line in quote.lines] == [Decimal("125.00"), Decimal("500.00")]  # 499.995 → 500.00
    assert quote.subtotal == Decimal("625.00") and quote.tax_amount == Decimal("37.50")
    assert quote.total == Decimal("662.50") and quote.version == 1 and quote.fapiao_type == "special"
    assert rs.get_request(req.id, viewer=market.founder).quoted_price == Decimal("662.50")


def test_a_bare_price_is_one_line_item(request_ctx, market, make_request):
    req = make_request("submitted")
    rs.quote(actor=market.provider_user, request_id=req.id, price=Decimal("30.00"))
    quote = rs.get_request(req.id, viewer=market.founder).current_quote
    assert len(quote.lines) == 1 and quote.total == Decimal("30.00") and quote.payment_terms == "cash"
    assert "A100 GPU hours" in quote.lines[0].description
    assert quote.valid_until == utcnow().date() + timedelta(days=30)


@pytest.mark.parametrize("changes,field", [
    ({"lines": []}, "lines"),
    ({"lines": [{"description": "", "quantity": "1", "unit_price": "1"}]}, "lines"),
    ({"lines": [{"description": "x", "quantity": "0", "unit_price": "1"}]}, "lines"),
    ({"lines": [{"description": "x", "quantity": "1", "unit_price": "-1"}]}, "lines"),
    ({"lines": [{"description": "x", "quantity": "100000000", "unit_price": "9999999999"}]}, "lines"),
    ({"currency": "JPY"}, "currency"),
    ({"tax_rate": "101"}, "tax_rate"),
    ({"fapiao_type": "red"}, "fapiao_type"),
    ({"valid_until": utcnow().date() - timedelta(days=1)}, "valid_until"),
    ({"payment_terms": "voucher"}, "payment_terms"),
    ({"equity_percent": "2"}, "equity_percent"),
    ({"milestones": [{"title": "", "due_on": None}]}, "milestones"),
])
def test_bad_quotes_are_refused_with_the_field(request_ctx, market, make_request, changes, field):
    req = make_request("submitted")
    with pytest.raises(Invalid) as caught:
        rs.quote(actor=market.provider_user, request_id=req.id, **_document(**changes))
    assert field in caught.value.details
    assert rs.get_request(req.id, viewer=market.founder).state == "submitted"


def test_cash_plus_equity_needs_an_equity_listing_and_a_share(request_ctx, market, make_request, make_listing):
    equity_listing = make_listing(provider=market.provider, title="Design for equity", category="other",
                                  pricing_model="equity", price=None, category_fields={})
    req = make_request("submitted", listing=equity_listing)
    with pytest.raises(Invalid) as caught:
        rs.quote(actor=market.provider_user, request_id=req.id, **_document(payment_terms="cash_equity"))
    assert "equity_percent" in caught.value.details
    rs.quote(actor=market.provider_user, request_id=req.id,
             **_document(payment_terms="cash_equity", equity_percent="1.5", share_class="普通股 ordinary",
                         valuation_note="Pre-money 估值 ¥20m",
                         milestones=[{"title": "原型设计", "due_on": utcnow().date() + timedelta(days=20)}]))
    quote = rs.get_request(req.id, viewer=market.founder).current_quote
    assert quote.payment_terms == "cash_equity" and quote.equity_percent == Decimal("1.50")
    assert quote.share_class == "普通股 ordinary" and quote.milestones[0].title == "原型设计"


def test_a_requote_is_a_new_version_and_says_what_changed(request_ctx, app, market, make_request):
    from app.marketplace.quotes import quote_diff

    req = make_request("submitted")
    rs.quote(actor=market.provider_user, request_id=req.id, **_document())
    lines = [dict(LINES[0], quantity="20"), {"description": "数据清洗", "quantity": "1", "unit_price": "80"}]
    rs.quote(actor=market.provider_user, request_id=req.id, **_document(lines=lines, tax_rate="13"))
    req = rs.get_request(req.id, viewer=market.founder)
    assert [q.version for q in req.quotes] == [1, 2] and req.quote_id == req.quotes[1].id
    diff = quote_diff(req.previous_quote, req.current_quote)
    text = " | ".join(diff.changes)
    assert "Total: ¥662.50 → ¥372.90" in text
    assert "Line added: 数据清洗" in text and "Line removed: 上线支持 Onboarding" in text
    assert "GPU 节点租用 A100: 10 × ¥12.50 → 20 × ¥12.50" in text and "Tax rate: 6% → 13%" in text
    assert diff.changed_lines == {1, 2}


def test_an_expired_quote_cannot_be_accepted(request_ctx, market, make_request):
    from app.extensions import db
    from app.marketplace.models import Quote

    req = make_request("quoted")
    quote = db.session.get(Quote, rs.current_quote_id(req.id))
    quote.valid_until = utcnow().date() - timedelta(days=1)
    db.session.commit()
    with pytest.raises(Conflict) as caught:
        rs.accept(actor=market.founder, request_id=req.id, quote_id=quote.id)
    assert caught.value.code == "quote_expired"
    assert rs.get_request(req.id, viewer=market.founder).state == "quoted"
    assert db.session.get(type(market.listing), market.listing.id).capacity == 100


def test_api_quote_with_lines_and_the_document_in_the_answer(market, make_request, login):
    req = make_request("submitted")
    provider = login(market.provider_user)
    body = _document(valid_until=(utcnow() + timedelta(days=10)).date().isoformat(),
                     milestones=[{"title": "交付报告", "due_on": None}])
    body["lines"][0]["amount"] = 1  # a client's amounts are not fields of the input
    assert provider.post(f"/api/requests/{req.id}/quote", json=body).status_code == 422
    del body["lines"][0]["amount"]
    answer = provider.post(f"/api/requests/{req.id}/quote", json=body)
    assert answer.status_code == 200, answer.get_json()
    quote = answer.get_json()["quote"]
    assert quote["total"] == 662.5 and quote["tax_amount"] == 37.5 and quote["version"] == 1
    assert quote["lines"][1]["amount"] == 500.0 and quote["fapiao_type"] == "special"
    assert quote["milestones"] == [{"position": 1, "title": "交付报告", "due_on": None, "share_percent": None}]
    assert quote["is_expired"] is False and quote["changes"] == []
    seen = login(market.founder).get(f"/api/requests/{req.id}").get_json()
    assert seen["quote_id"] == quote["id"] and seen["quoted_price"] == 662.5


def test_api_refuses_a_quote_without_lines_or_price(market, make_request, login):
    req = make_request("submitted")
    answer = login(market.provider_user).post(f"/api/requests/{req.id}/quote", json={"note": "?"})
    assert answer.status_code == 422 and "lines" in answer.get_json()["error"]["details"]


def test_api_accepting_an_expired_quote_is_409_quote_expired(market, make_request, login):
    from app.extensions import db
    from app.marketplace.models import Quote

    req = make_request("quoted")
    quote = db.session.get(Quote, rs.current_quote_id(req.id))
    quote.valid_until = utcnow().date() - timedelta(days=2)
    db.session.commit()
    answer = login(market.founder).post(f"/api/requests/{req.id}/accept", json={"quote_id": quote.id})
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "quote_expired"


def _invalid(page: str, field_id: str) -> bool:
    """Whether the page's input `field_id` is marked invalid."""
    tag = re.search(rf'<input[^>]*\bid="{field_id}"[^>]*>', page)
    return bool(tag) and 'aria-invalid="true"' in tag.group(0)


def _form(data: dict, token: str) -> dict:
    return {**data, "quote-csrf_token": token}


def test_quote_form_with_rows_and_bad_input_keeps_what_was_typed(market, make_request, login):
    req = make_request("submitted")
    provider = login(market.provider_user)
    page = provider.get(f"/requests/{req.id}").get_data(as_text=True)
    assert 'name="quote-lines-0-description"' in page and 'name="quote-lines-1-description"' in page  # a spare row
    typed = {"quote-lines-0-description": "晶圆测试 wafer test", "quote-lines-0-quantity": "2",
             "quote-lines-0-unit_price": "abc", "quote-lines-3-description": "报告", "quote-lines-3-quantity": "1",
             "quote-lines-3-unit_price": "50", "quote-currency": "CNY", "quote-tax_rate": "6",
             "quote-fapiao_type": "general", "quote-payment_terms": "cash", "quote-note": "请确认"}
    answer = provider.client.post(f"/requests/{req.id}/quote", data=_form(typed, provider.csrf_token))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert 'value="晶圆测试 wafer test"' in page and 'value="报告"' in page and "请确认" in page
    assert _invalid(page, "quote-lines-0-unit_price")
    typed["quote-lines-0-unit_price"] = "100"
    answer = provider.client.post(f"/requests/{req.id}/quote", data=_form(typed, provider.csrf_token))
    assert answer.status_code == 302
    quote = rs.get_request(req.id, viewer=market.founder).current_quote
    assert [line.description for line in quote.lines] == ["晶圆测试 wafer test", "报告"]
    assert quote.total == Decimal("265.00")  # (200 + 50) × 1.06


def test_quote_form_service_errors_land_on_the_row(market, make_request, login):
    req = make_request("submitted")
    provider = login(market.provider_user)
    typed = {"quote-lines-0-description": "A", "quote-lines-0-quantity": "1", "quote-lines-0-unit_price": "1",
             "quote-currency": "CNY", "quote-tax_rate": "0", "quote-fapiao_type": "general",
             "quote-payment_terms": "cash",
             "quote-valid_until": (utcnow() - timedelta(days=3)).date().isoformat()}
    answer = provider.client.post(f"/requests/{req.id}/quote", data=_form(typed, provider.csrf_token))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and _invalid(page, "quote-valid_until")
    assert rs.get_request(req.id, viewer=market.founder).state == "submitted"


def test_the_startup_sees_the_document_and_what_a_requote_changed_in_chinese(market, make_request, login):
    req = make_request("submitted")
    provider = login(market.provider_user)
    assert provider.post(f"/api/requests/{req.id}/quote", json=_document(valid_until=None)).status_code == 200
    assert provider.post(f"/api/requests/{req.id}/quote",
                         json=_document(valid_until=None, tax_rate="13")).status_code == 200
    founder = login(market.founder)
    founder.client.post("/language/zh", data={"csrf_token": founder.csrf_token})
    page = founder.get(f"/requests/{req.id}").get_data(as_text=True)
    assert "GPU 节点租用 A100" in page and "报价（第 2 版）" in page and "增值税专用发票" in page
    changes = page[page.index("data-quote-changes"):page.index("</ul>", page.index("data-quote-changes"))]
    assert "自第 1 版以来的变更" in changes and "总价：¥662.50 → ¥706.25" in changes and "税率：6% → 13%" in changes


def test_an_expired_quote_offers_no_accept_button(market, make_request, login):
    from app.extensions import db
    from app.marketplace.models import Quote

    req = make_request("quoted")
    quote = db.session.get(Quote, rs.current_quote_id(req.id))
    quote.valid_until = utcnow().date() - timedelta(days=1)
    db.session.commit()
    page = login(market.founder).get(f"/requests/{req.id}").get_data(as_text=True)
    assert "data-quote-expired-note" in page and 'name="quote_id"' not in page
