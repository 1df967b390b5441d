"""Settlement: payments per milestone (marked by the provider, confirmed by the startup), voucher holds, the equity
ledger (以服务换股权) and its CSV, and disputes resolved by admins, through the API."""
import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest

from app.core.db import utcnow
from app.marketplace import services as rs
from app.marketplace.models import Quote, QuoteMilestone
from app.marketplace.settlement import split


def _seen(client, rid: int) -> dict:
    return {"quote_id": client.get(f"/api/requests/{rid}").get_json()["quote_id"]}


@pytest.fixture
def admin(make_user, login):
    return login(make_user("investor", is_admin=True))


@pytest.fixture
def equity_deal(market, make_listing, login):
    """An equity listing quoted cash (10,000 + 6% tax) plus 1.5% ordinary shares over three milestones
    (30/30/40), then accepted and signed: `deal.rid`, `deal.founder`, `deal.provider` (API clients)."""
    class Deal:
        pass

    deal = Deal()
    deal.listing = make_listing(provider=market.provider, title="算力换股权", pricing_model="equity", price=None)
    deal.founder, deal.provider = login(market.founder), login(market.provider_user)
    made = deal.founder.post(f"/api/listings/{deal.listing.id}/requests", json={"quantity": 1})
    deal.rid = made.get_json()["id"]
    quoted = deal.provider.post(f"/api/requests/{deal.rid}/quote", json={
        "lines": [{"description": "GPU 集群租用", "quantity": 100, "unit_price": 100}], "tax_rate": 6,
        "payment_terms": "cash_equity", "equity_percent": 1.5, "share_class": "普通股",
        "valuation_note": "投前估值 2000 万元",
        "milestones": [{"title": "集群交付", "share_percent": 30}, {"title": "中期报告", "share_percent": 30},
                       {"title": "调优报告", "share_percent": 40}]})
    assert quoted.status_code == 200, quoted.get_json()
    assert deal.founder.post(f"/api/requests/{deal.rid}/accept", json=_seen(deal.founder, deal.rid)).status_code == 200
    for api, name in ((deal.founder, "王芳"), (deal.provider, "李娜")):
        assert api.post(f"/api/requests/{deal.rid}/agreement/sign", json={"full_name": name, "consent": True}
                        ).status_code == 200
    return deal


def _deliver(deal) -> None:
    for move in ("start", "deliver"):
        assert deal.provider.post(f"/api/requests/{deal.rid}/{move}", json={}).status_code == 200


class TestSplit:
    def test_even_split_gives_the_remainder_to_the_last_milestone(self):
        parts = split(Decimal("100.00"), [QuoteMilestone(title=t, share_percent=None) for t in "abc"], "x")
        assert [p.amount for p in parts] == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]

    def test_shares_split_as_the_quote_says(self):
        milestones = [QuoteMilestone(title="a", share_percent=Decimal("30")),
                      QuoteMilestone(title="b", share_percent=Decimal("70"))]
        assert [p.amount for p in split(Decimal("10.01"), milestones, "x")] == [Decimal("3.00"), Decimal("7.01")]

    def test_no_milestones_is_one_payment_of_the_total(self):
        assert [(p.title, p.amount) for p in split(Decimal("5"), [], "GPU")] == [("GPU", Decimal("5"))]

    @pytest.mark.parametrize("shares", [[30, None], [30, 60], [50, 60]])
    def test_shares_must_be_given_for_all_and_add_up_to_100(self, make_request, market, login, shares):
        req = make_request("submitted")
        response = login(market.provider_user).post(f"/api/requests/{req.id}/quote", json={
            "price": 100, "milestones": [{"title": "一", "share_percent": shares[0]},
                                         {"title": "二", "share_percent": shares[1]}]})
        assert response.status_code == 422 and "milestones" in response.get_json()["error"]["details"]


class TestPayments:
    def test_cash_plus_equity_is_paid_per_milestone_and_the_equity_goes_to_the_ledger(self, equity_deal, market):
        deal = equity_deal
        payments = deal.founder.get(f"/api/requests/{deal.rid}/payments").get_json()
        assert [(p["title"], p["amount"], p["state"]) for p in payments] == [
            ("集群交付", 3180.0, "due"), ("中期报告", 3180.0, "due"), ("调优报告", 4240.0, "due")]
        first, second, third = (p["id"] for p in payments)
        # the startup cannot mark, the provider cannot confirm, a repeat is a 409
        assert deal.founder.post(f"/api/payments/{first}/paid").status_code == 403
        assert deal.provider.post(f"/api/payments/{first}/paid").get_json()["state"] == "paid"
        again = deal.provider.post(f"/api/payments/{first}/paid")
        assert again.status_code == 409 and again.get_json()["error"]["code"] == "payment_not_due"
        assert deal.provider.post(f"/api/payments/{first}/confirm").status_code == 403
        early = deal.founder.post(f"/api/payments/{second}/confirm")
        assert early.status_code == 409 and early.get_json()["error"]["code"] == "payment_not_marked"
        assert deal.founder.post(f"/api/payments/{first}/confirm").get_json()["state"] == "confirmed"
        _deliver(deal)
        assert deal.founder.post(f"/api/requests/{deal.rid}/complete").status_code == 200
        detail = deal.founder.get(f"/api/requests/{deal.rid}").get_json()
        assert detail["settlement"]["method"] == "cash_equity" and detail["settlement"]["status"] == "pending"
        assert detail["settlement"]["amount"] == 10600.0 and detail["settlement"]["equity_percent"] == 1.5
        for pid in (second, third):
            assert deal.provider.post(f"/api/payments/{pid}/paid").status_code == 200
            assert deal.founder.post(f"/api/payments/{pid}/confirm").status_code == 200
        detail = deal.founder.get(f"/api/requests/{deal.rid}").get_json()
        assert detail["settlement"]["status"] == "paid"
        actions = [e["action"] for e in detail["events"]]
        assert actions.count("payment_marked_paid") == 3 and actions.count("payment_confirmed") == 3
        assert actions[-1] == "settlement_paid" and "equity_recorded" in actions
        ledger = deal.founder.get(f"/api/startups/{market.startup.id}/equity").get_json()
        (entry,) = ledger["entries"]
        assert (entry["holder_name"], entry["equity_percent"], entry["share_class"], entry["status"]) == (
            market.provider.name, 1.5, "普通股", "recorded")
        assert entry["valuation_note"] == "投前估值 2000 万元" and "GPU 集群租用" in entry["services"]
        assert entry["request_id"] == deal.rid and entry["cash_amount"] == 10600.0 and ledger["total_percent"] == 1.5

    def test_the_equity_ledger_exports_as_csv_with_a_bom_in_chinese(self, equity_deal, market):
        deal = equity_deal
        _deliver(deal)
        deal.founder.post(f"/api/requests/{deal.rid}/complete")
        response = deal.founder.client.get(f"/startups/{market.startup.id}/equity.csv",
                                           headers={"Accept-Language": "zh-CN"})
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert response.data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the Chinese right
        rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
        assert rows[0][:3] == ["日期", "持有方", "股权比例（%）"]
        assert rows[1][1:4] == [market.provider.name, "1.50", "普通股"] and rows[1][-1] == "已登记"
        page = deal.founder.client.get(f"/startups/{market.startup.id}/equity", headers={"Accept-Language": "zh-CN"})
        assert "股权台账" in page.get_data(as_text=True) and "投前估值 2000 万元" in page.get_data(as_text=True)

    def test_only_members_and_admins_see_the_equity_ledger(self, market, login, admin):
        assert login(market.outsider).get(f"/api/startups/{market.startup.id}/equity").status_code == 403
        assert login(market.provider_user).get(f"/startups/{market.startup.id}/equity").status_code == 403
        assert admin.get(f"/api/startups/{market.startup.id}/equity").status_code == 200
        assert admin.get("/api/startups/999999/equity").status_code == 404

    def test_outsiders_cannot_see_or_touch_payments(self, equity_deal, market, login):
        pid = equity_deal.founder.get(f"/api/requests/{equity_deal.rid}/payments").get_json()[0]["id"]
        outsider = login(market.outsider)
        assert outsider.get(f"/api/requests/{equity_deal.rid}/payments").status_code == 404
        assert outsider.post(f"/api/payments/{pid}/paid").status_code == 404
        assert outsider.post("/api/payments/99999999999/paid").status_code == 404

    def test_cancelling_cancels_the_payments_still_due(self, equity_deal):
        deal = equity_deal
        pid = deal.founder.get(f"/api/requests/{deal.rid}/payments").get_json()[0]["id"]
        deal.provider.post(f"/api/payments/{pid}/paid")
        assert deal.founder.post(f"/api/requests/{deal.rid}/cancel", json={}).status_code == 200
        states = [p["state"] for p in deal.founder.get(f"/api/requests/{deal.rid}/payments").get_json()]
        assert states == ["paid", "cancelled", "cancelled"]


class TestDisputes:
    def test_a_dispute_needs_a_delivery_a_reason_and_the_startup(self, equity_deal):
        deal = equity_deal
        early = deal.founder.post(f"/api/requests/{deal.rid}/dispute", json={"reason": "还没交付"})
        assert early.status_code == 409 and early.get_json()["error"]["code"] == "not_delivered"
        _deliver(deal)
        assert deal.founder.post(f"/api/requests/{deal.rid}/dispute", json={"reason": ""}).status_code == 422
        assert deal.founder.post(f"/api/requests/{deal.rid}/dispute", json={"reason": "x" * 5001}).status_code == 422
        assert deal.provider.post(f"/api/requests/{deal.rid}/dispute", json={"reason": "?"}).status_code == 403
        made = deal.founder.post(f"/api/requests/{deal.rid}/dispute", json={"reason": "报告缺少基准测试"})
        assert made.status_code == 201 and made.get_json()["state"] == "open"
        again = deal.founder.post(f"/api/requests/{deal.rid}/dispute", json={"reason": "再来一次"})
        assert again.status_code == 409 and again.get_json()["error"]["code"] == "dispute_exists"

    def test_the_window_closes_14_days_after_delivery(self, equity_deal, db):
        deal = equity_deal
        _deliver(deal)
        req = db.session.get(rs.ResourceRequest, deal.rid)
        req.delivered_at = utcnow() - timedelta(days=15)
        db.session.commit()
        late = deal.founder.post(f"/api/requests/{deal.rid}/dispute", json={"reason": "太晚了"})
        assert late.status_code == 409 and late.get_json()["error"]["code"] == "dispute_window_closed"

    def test_an_open_dispute_holds_off_the_automatic_acceptance(self, equity_deal, db, admin):
        deal = equity_deal
        _deliver(deal)
        dispute = deal.founder.post(f"/api/requests/{deal.rid}/dispute", json={"reason": "质量问题"}).get_json()
        assert rs.auto_accept_deliveries(now=utcnow() + timedelta(days=15)) == 0
        rejected = admin.post(f"/api/disputes/{dispute['id']}/resolve", json={"outcome": "reject", "note": "证据不足"})
        assert rejected.status_code == 200 and rejected.get_json()["state"] == "rejected"
        assert deal.founder.get(f"/api/requests/{deal.rid}").get_json()["state"] == "delivered"
        assert rs.auto_accept_deliveries(now=utcnow() + timedelta(days=15)) == 1

    def test_only_admins_resolve_and_only_once(self, equity_deal, admin):
        deal = equity_deal
        _deliver(deal)
        dispute = deal.founder.post(f"/api/requests/{deal.rid}/dispute", json={"reason": "质量问题"}).get_json()
        assert deal.founder.post(f"/api/disputes/{dispute['id']}/resolve", json={"outcome": "reject"}
                                 ).status_code == 403
        assert deal.founder.get("/api/disputes").status_code == 403
        assert admin.post(f"/api/disputes/{dispute['id']}/resolve", json={"outcome": "maybe"}).status_code == 422
        assert admin.post(f"/api/disputes/{dispute['id']}/resolve", json={"outcome": "partial"}).status_code == 422
        too_much = admin.post(f"/api/disputes/{dispute['id']}/resolve", json={"outcome": "partial", "amount": 10600})
        assert too_much.status_code == 422 and "amount" in too_much.get_json()["error"]["details"]
        assert admin.get("/api/disputes?state=open").get_json()["total"] == 1
        assert admin.post(f"/api/disputes/{dispute['id']}/resolve", json={"outcome": "reject"}).status_code == 200
        twice = admin.post(f"/api/disputes/{dispute['id']}/resolve", json={"outcome": "refund"})
        assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "dispute_resolved"

    def test_a_full_refund_before_completion_cancels_and_refunds_the_payments(self, equity_deal, admin):
        deal = equity_deal
        pid = deal.founder.get(f"/api/requests/{deal.rid}/payments").get_json()[0]["id"]
        deal.provider.post(f"/api/payments/{pid}/paid")
        deal.founder.post(f"/api/payments/{pid}/confirm")
        _deliver(deal)
        dispute = deal.founder.post(f"/api/requests/{deal.rid}/dispute", json={"reason": "完全不可用"}).get_json()
        assert admin.post(f"/api/disputes/{dispute['id']}/resolve", json={"outcome": "refund"}).status_code == 200
        detail = deal.founder.get(f"/api/requests/{deal.rid}").get_json()
        assert detail["state"] == "cancelled" and detail["dispute"]["state"] == "refunded"
        assert [p["state"] for p in detail["payments"]] == ["refunded", "cancelled", "cancelled"]
        actions = [e["action"] for e in detail["events"]]
        assert actions[-4:] == ["cancel", "payments_cancelled", "payments_refunded", "dispute_resolved"]
        assert detail["events"][-1]["actor"]["id"] is not None

    def test_a_full_refund_after_completion_voids_the_equity_entry(self, equity_deal, market, admin):
        deal = equity_deal
        _deliver(deal)
        deal.founder.post(f"/api/requests/{deal.rid}/complete")
        dispute = deal.founder.post(f"/api/requests/{deal.rid}/dispute", json={"reason": "完全不可用"}).get_json()
        admin.post(f"/api/disputes/{dispute['id']}/resolve", json={"outcome": "refund"})
        detail = deal.founder.get(f"/api/requests/{deal.rid}").get_json()
        assert detail["state"] == "completed" and detail["settlement"]["status"] == "refunded"
        assert detail["settlement"]["refunded_amount"] == 10600.0
        ledger = deal.founder.get(f"/api/startups/{market.startup.id}/equity").get_json()
        assert ledger["entries"][0]["status"] == "void" and ledger["total_percent"] == 0

    def test_both_sides_are_told_of_a_resolution(self, equity_deal, market, admin, login):
        deal = equity_deal
        _deliver(deal)
        dispute = deal.founder.post(f"/api/requests/{deal.rid}/dispute", json={"reason": "质量问题"}).get_json()
        admin.post(f"/api/disputes/{dispute['id']}/resolve", json={"outcome": "partial", "amount": 600})
        from app.extensions import db
        from app.notifications.models import Notification
        kinds = {(n.user_id, n.kind) for n in db.session.scalars(db.select(Notification))}
        assert {(market.founder.id, "dispute_resolved"), (market.provider_user.id, "dispute_resolved"),
                (market.provider_user.id, "dispute_raised")} <= kinds
        detail = deal.founder.get(f"/api/requests/{deal.rid}").get_json()
        assert detail["state"] == "completed" and detail["settlement"]["refunded_amount"] == 600.0


class TestVoucherDisputes:
    @pytest.fixture
    def voucher_request(self, market, make_listing, admin):
        admin.post("/api/vouchers/grants", json={"startup_id": market.startup.id, "amount": 100})
        listing = make_listing(provider=market.provider, pricing_model="voucher", price=Decimal("10"))
        return listing

    def test_a_partial_refund_before_completion_spends_only_the_rest_of_the_hold(
            self, voucher_request, make_request, market, login, admin):
        req = make_request("delivered", listing=voucher_request)  # quoted and held at 25.00
        founder = login(market.founder)
        assert founder.get(f"/api/startups/{market.startup.id}/vouchers").get_json()["held"] == 25.0
        dispute = founder.post(f"/api/requests/{req.id}/dispute", json={"reason": "只完成了一部分"}).get_json()
        assert admin.post(f"/api/disputes/{dispute['id']}/resolve",
                          json={"outcome": "partial", "amount": "10.00"}).status_code == 200
        account = founder.get(f"/api/startups/{market.startup.id}/vouchers").get_json()
        assert (account["available"], account["held"]) == (85.0, 0.0)
        assert [(e["kind"], e["amount"]) for e in account["entries"][:2]] == [("release", 10.0), ("spend", -15.0)]
        assert founder.get(f"/api/requests/{req.id}").get_json()["state"] == "completed"

    def test_a_full_refund_after_completion_credits_the_vouchers_back(
            self, voucher_request, make_request, market, login, admin):
        req = make_request("completed", listing=voucher_request)
        founder = login(market.founder)
        dispute = founder.post(f"/api/requests/{req.id}/dispute", json={"reason": "不合格"}).get_json()
        admin.post(f"/api/disputes/{dispute['id']}/resolve", json={"outcome": "refund"})
        account = founder.get(f"/api/startups/{market.startup.id}/vouchers").get_json()
        assert (account["available"], account["held"]) == (100.0, 0.0) and account["entries"][0]["kind"] == "refund"


def test_a_quote_keeps_its_milestone_shares(make_request, market, login, db):
    req = make_request("submitted")
    login(market.provider_user).post(f"/api/requests/{req.id}/quote", json={
        "price": 100, "milestones": [{"title": "一", "share_percent": 25}, {"title": "二", "share_percent": 75}]})
    quote = db.session.scalar(db.select(Quote).where(Quote.request_id == req.id))
    assert [m.share_percent for m in quote.milestones] == [Decimal("25.00"), Decimal("75.00")]


def test_payment_forms_answer_404_for_unknown_or_huge_ids(market, login):
    """Ids past the database's integer range are a 404 (or the request page's flash), never a 500."""
    founder = login(market.founder)
    for path in ("/payments/99999999999999/paid", "/payments/12345/confirm"):
        assert founder.client.post(path, data={"csrf_token": founder.csrf_token}).status_code == 404, path
    for path in ("/requests/99999999999999/dispute", "/admin/disputes/99999999999999/resolve"):
        response = founder.client.post(path, data={"csrf_token": founder.csrf_token, "reason": "x",
                                                   "outcome": "reject"})
        assert response.status_code < 500, path


class TestDisputeForms:
    """The request page's dispute form and the admin's resolution form, under bad input and a stale token: the
    page comes back with what was typed and messages in the page's language, never a bare error page."""

    @staticmethod
    def _post(api, path: str, data: dict, *, csrf: str | None = None, lang: str = "zh"):
        return api.client.post(path, data={**data, "csrf_token": api.csrf_token if csrf is None else csrf},
                               headers={"Accept-Language": lang})

    def test_an_empty_or_too_long_reason_comes_back_typed_with_its_message(self, equity_deal):
        _deliver(equity_deal)
        path = f"/requests/{equity_deal.rid}/dispute"
        empty = self._post(equity_deal.founder, path, {"reason": "  "})
        assert empty.status_code == 422 and "请说明交付存在什么问题。" in empty.get_data(as_text=True)
        long_reason = "报告不完整" * 1001
        too_long = self._post(equity_deal.founder, path, {"reason": long_reason})
        page = too_long.get_data(as_text=True)
        assert too_long.status_code == 422 and long_reason in page and 'id="dispute-reason-error"' in page
        assert "请控制在 5,000 字以内。" in page
        assert equity_deal.founder.get(f"/api/requests/{equity_deal.rid}").get_json().get("dispute") is None

    def test_a_stale_token_keeps_the_reason_and_raises_nothing(self, equity_deal):
        _deliver(equity_deal)
        stale = self._post(equity_deal.founder, f"/requests/{equity_deal.rid}/dispute", {"reason": "缺少基准测试报告"},
                           csrf="stale")
        page = stale.get_data(as_text=True)
        assert stale.status_code == 400 and "缺少基准测试报告" in page and 'data-dispute-form' in page
        assert equity_deal.founder.get(f"/api/requests/{equity_deal.rid}").get_json().get("dispute") is None
        raised = self._post(equity_deal.founder, f"/requests/{equity_deal.rid}/dispute", {"reason": "缺少基准测试报告"})
        assert raised.status_code == 302

    def test_a_refused_resolution_comes_back_on_its_own_card_as_typed(self, equity_deal, admin):
        _deliver(equity_deal)
        dispute = equity_deal.founder.post(f"/api/requests/{equity_deal.rid}/dispute",
                                           json={"reason": "质量问题"}).get_json()
        path = f"/admin/disputes/{dispute['id']}/resolve"
        note = "部分退款，但忘了填金额"
        refused = self._post(admin, path, {"outcome": "partial", "amount": "", "note": note})
        page = refused.get_data(as_text=True)
        assert refused.status_code == 422 and note in page
        assert f'id="amount-{dispute["id"]}-error"' in page or f'id="outcome-{dispute["id"]}-error"' in page
        stale = self._post(admin, path, {"outcome": "reject", "note": "证据不足"}, csrf="stale")
        assert stale.status_code == 400 and "证据不足" in stale.get_data(as_text=True)
        assert admin.get("/api/disputes?state=open").get_json()["items"][0]["state"] == "open"
        done = self._post(admin, path, {"outcome": "reject", "note": "证据不足"})
        assert done.status_code == 302
