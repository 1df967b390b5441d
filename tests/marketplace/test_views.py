"""Marketplace pages: browse with facets, listing, editor, requests on both sides, agreement, vouchers."""
import re
from decimal import Decimal

import pytest


def form_post(api, path, data, **kw):
    return api.client.post(path, data={**data, "csrf_token": api.csrf_token}, **kw)


def test_browse_shows_facets_and_results(client, market, make_listing):
    make_listing(provider=market.provider, title="Patent drafting", category="ip_services", unit="case",
                 category_fields={"milestones": ["draft"]})
    page = client.get("/resources?q=patent").get_data(as_text=True)
    assert "<mark>Patent</mark> drafting" in page and "A100 GPU hours" not in page
    assert "IP services" in page and "(1)" in page
    everything = client.get("/resources").get_data(as_text=True)
    assert "A100 GPU hours" in everything and "Patent drafting" in everything


def test_browse_ignores_bad_filters(client, market):
    response = client.get("/resources?category=nope&sort=x")
    assert response.status_code == 200 and "A100 GPU hours" in response.get_data(as_text=True)


def test_listing_page_renders_sanitised_markdown(client, market, make_listing):
    listing = make_listing(provider=market.provider,
                           description="**Bold** <script>alert(1)</script> [bad](javascript:alert(1))")
    page = client.get(f"/resources/{listing.id}").get_data(as_text=True)
    assert "<strong>Bold</strong>" in page and "<script>alert" not in page
    assert 'href="javascript:' not in page
    assert "A100" in page  # category fields shown


def test_provider_page_lists_published_listings(client, market, make_listing):
    make_listing(provider=market.provider, title="Secret draft", status="draft")
    page = client.get(f"/providers/{market.provider.id}").get_data(as_text=True)
    assert "A100 GPU hours" in page and "Secret draft" not in page


def test_provider_creates_a_listing_with_the_editor(market, login):
    api = login(market.provider_user)
    assert api.get("/resources/new").status_code == 200
    response = form_post(api, "/resources/new", {
        "provider_id": market.provider.id, "title": "Wafer probing", "category": "pilot_testing",
        "description": "Probe cards", "unit": "wafer", "pricing_model": "fixed", "price": "99.50", "capacity": "20",
        "city": "Wuxi", "tags": "wafer, probe", "status": "published", "pilot_process": "", "specs": "Size: 300 mm"})
    assert response.status_code == 422 and "Process" in response.get_data(as_text=True)  # required for pilot testing
    response = form_post(api, "/resources/new", {
        "provider_id": market.provider.id, "title": "Wafer probing", "category": "pilot_testing",
        "description": "Probe cards", "unit": "wafer", "pricing_model": "fixed", "price": "99.50", "capacity": "20",
        "city": "Wuxi", "tags": "wafer, probe", "status": "published", "pilot_process": "CP test", "minimum_batch": "5",
        "specs": "Size: 300 mm"})
    assert response.status_code == 302, response.get_data(as_text=True)
    page = api.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Wafer probing" in page and "CP test" in page and "300 mm" in page
    assert "Wafer probing" in api.get("/resources/mine").get_data(as_text=True)


def test_founder_requests_and_walks_the_flow_through_pages(market, login):
    founder, provider = login(market.founder), login(market.provider_user)
    response = form_post(founder, f"/resources/{market.listing.id}/request",
                         {"startup_id": market.startup.id, "quantity": "3", "message": "Need GPUs"})
    assert response.status_code == 302
    path = response.headers["Location"]
    rid = int(path.rstrip("/").split("/")[-1])
    assert "Need GPUs" in provider.get(path).get_data(as_text=True)
    assert "A100 GPU hours" in provider.get("/requests?side=provider").get_data(as_text=True)
    form_post(provider, f"/requests/{rid}/quote", {"quote-lines-0-description": "GPU", "quote-lines-0-quantity": "3",
                                                   "quote-lines-0-unit_price": "12", "quote-payment_terms": "cash",
                                                   "quote-currency": "CNY", "quote-fapiao_type": "general",
                                                   "quote-note": "ok", "quote-csrf_token": provider.csrf_token})
    quote_id = re.search(r'name="quote_id" value="(\d+)"', founder.get(path).get_data(as_text=True)).group(1)
    form_post(founder, f"/requests/{rid}/accept", {"quote_id": quote_id})
    for api, name in ((founder, "王芳"), (provider, "Provider Person")):
        assert form_post(api, f"/requests/{rid}/agreement/sign", {"full_name": name, "consent": "y"}
                         ).status_code == 302
    form_post(provider, f"/requests/{rid}/start", {})
    form_post(provider, f"/requests/{rid}/deliver", {"note": "done"})
    form_post(founder, f"/requests/{rid}/complete", {})
    form_post(founder, f"/requests/{rid}/review", {"rating": "5", "comment": "Great"})
    page = founder.get(f"/requests/{rid}").get_data(as_text=True)
    assert "Completed" in page and "Great" in page
    agreement = founder.get(f"/requests/{rid}/agreement").get_data(as_text=True)
    assert "SHA-256" in agreement and market.provider_user.name in agreement
    assert "My requests" in founder.get("/requests").get_data(as_text=True)


def test_wrong_move_from_a_page_is_explained(market, login, make_request):
    req = make_request("accepted")
    founder = login(market.founder)
    response = form_post(founder, f"/requests/{req.id}/start", {}, follow_redirects=True)
    assert response.status_code == 200 and "Only the provider may start" in response.get_data(as_text=True)
    response = form_post(founder, f"/requests/{req.id}/complete", {}, follow_redirects=True)
    assert "You cannot complete a request in the state" in response.get_data(as_text=True)


def test_thread_form_posts_a_message(market, login, make_request):
    req = make_request("quoted")
    founder = login(market.founder)
    form_post(founder, f"/requests/{req.id}/messages", {"body": "When can you start?"})
    assert "When can you start?" in login(market.provider_user).get(f"/requests/{req.id}").get_data(as_text=True)


def test_admin_grants_vouchers(market, login, make_user):
    admin = login(make_user("investor", is_admin=True))
    assert admin.get("/admin/vouchers").status_code == 200
    response = form_post(admin, "/admin/vouchers", {"startup_id": market.startup.id, "amount": "500", "note": "Q3"})
    assert response.status_code == 302
    page = login(market.founder).get(f"/startups/{market.startup.id}/vouchers").get_data(as_text=True)
    assert "500.00" in page and "Q3" in page
    assert login(market.founder).get("/admin/vouchers").status_code == 403
    from app.marketplace import vouchers
    vouchers.hold(startup_id=market.startup.id, amount=Decimal("120"), actor_id=None, request_id=None)
    from app.extensions import db
    db.session.commit()
    page = admin.get("/admin/vouchers", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "可用（元）" in page and "<td>¥380.00</td><td>¥120.00</td>" in page


def test_outsider_cannot_open_a_request_page(market, login, make_request):
    req = make_request("submitted")
    assert login(market.outsider).get(f"/requests/{req.id}").status_code == 404


def test_chinese_pages_render(market, login):
    founder = login(market.founder)
    founder.client.post("/language/zh", data={"csrf_token": founder.csrf_token})
    assert founder.get("/resources").status_code == 200
    assert founder.get(f"/resources/{market.listing.id}").status_code == 200


def test_price_is_formatted(client, market, make_listing):
    listing = make_listing(provider=market.provider, price=Decimal("1234.5"))
    assert "¥1,234.50" in client.get(f"/resources/{listing.id}").get_data(as_text=True)


def test_the_listing_editor_shows_field_errors_in_chinese(market, login):
    api = login(market.provider_user)
    response = form_post(api, "/resources/new", {
        "provider_id": market.provider.id, "title": "晶圆测试", "category": "pilot_testing", "description": "",
        "unit": "wafer", "pricing_model": "fixed", "price": "99.50", "capacity": "20", "city": "Wuxi", "tags": "",
        "status": "published", "pilot_process": "", "minimum_batch": "5", "specs": ""},
        headers={"Accept-Language": "zh-CN"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "此项为必填项。" in page  # the process, required by the category's schema (marshmallow)
    for english in ("Missing data for required field.", "Must be greater than", "Not a valid"):
        assert english not in page


def test_the_voucher_ledger_names_requests_in_chinese(market, login, make_user, make_request):
    from app.extensions import db
    from app.marketplace import vouchers
    vouchers.grant(actor=make_user("investor", is_admin=True), startup_id=market.startup.id, amount=Decimal("500"),
                   note="Q3")
    req = make_request(state="submitted")
    vouchers.hold(startup_id=market.startup.id, amount=Decimal("50"), actor_id=None, request_id=req.id,
                  note=f"request {req.id}")
    vouchers.settle_hold(startup_id=market.startup.id, amount=Decimal("50"), actor_id=None, request_id=req.id,
                         note=f"request {req.id} completed")
    db.session.commit()
    page = login(market.founder).get(f"/startups/{market.startup.id}/vouchers",
                                     headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert f"支付<a href=\"/requests/{req.id}\">需求 #{req.id}</a>" in page
    assert f"为 <a href=\"/requests/{req.id}\">需求 #{req.id}</a> 冻结" in page
    assert "可用：¥450.00" in page and "已接受需求冻结：¥0.00" in page
    assert f"request {req.id}" not in page and "Q3" in page


def test_list_a_resource_is_offered_to_provider_members_only(client, login, make_user, make_provider):
    owner = make_user("provider")
    provider = make_provider(owner, name="Lab One")
    admin = make_user("investor", is_admin=True)
    member_html = login(owner).client.get(f"/providers/{provider.id}").get_data(as_text=True)
    assert f"/resources/new?provider_id={provider.id}" in member_html
    assert "/resources/new" in login(owner).client.get("/resources").get_data(as_text=True)
    admin_client = login(admin).client
    for path in ("/resources", f"/providers/{provider.id}"):
        html = admin_client.get(path).get_data(as_text=True)
        assert "/resources/new" not in html and "List a resource" not in html, path


@pytest.mark.parametrize("lang, heading, way_on", [("en", "Page not found", "Go to the home page"),
                                                   ("zh", "页面不存在", "返回首页")])
def test_error_pages_say_what_happened_and_offer_a_way_on(client, lang, heading, way_on):
    response = client.get("/no/such/page", headers={"Accept-Language": lang})
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert f"<h1>{heading}</h1>" in html and way_on in html and 'href="/roadshows"' in html
    assert "<title>" + heading in html


@pytest.mark.parametrize("lang, heading", [("en", "You can't open this page"), ("zh", "无法打开此页面")])
def test_forbidden_page_explains_in_the_page_language(login, make_user, lang, heading):
    response = login(make_user("founder")).client.get("/admin/", headers={"Accept-Language": lang})
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert heading in html and 'href="/mentors"' in html


@pytest.mark.parametrize("lang, heading", [("en", "No longer available"), ("zh", "已不再提供")])
def test_gone_page_has_its_own_words(app, lang, heading):
    from werkzeug.exceptions import Gone

    from app.core.errors import handle_http_exception

    with app.test_request_context("/old/link", headers={"Accept-Language": lang}):
        response = handle_http_exception(Gone())
    html = response.get_data(as_text=True)
    assert response.status_code == 410 and heading in html and "410" in html
    assert "The requested URL is no longer available" not in html


def test_a_refused_move_shows_the_request_again_with_what_was_typed(market, login, make_request, db):
    req = make_request("quoted")
    founder = login(market.founder)
    market.founder.locale = "zh"
    db.session.commit()
    counter = form_post(founder, f"/requests/{req.id}/counter", {"counter-price": "十二", "counter-note": "便宜一点"})
    html = counter.get_data(as_text=True)
    assert counter.status_code == 422 and 'id="counter-price-error"' in html and 'value="十二"' in html
    assert "便宜一点</textarea>" in html and "Not a valid" not in html
    long = form_post(founder, f"/requests/{req.id}/cancel", {"note": "长" * 5001})
    html = long.get_data(as_text=True)
    assert long.status_code == 422 and 'id="cancel-note-error"' in html and "长" * 5001 + "</textarea>" in html
    stale = founder.client.post(f"/requests/{req.id}/decline", data={"csrf_token": "stale", "note": "太贵了"})
    html = stale.get_data(as_text=True)
    assert stale.status_code == 400 and "太贵了</textarea>" in html and "表单未能提交" in html
    db.session.expire_all()
    assert req.state == "quoted"
