"""Operators: the request console, reports and the moderation queue, the audit trail and its CSV (services, pages,
API): who may see them, what the filters do, bad input, and what hiding does for everyone else."""
import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest

from tests.marketplace.test_views import form_post


@pytest.fixture
def admin(make_user):
    return make_user("investor", name="管理员 Ada", email="ada@example.test", is_admin=True)


@pytest.fixture
def rated(market, make_request):
    """A completed request both sides reviewed (so the reviews are public): (request, startup's review)."""
    from app.marketplace import reviews

    req = make_request("completed")
    review = reviews.review(actor=market.founder, request_id=req.id, rating=2, comment="交付太慢 too slow")
    reviews.review(actor=market.provider_user, request_id=req.id, rating=5, comment="Good partner")
    return req, review


def _age(req, days: int) -> None:
    from app.extensions import db
    from app.marketplace.models import ResourceRequest

    row = db.session.get(ResourceRequest, req.id)
    row.created_at = row.created_at - timedelta(days=days)
    if row.delivered_at:
        row.delivered_at = row.delivered_at - timedelta(days=days)
    db.session.commit()


# Permissions -----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/admin/requests", "/admin/moderation", "/admin/audit", "/admin/audit.csv"])
def test_admin_pages_are_forbidden_to_others(login, market, path):
    assert login(market.founder).get(path).status_code == 403


@pytest.mark.parametrize("path", ["/api/admin/requests", "/api/admin/requests/stuck", "/api/admin/moderation",
                                  "/api/admin/audit", "/api/admin/audit.csv"])
def test_admin_api_is_forbidden_to_others(login, client, market, path):
    response = login(market.provider_user).get(path)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "admins_only"
    assert client.get(path).status_code == 401


def test_moderator_moves_are_forbidden_to_others(login, rated, market):
    _req, review = rated
    api = login(market.outsider)
    assert api.post(f"/api/admin/moderation/review/{review.id}/hide", json={}).status_code == 403
    assert form_post(api, f"/admin/moderation/review/{review.id}/hide", {}).status_code == 403


# The console -----------------------------------------------------------------------------------

def test_console_filters_by_state_category_provider_and_age(login, admin, market, make_request, make_listing,
                                                             make_provider):
    other = make_provider(name="检测中心 Lab")
    patent = make_listing(provider=other, title="专利检索 Patent search", category="ip_services", unit="case",
                          category_fields={"milestones": ["search"]})
    old = make_request("quoted")
    _age(old, 10)
    fresh = make_request("submitted", listing=patent)
    api = login(admin)

    def ids(**params):
        body = api.get("/api/admin/requests", query_string=params).get_json()
        return [item["id"] for item in body["items"]]

    assert ids() == [fresh.id, old.id]
    assert ids(state="quoted") == [old.id]
    assert ids(state=["quoted", "submitted"], sort="created", order="asc") == [old.id, fresh.id]
    assert ids(category="ip_services") == [fresh.id]
    assert ids(provider_id=other.id) == [fresh.id]
    assert ids(min_age_days=7) == [old.id]
    assert ids(max_age_days=7) == [fresh.id]
    assert ids(q="专利") == [fresh.id]
    assert ids(q=f"#{old.id}") == [old.id]
    page = api.client.get(f"/admin/requests?category=ip_services&provider_id={other.id}").get_data(as_text=True)
    assert "专利检索 Patent search" in page and f'data-request-row="{old.id}"' not in page


def test_console_shows_stuck_requests(login, admin, market, make_request, app):
    waiting = make_request("submitted")
    make_request("submitted")  # new: not stuck yet
    unanswered = make_request("delivered")
    _age(waiting, app.config["MARKETPLACE_STUCK_QUOTE_DAYS"] + 1)
    _age(unanswered, app.config["MARKETPLACE_STUCK_DELIVERY_DAYS"] + 1)
    api = login(admin)
    no_quote = api.get("/api/admin/requests?stuck=no_quote").get_json()
    assert [r["id"] for r in no_quote["items"]] == [waiting.id]
    assert [r["id"] for r in api.get("/api/admin/requests?stuck=delivery").get_json()["items"]] == [unanswered.id]
    assert api.get("/api/admin/requests/stuck").get_json() == {
        "no_quote": 1, "delivery": 1, "no_quote_days": app.config["MARKETPLACE_STUCK_QUOTE_DAYS"],
        "delivery_days": app.config["MARKETPLACE_STUCK_DELIVERY_DAYS"]}
    page = api.client.get("/admin/requests?stuck=delivery").get_data(as_text=True)
    assert f'data-request-row="{unanswered.id}"' in page and f'data-request-row="{waiting.id}"' not in page


def test_console_sorts_by_provider_name(login, admin, market, make_request, make_listing, make_provider):
    zeta = make_listing(provider=make_provider(name="Zeta Labs"))
    first = make_request("submitted", listing=zeta)
    second = make_request("submitted")
    api = login(admin)
    names = [r["provider"]["name"] for r in
             api.get("/api/admin/requests?sort=provider&order=asc").get_json()["items"]]
    assert names == sorted(names) and {first.id, second.id} == {
        r["id"] for r in api.get("/api/admin/requests").get_json()["items"]}


@pytest.mark.parametrize("query", ["state=nope", "category=<script>", "provider_id=abc", "min_age_days=-1",
                                   "min_age_days=9&max_age_days=2", "sort=password", "order=sideways",
                                   "page=0", "per_page=100000", "provider_id=99999999999999999999", "stuck=forever",
                                   "q=" + "x" * 300])
def test_console_bad_filters_are_4xx(login, admin, market, query):
    api = login(admin)
    assert api.get(f"/api/admin/requests?{query}").status_code == 422
    page = api.client.get(f"/admin/requests?{query}")
    assert page.status_code == 400 and "data-filter-errors" in page.get_data(as_text=True)


def test_console_page_in_chinese(login, make_user, market, make_request):
    zh_admin = make_user("investor", is_admin=True, locale="zh")
    make_request("submitted")
    page = login(zh_admin).client.get("/admin/requests").get_data(as_text=True)
    assert "全部申请" in page and "尚未报价" in page
    assert "A100 GPU hours" in page


# Reports ---------------------------------------------------------------------------------------

def test_a_user_reports_a_review_once(login, rated, market, make_user):
    _req, review = rated
    reader = make_user("investor")
    api = login(reader)
    body = {"item_kind": "review", "item_id": review.id, "reason": "offensive", "details": "侮辱性的语言"}
    made = api.post("/api/reports", json=body)
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["status"] == "open" and made.get_json()["details"] == "侮辱性的语言"
    again = api.post("/api/reports", json=body)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_reported"
    # another user may report it too
    assert login(market.outsider).post("/api/reports", json=body).status_code == 201


@pytest.mark.parametrize("body, status", [
    ({"item_kind": "review", "reason": "spam"}, 422),
    ({"item_kind": "comment", "item_id": 1, "reason": "spam"}, 422),
    ({"item_kind": "review", "item_id": "x", "reason": "spam"}, 422),
    ({"item_kind": "review", "item_id": 1, "reason": "boring"}, 422),
    ({"item_kind": "review", "item_id": 99999999, "reason": "spam"}, 404),
    ({"item_kind": "review", "item_id": 1, "reason": "spam", "details": "x" * 2001}, 422),
])
def test_bad_reports_are_4xx(login, market, body, status):
    assert login(market.outsider).post("/api/reports", json=body).status_code == status


def test_other_needs_a_reason_text_and_nobody_reports_their_own(login, rated, market):
    _req, review = rated
    other = login(market.outsider).post("/api/reports", json={"item_kind": "review", "item_id": review.id,
                                                               "reason": "other"})
    assert other.status_code == 422 and "details" in other.get_json()["error"]["details"]
    own = login(market.founder).post("/api/reports", json={"item_kind": "review", "item_id": review.id,
                                                           "reason": "spam"})
    assert own.status_code == 403 and own.get_json()["error"]["code"] == "own_item"


def test_messages_can_be_reported_only_by_those_who_see_them(login, market, make_request):
    from app.marketplace import services

    req = make_request("quoted")
    message = services.post_message(actor=market.provider_user, request_id=req.id, body="加我微信 spam")
    body = {"item_kind": "message", "item_id": message.id, "reason": "spam"}
    assert login(market.outsider).post("/api/reports", json=body).status_code == 404
    assert login(market.founder).post("/api/reports", json=body).status_code == 201


def test_report_form_comes_back_with_what_was_typed(login, rated, market):
    _req, review = rated
    api = login(market.outsider)
    page = api.client.get(f"/resources/{market.listing.id}").get_data(as_text=True)
    assert f'data-report="review-{review.id}"' in page and 'data-report="listing-' in page
    response = form_post(api, f"/reports/review/{review.id}", {"reason": "other", "details": "",
                                                                "next": f"/resources/{market.listing.id}"})
    assert response.status_code == 422
    response = form_post(api, f"/reports/review/{review.id}", {"reason": "nope", "details": "我写的字"})
    assert response.status_code == 422 and "我写的字" in response.get_data(as_text=True)
    done = form_post(api, f"/reports/review/{review.id}", {"reason": "spam", "details": "广告",
                                                            "next": f"/resources/{market.listing.id}"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/resources/{market.listing.id}")
    page = api.client.get(f"/resources/{market.listing.id}").get_data(as_text=True)
    assert f'data-reported="review-{review.id}"' in page
    assert form_post(api, f"/reports/review/{review.id}", {"reason": "spam",
                                                           "next": "https://evil.example/"}).status_code == 302


# Moderation ------------------------------------------------------------------------------------

def test_hiding_a_review_hides_it_from_everyone_but_its_author(login, admin, rated, market, client):
    from app.extensions import db
    from app.notifications.models import Notification
    from app.providers.models import Listing

    req, review = rated
    db.session.expire_all()
    assert db.session.get(Listing, market.listing.id).rating_count == 1
    login(market.outsider).post("/api/reports", json={"item_kind": "review", "item_id": review.id,
                                                      "reason": "offensive"})
    api = login(admin)
    queue = api.get("/api/admin/moderation").get_json()
    assert [(i["item_kind"], i["item_id"], len(i["reports"])) for i in queue["items"]] == [("review", review.id, 1)]
    hidden = api.post(f"/api/admin/moderation/review/{review.id}/hide", json={"note": "辱骂"})
    assert hidden.status_code == 200 and hidden.get_json()["reports_closed"] == 1
    assert api.post(f"/api/admin/moderation/review/{review.id}/hide", json={}).get_json()["error"]["code"] \
        == "already_hidden"
    assert api.get("/api/admin/moderation").get_json()["total"] == 0
    assert [i["item_id"] for i in api.get("/api/admin/moderation?state=hidden").get_json()["items"]] == [review.id]

    assert "交付太慢" not in client.get(f"/resources/{market.listing.id}").get_data(as_text=True)
    provider_view = login(market.provider_user).get(f"/api/requests/{req.id}").get_json()
    assert [r["side"] for r in provider_view["reviews"]] == ["provider"]
    author_page = login(market.founder).client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert "交付太慢" in author_page and "data-moderated" in author_page
    db.session.expire_all()
    assert db.session.get(Listing, market.listing.id).rating_count == 0
    told = db.session.query(Notification).filter_by(user_id=market.founder.id, kind="content_hidden").one()
    assert told.url == f"/requests/{req.id}#review-{review.id}"

    restored = api.post(f"/api/admin/moderation/review/{review.id}/restore", json={})
    assert restored.status_code == 200
    assert "交付太慢" in client.get(f"/resources/{market.listing.id}").get_data(as_text=True)
    assert api.post(f"/api/admin/moderation/review/{review.id}/restore", json={}).status_code == 409


def test_dismissing_closes_the_reports_and_keeps_the_item(login, admin, rated, market, client):
    _req, review = rated
    login(market.outsider).post("/api/reports", json={"item_kind": "review", "item_id": review.id, "reason": "spam"})
    api = login(admin)
    response = form_post(api, f"/admin/moderation/review/{review.id}/dismiss", {"note": "fine",
                                                                                "next": "/admin/moderation"})
    assert response.status_code == 302
    assert api.get("/api/admin/moderation").get_json()["total"] == 0
    assert "交付太慢" in client.get(f"/resources/{market.listing.id}").get_data(as_text=True)
    again = api.post(f"/api/admin/moderation/review/{review.id}/dismiss", json={})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "no_open_reports"
    # the reporter may report it again now that their report is closed
    assert login(market.outsider).post("/api/reports", json={"item_kind": "review", "item_id": review.id,
                                                             "reason": "spam"}).status_code == 201


def test_a_refused_moderator_note_comes_back_with_what_was_typed(login, admin, rated, market):
    _req, review = rated
    api = login(admin)
    long_note = "备" * 2001
    response = form_post(api, f"/admin/moderation/review/{review.id}/hide", {"note": long_note, "state": "open"})
    assert response.status_code == 422 and long_note in response.get_data(as_text=True)
    stale = api.client.post(f"/admin/moderation/review/{review.id}/hide", data={"note": "过期", "state": "hidden",
                                                                                  "csrf_token": "stale"})
    assert stale.status_code == 400 and 'value="过期"' in stale.get_data(as_text=True)
    assert api.get("/api/admin/moderation?state=hidden").get_json()["total"] == 0  # nothing was hidden
    report = api.client.post(f"/reports/review/{review.id}", data={"reason": "spam", "details": "我写的",
                                                                   "csrf_token": "stale"})
    assert report.status_code in (400, 422) and "我写的" in report.get_data(as_text=True)


def test_hiding_a_message_and_a_listing(login, admin, market, make_request, client):
    from app.marketplace import services

    req = make_request("quoted")
    message = services.post_message(actor=market.provider_user, request_id=req.id, body="私下交易 off-platform")
    api = login(admin)
    assert api.post(f"/api/admin/moderation/message/{message.id}/hide", json={}).status_code == 200
    founder_thread = login(market.founder).get(f"/api/requests/{req.id}/messages").get_json()
    assert message.id not in [m["id"] for m in founder_thread]
    assert message.id in [m["id"] for m in login(market.provider_user).get(f"/api/requests/{req.id}/messages")
                          .get_json()]

    assert api.post(f"/api/admin/moderation/listing/{market.listing.id}/hide", json={}).status_code == 200
    assert client.get(f"/resources/{market.listing.id}").status_code == 404
    assert market.listing.title not in client.get("/resources").get_data(as_text=True)
    own = login(market.provider_user).client.get(f"/resources/{market.listing.id}").get_data(as_text=True)
    assert "data-hidden-notice" in own


def test_moderating_unknown_items_is_404(login, admin):
    api = login(admin)
    assert api.post("/api/admin/moderation/review/999999/hide", json={}).status_code == 404
    assert api.post("/api/admin/moderation/user/1/hide", json={}).status_code == 404
    assert api.get("/api/admin/moderation?state=weird").status_code == 422


# The audit trail -------------------------------------------------------------------------------

def test_the_trail_holds_request_events_vouchers_reports_and_moderation(login, admin, rated, market, request_ctx):
    from app.extensions import db
    from app.marketplace import vouchers
    from app.marketplace.models import RequestEvent

    req, review = rated
    vouchers.grant(actor=admin, startup_id=market.startup.id, amount=Decimal("500"), note="创新券 innovation")
    # a move recorded by another use case (say, settlement) shows up without the trail knowing its action
    db.session.add(RequestEvent(request_id=req.id, actor_id=market.provider_user.id, action="milestone_paid",
                                from_state="completed", to_state="completed", data={"milestone": "第一阶段"}))
    db.session.commit()
    login(market.outsider).post("/api/reports", json={"item_kind": "review", "item_id": review.id, "reason": "spam"})
    api = login(admin)
    api.post(f"/api/admin/moderation/review/{review.id}/hide", json={"note": "广告"})

    everything = api.get("/api/admin/audit?per_page=100").get_json()
    kinds = {e["kind"] for e in everything["items"]}
    assert kinds == {"request", "voucher", "report", "moderation"}
    actions = [e["action"] for e in everything["items"] if e["kind"] == "request"]
    assert {"submit", "quote", "accept", "complete", "review", "milestone_paid"} <= set(actions)

    def found(**params):
        return api.get("/api/admin/audit", query_string=params).get_json()["items"]

    assert [e["action"] for e in found(q="第一阶段")] == ["milestone_paid"]
    assert [e["amount"] for e in found(kind="voucher")] == ["500.00"]
    assert found(q="创新券")[0]["actor_name"] == "管理员 Ada"
    assert {e["kind"] for e in found(actor="ada@example")} == {"voucher", "moderation"}
    assert {e["kind"] for e in found(kind=["report", "moderation"])} == {"report", "moderation"}
    assert found(request_id=req.id) and all(e["request_id"] == req.id for e in found(request_id=req.id))
    today = everything["items"][0]["created_at"][:10]
    assert len(found(date_from="2000-01-01", date_to="2000-01-02")) == 0
    assert found(date_from="2000-01-01", date_to="2100-01-01", per_page=100) == everything["items"]
    assert today


@pytest.mark.parametrize("query", ["kind=money", "date_from=yesterday", "date_from=2026-02-30",
                                   "date_from=2026-05-02&date_to=2026-05-01", "request_id=-3", "per_page=1000",
                                   "actor=" + "a" * 201])
def test_audit_bad_filters_are_4xx(login, admin, query):
    api = login(admin)
    assert api.get(f"/api/admin/audit?{query}").status_code == 422
    assert api.client.get(f"/admin/audit?{query}").status_code == 400
    if "per_page" not in query:  # the CSV has no pages
        assert api.client.get(f"/admin/audit.csv?{query}").status_code == 422


def test_audit_csv_is_utf8_with_bom_and_chinese(login, make_user, market, rated, request_ctx):
    from app.marketplace import vouchers

    zh_admin = make_user("investor", is_admin=True, name="审计员", locale="zh")
    vouchers.grant(actor=zh_admin, startup_id=market.startup.id, amount=Decimal("88"), note="科技创新券")
    api = login(zh_admin)
    response = api.client.get("/admin/audit.csv?q=科技")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["时间（UTC）", "类型", "操作"]
    assert len(rows) == 2
    assert rows[1][1] == "创新券台账" and rows[1][2] == "发放创新券" and rows[1][3] == "审计员"
    assert rows[1][10] == "88.00" and rows[1][11] == "科技创新券"
    whole = list(csv.reader(io.StringIO(api.client.get("/api/admin/audit.csv").get_data().decode("utf-8-sig"))))
    assert len(whole) - 1 == api.get("/api/admin/audit").get_json()["total"]


def test_audit_csv_streams_in_batches(login, admin, market, make_request, monkeypatch):
    from app.marketplace import audit

    monkeypatch.setattr(audit, "CSV_BATCH", 3)
    for _ in range(3):
        make_request("quoted")  # 2 events each
    chunks = list(audit.export_csv(actor=admin))
    assert len(chunks) == 2 and sum(c.count("\r\n") for c in chunks) == 7  # header + 6 rows, in batches of 3
    assert chunks[0].startswith("\ufeff")


def test_audit_page_in_chinese(login, make_user, market, make_request):
    zh_admin = make_user("investor", is_admin=True, locale="zh")
    req = make_request("quoted")
    page = login(zh_admin).client.get(f"/admin/audit?request_id={req.id}").get_data(as_text=True)
    assert "审计" in page and 'data-audit-row="request:' in page and "下载 CSV" in page
