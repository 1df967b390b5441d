"""The marketplace API (SPEC §8): listings, search, requests, thread, review, agreement, vouchers."""
from decimal import Decimal

import pytest

from tests.marketplace.conftest import COMPUTE_FIELDS

LISTING = {"title": "H100 cluster hours", "category": "compute", "description": "Train **fast**.",
           "unit": "GPU-hour", "pricing_model": "fixed", "price": 30, "capacity": 50, "city": "Beijing",
           "tags": ["GPU", "h100"], "status": "published", "category_fields": dict(COMPUTE_FIELDS)}


def _seen(client, request_id) -> dict:
    """The accept body of a startup that read the request first: the quote id it saw."""
    return {"quote_id": client.get(f"/api/requests/{request_id}").get_json()["quote_id"]}


class TestListings:
    def test_provider_creates_and_edits_a_listing(self, market, login):
        api = login(market.provider_user)
        response = api.post("/api/listings", json=LISTING)
        assert response.status_code == 201, response.get_json()
        body = response.get_json()
        assert body["provider_id"] == market.provider.id and body["tags"] == ["gpu", "h100"]
        assert body["price"] == 30.0 and body["status"] == "published"
        assert "<strong>fast</strong>" in body["description_html"]
        patched = api.patch(f"/api/listings/{body['id']}", json={"status": "archived", "price": "31.5"})
        assert patched.status_code == 200 and patched.get_json()["price"] == 31.5
        assert api.client.get(f"/api/listings/{body['id']}").status_code == 200  # the owner still sees it

    def test_category_fields_are_validated(self, market, login):
        api = login(market.provider_user)
        response = api.post("/api/listings", json={**LISTING, "category_fields": {"accelerator_count": 0}})
        assert response.status_code == 422
        details = response.get_json()["error"]["details"]["category_fields"]
        assert "accelerator_model" in details and "accelerator_count" in details

    @pytest.mark.parametrize("category,fields", [
        ("pilot_testing", {"process": "SMT line", "minimum_batch": 100, "lead_time_days": 14}),
        ("inspection_testing", {"standards": ["GB/T 2423"], "accreditation": ["CMA", "CNAS"]}),
        ("ip_services", {"milestones": ["search", "drafting", "filing"]}),
        ("data_models", {"licence_terms": "CC BY-NC 4.0"}),
        ("legal_finance", {}),
    ])
    def test_each_category_takes_its_fields(self, market, login, category, fields):
        api = login(market.provider_user)
        response = api.post("/api/listings", json={**LISTING, "category": category, "category_fields": fields})
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["category_fields"] == {k: v for k, v in fields.items()} | (
            {"sample_logistics": None} if category == "inspection_testing" else {})

    def test_bad_accreditation_is_refused(self, market, login):
        api = login(market.provider_user)
        response = api.post("/api/listings", json={**LISTING, "category": "inspection_testing",
                                                   "category_fields": {"standards": ["x"], "accreditation": ["FOO"]}})
        assert response.status_code == 422

    def test_fixed_price_needs_a_price(self, market, login):
        response = login(market.provider_user).post("/api/listings", json={**LISTING, "price": None})
        assert response.status_code == 422 and "price" in response.get_json()["error"]["details"]

    def test_founder_cannot_list(self, market, login):
        response = login(market.founder).post("/api/listings", json=LISTING)
        assert response.status_code == 422  # no provider organisation to list for

    def test_other_provider_cannot_edit(self, market, login, make_user):
        other = make_user("provider")
        response = login(other).patch(f"/api/listings/{market.listing.id}", json={"title": "mine"})
        assert response.status_code == 403

    def test_drafts_are_hidden_from_others(self, market, make_listing, client):
        draft = make_listing(provider=market.provider, status="draft")
        assert client.get(f"/api/listings/{draft.id}").status_code == 404
        assert draft.id not in [i["id"] for i in client.get("/api/listings").get_json()["items"]]

    def test_description_is_sanitised(self, market, login):
        api = login(market.provider_user)
        evil = ('<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)> '
                '<a href="#" onclick="alert(1)">y</a>')
        body = api.post("/api/listings", json={**LISTING, "description": evil}).get_json()
        html = body["description_html"]
        import re
        assert "<script" not in html and "<img" not in html
        assert not re.search(r"<[^>]+\son\w+\s*=", html)  # no event handler attribute on any tag
        assert 'href="javascript:' not in html and "<a" not in html.replace("&lt;a", "")


class TestSearch:
    @pytest.fixture
    def catalogue(self, market, make_listing, make_provider):
        other = make_provider(name="Lab Co", city="Shenzhen")
        return {
            "a100": market.listing,
            "spectro": make_listing(provider=other, title="Mass spectrometry runs", category="inspection_testing",
                                    unit="run", price=Decimal("800"), city="Shenzhen", tags=["lab"],
                                    description="LC-MS/MS with a report in five days.",
                                    category_fields={"standards": ["ISO 17025"], "accreditation": ["CNAS"]}),
            "gpu_quote": make_listing(title="GPU算力租赁 H800", description="大模型训练算力", pricing_model="quote",
                                      price=None, city="Beijing", tags=["算力"],
                                      category_fields={"accelerator_model": "H800"}),
            "patent": make_listing(provider=other, title="Patent search", category="ip_services", unit="search",
                                   description="Freedom-to-operate searches.",
                                   price=Decimal("3000"), city=None, is_remote=True, tags=["ip"],
                                   pricing_model="voucher", category_fields={"milestones": ["search", "report"]}),
        }

    def _ids(self, client, query):
        response = client.get("/api/listings" + query)
        assert response.status_code == 200, response.get_json()
        return [item["id"] for item in response.get_json()["items"]]

    def test_text_search_by_prefix_and_tag(self, client, catalogue):
        assert self._ids(client, "?q=spectro") == [catalogue["spectro"].id]
        # tagged "lab" first; then the other listing of the provider "Lab Co" (the provider's name is indexed)
        assert self._ids(client, "?q=lab") == [catalogue["spectro"].id, catalogue["patent"].id]
        assert set(self._ids(client, "?q=gpu")) == {catalogue["a100"].id, catalogue["gpu_quote"].id}

    def test_chinese_search(self, client, catalogue):
        # the listing that says 算力 first, then the English GPU listing (算力 and GPU are one concept: compute)
        assert self._ids(client, "?q=算力") == [catalogue["gpu_quote"].id, catalogue["a100"].id]
        assert self._ids(client, "?q=专利") == [catalogue["patent"].id]
        assert self._ids(client, "?q=模型") == [catalogue["gpu_quote"].id]

    def test_filters(self, client, catalogue):
        assert self._ids(client, "?category=inspection_testing") == [catalogue["spectro"].id]
        assert self._ids(client, "?city=shenzhen") == [catalogue["spectro"].id]
        assert self._ids(client, "?city=remote") == [catalogue["patent"].id]
        assert self._ids(client, "?pricing_model=voucher") == [catalogue["patent"].id]
        assert self._ids(client, "?min_price=500&max_price=1000") == [catalogue["spectro"].id]
        assert self._ids(client, f"?provider_id={catalogue['spectro'].provider_id}&sort=price") == [
            catalogue["spectro"].id, catalogue["patent"].id]
        assert self._ids(client, "?accelerator_model=h800") == [catalogue["gpu_quote"].id]
        assert self._ids(client, "?accreditation=cnas") == [catalogue["spectro"].id]
        assert self._ids(client, "?q=gpu&category=compute&city=Beijing") == [catalogue["gpu_quote"].id]

    def test_sorts_and_totals(self, client, catalogue):
        by_price = self._ids(client, "?sort=price")
        assert by_price[:3] == [catalogue["a100"].id, catalogue["spectro"].id, catalogue["patent"].id]
        assert by_price[-1] == catalogue["gpu_quote"].id  # price on request last
        assert self._ids(client, "?sort=price_desc")[0] == catalogue["patent"].id
        body = client.get("/api/listings?per_page=2&page=2&sort=newest").get_json()
        assert body["total"] == 4 and body["pages"] == 2 and len(body["items"]) == 2

    def test_facets_count_every_other_filter(self, client, catalogue):
        body = client.get("/api/listings?facets=true&category=compute").get_json()
        categories = {f["value"]: f["count"] for f in body["facets"]["category"]}
        assert categories == {"compute": 2, "inspection_testing": 1, "ip_services": 1}
        assert {f["value"]: f["count"] for f in body["facets"]["city"]} == {"Beijing": 1, "Shanghai": 1}

    @pytest.mark.parametrize("query", ["?category=spaceships", "?sort=cheapest", "?min_price=-1", "?page=0",
                                       "?per_page=1000", "?min_price=10&max_price=5", "?min_price=abc",
                                       "?provider_id=99999999999", "?pricing_model=barter", "?facets=maybe"])
    def test_bad_parameters_are_422(self, client, query):
        response = client.get("/api/listings" + query)
        assert response.status_code == 422, response.get_json()
        assert response.get_json()["error"]["code"] == "validation_error"

    def test_odd_text_does_not_break_search(self, client, catalogue):
        for q in ['"', "a AND OR", "NEAR(", "*", "gpu)", "'; drop", "%_"]:
            assert client.get("/api/listings", query_string={"q": q}).status_code == 200


class TestRequests:
    def test_full_journey(self, market, login):
        founder, provider = login(market.founder), login(market.provider_user)
        created = founder.post(f"/api/listings/{market.listing.id}/requests",
                               json={"quantity": 10, "message": "For training", "needed_by": "2099-01-01"})
        assert created.status_code == 201, created.get_json()
        req = created.get_json()
        assert req["state"] == "submitted" and req["startup_id"] == market.startup.id
        assert req["allowed_actions"] == ["cancel"]
        rid = req["id"]
        assert provider.get("/api/requests").get_json()["total"] == 1
        assert provider.post(f"/api/requests/{rid}/quote", json={"price": "120.00", "note": "incl. support"}
                             ).get_json()["quoted_price"] == 120.0
        assert founder.post(f"/api/requests/{rid}/accept", json=_seen(founder, rid)).status_code == 200
        assert founder.client.get(f"/api/listings/{market.listing.id}").get_json()["capacity"] == 90
        agreement = founder.get(f"/api/requests/{rid}/agreement").get_json()
        assert agreement["startup_accepted_at"] is None and agreement["provider_accepted_at"] is None
        import hashlib
        assert agreement["terms_sha256"] == hashlib.sha256(agreement["terms"].encode()).hexdigest()
        # in English and in Chinese, categories and pricing models named, never given as codes
        assert "Pricing model: Fixed price" in agreement["terms"] and "计价方式：" in agreement["terms"]
        assert "算力" in agreement["terms"] and "category compute" not in agreement["terms"]
        assert "Needed by: Jan 1, 2099" in agreement["terms"] and "需求日期：2099年1月1日" in agreement["terms"]
        unsigned = provider.post(f"/api/requests/{rid}/start")
        assert unsigned.status_code == 409 and unsigned.get_json()["error"]["code"] == "agreement_unsigned"
        for api, name in ((founder, "张伟"), (provider, "Li Na")):
            assert api.post(f"/api/requests/{rid}/agreement/sign", json={"full_name": name, "consent": True}
                            ).status_code == 200
        assert provider.post(f"/api/requests/{rid}/start").get_json()["state"] == "in_progress"
        signed = provider.get(f"/api/requests/{rid}/agreement").get_json()
        assert signed["provider_accepted_by"]["id"] == market.provider_user.id and signed["both_signed"] is True
        assert signed["startup_signer_name"] == "张伟" and signed["provider_signer_name"] == "Li Na"
        assert provider.post(f"/api/requests/{rid}/deliver", json={"note": "done"}).status_code == 200
        assert founder.post(f"/api/requests/{rid}/request-changes", json={"note": "more logs"}).status_code == 200
        assert provider.post(f"/api/requests/{rid}/deliver", json={}).status_code == 200
        done = founder.post(f"/api/requests/{rid}/complete")
        assert done.status_code == 200
        detail = founder.get(f"/api/requests/{rid}").get_json()
        assert detail["settlement"]["method"] == "cash" and detail["settlement"]["amount"] == 120.0
        assert detail["settlement"]["status"] == "pending"
        assert [e["action"] for e in detail["events"]] == ["submit", "quote", "accept", "payments_due", "sign",
                                                          "sign", "start", "deliver", "request_changes", "deliver",
                                                          "complete"]
        assert [(p["title"], p["amount"], p["state"]) for p in detail["payments"]] == [
            (market.listing.title, 120.0, "due")]  # no milestones: one payment of the total
        review = founder.post(f"/api/requests/{rid}/review", json={"rating": 4, "comment": "Good"})
        assert review.status_code == 201
        assert founder.post(f"/api/requests/{rid}/review", json={"rating": 5}).status_code == 409
        listing = founder.client.get(f"/api/listings/{market.listing.id}").get_json()
        assert listing["rating_count"] == 0  # blind until the provider has rated too (or 14 days)
        assert provider.post(f"/api/requests/{rid}/review", json={"rating": 5}).status_code == 201
        listing = founder.client.get(f"/api/listings/{market.listing.id}").get_json()
        assert listing["rating"] == 4.0 and listing["rating_count"] == 1
        # the provider marks the cash received (every payment still due); the startup confirms: paid
        assert provider.post(f"/api/requests/{rid}/settlement/paid").get_json()["status"] == "pending"
        payment = founder.get(f"/api/requests/{rid}/payments").get_json()[0]
        assert payment["state"] == "paid" and payment["marked_paid_by"]["id"] == market.provider_user.id
        wrong = provider.post(f"/api/payments/{payment['id']}/confirm")
        assert wrong.status_code == 403 and wrong.get_json()["error"]["code"] == "wrong_party"
        assert founder.post(f"/api/payments/{payment['id']}/confirm").get_json()["state"] == "confirmed"
        detail = founder.get(f"/api/requests/{rid}").get_json()
        assert detail["settlement"]["status"] == "paid" and detail["events"][-1]["action"] == "settlement_paid"

    def test_counter_and_requote(self, make_request, market, login):
        req = make_request("countered")
        provider = login(market.provider_user)
        body = provider.post(f"/api/requests/{req.id}/quote", json={"price": 22}).get_json()
        assert body["state"] == "quoted" and body["quoted_price"] == 22.0 and body["counter_price"] == 20.0

    def test_requesting_more_than_capacity_is_409(self, market, login):
        response = login(market.founder).post(f"/api/listings/{market.listing.id}/requests", json={"quantity": 101})
        assert response.status_code == 409 and response.get_json()["error"]["code"] == "insufficient_capacity"

    def test_requesting_a_sold_out_listing_is_409_sold_out(self, market, make_listing, login):
        listing = make_listing(provider=market.provider, capacity=0)
        response = login(market.founder).post(f"/api/listings/{listing.id}/requests", json={"quantity": 1})
        assert response.status_code == 409 and response.get_json()["error"]["code"] == "sold_out"

    def test_accept_without_capacity_is_409(self, make_request, market, login, db):
        first, second = make_request("quoted", quantity=60), make_request("quoted", quantity=60)
        founder = login(market.founder)
        assert founder.post(f"/api/requests/{first.id}/accept", json=_seen(founder, first.id)).status_code == 200
        response = founder.post(f"/api/requests/{second.id}/accept", json=_seen(founder, second.id))
        assert response.status_code == 409 and response.get_json()["error"]["code"] == "insufficient_capacity"
        assert founder.get(f"/api/requests/{second.id}").get_json()["state"] == "quoted"

    def test_accepting_a_replaced_quote_is_a_conflict_and_charges_nothing(self, market, make_listing, make_request,
                                                                          login, make_user):
        login(make_user("investor", is_admin=True)).post("/api/vouchers/grants",
                                                         json={"startup_id": market.startup.id, "amount": "500"})
        listing = make_listing(provider=market.provider, pricing_model="voucher", price=Decimal("10"), capacity=5)
        req = make_request("submitted", listing=listing)
        founder, provider = login(market.founder), login(market.provider_user)
        first = provider.post(f"/api/requests/{req.id}/quote", json={"price": "10"}).get_json()
        seen = founder.get(f"/api/requests/{req.id}").get_json()
        assert seen["quote_id"] == first["quote_id"] and seen["quoted_price"] == 10.0
        second = provider.post(f"/api/requests/{req.id}/quote", json={"price": "190"}).get_json()
        assert second["quote_id"] > first["quote_id"]
        stale = founder.post(f"/api/requests/{req.id}/accept", json={"quote_id": seen["quote_id"]})
        assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "quote_changed"
        assert stale.get_json()["error"]["details"] == {"quote_id": second["quote_id"]}
        after = founder.get(f"/api/requests/{req.id}").get_json()
        assert after["state"] == "quoted" and not after["capacity_reserved"]
        assert founder.get(f"/api/startups/{market.startup.id}/vouchers").get_json()["balance"] == 500.0
        assert founder.client.get(f"/api/listings/{listing.id}").get_json()["capacity"] == 5
        assert founder.get(f"/api/requests/{req.id}/agreement").status_code == 404
        assert [e["action"] for e in after["events"]] == ["submit", "quote", "quote"]
        accepted = founder.post(f"/api/requests/{req.id}/accept", json={"quote_id": second["quote_id"]})
        assert accepted.status_code == 200, accepted.get_json()
        assert founder.get(f"/api/startups/{market.startup.id}/vouchers").get_json()["balance"] == 310.0

    @pytest.mark.parametrize("body", [None, {}, {"quote_id": "x"}, {"quote_id": 0}, {"quote_id": 2**40}])
    def test_accept_needs_the_quote_id(self, make_request, market, login, body):
        req = make_request("quoted")
        response = login(market.founder).post(f"/api/requests/{req.id}/accept", json=body)
        assert response.status_code in (400, 422), response.get_json()
        assert login(market.founder).get(f"/api/requests/{req.id}").get_json()["state"] == "quoted"

    def test_cancelling_releases_capacity(self, make_request, market, login):
        req = make_request("in_progress", quantity=30)
        founder = login(market.founder)
        assert founder.client.get(f"/api/listings/{market.listing.id}").get_json()["capacity"] == 70
        assert founder.post(f"/api/requests/{req.id}/cancel", json={"note": "plans changed"}).status_code == 200
        assert founder.client.get(f"/api/listings/{market.listing.id}").get_json()["capacity"] == 100

    def test_equity_quote_needs_a_percentage(self, market, make_listing, make_request, login):
        listing = make_listing(provider=market.provider, pricing_model="equity", price=None)
        req = make_request("submitted", listing=listing)
        provider = login(market.provider_user)
        assert provider.post(f"/api/requests/{req.id}/quote", json={"price": 0}).status_code == 422
        body = provider.post(f"/api/requests/{req.id}/quote", json={"price": 0, "equity_percent": 1.5}).get_json()
        assert body["equity_percent"] == 1.5
        founder = login(market.founder)
        assert founder.post(f"/api/requests/{req.id}/accept", json=_seen(founder, req.id)).status_code == 200

    def test_only_founders_with_a_startup_request(self, market, login):
        response = login(market.outsider).post(f"/api/listings/{market.listing.id}/requests", json={"quantity": 1})
        assert response.status_code == 403 and response.get_json()["error"]["code"] == "no_startup"

    def test_lists_by_side_and_state(self, make_request, market, login):
        make_request("quoted")
        make_request("submitted")
        founder = login(market.founder)
        assert founder.get("/api/requests?side=startup").get_json()["total"] == 2
        assert founder.get("/api/requests?side=provider").get_json()["total"] == 0
        assert founder.get("/api/requests?state=quoted").get_json()["total"] == 1
        assert founder.get("/api/requests?state=nonsense").status_code == 422


class TestThread:
    def test_parties_talk_outsiders_cannot(self, make_request, market, login):
        req = make_request("quoted")
        founder, provider = login(market.founder), login(market.provider_user)
        assert founder.post(f"/api/requests/{req.id}/messages", json={"body": "Can you start Monday?"}
                            ).status_code == 201
        assert provider.post(f"/api/requests/{req.id}/messages", json={"body": "Yes"}).status_code == 201
        bodies = [m["body"] for m in provider.get(f"/api/requests/{req.id}/messages").get_json()]
        assert bodies == ["Can you start Monday?", "Yes"]
        outsider = login(market.outsider)
        assert outsider.get(f"/api/requests/{req.id}/messages").status_code == 404
        assert outsider.post(f"/api/requests/{req.id}/messages", json={"body": "hi"}).status_code == 404
        assert founder.post(f"/api/requests/{req.id}/messages", json={"body": ""}).status_code == 422

    def test_new_message_notifies_the_other_side(self, make_request, market, login):
        from app.extensions import db
        from app.notifications.models import Notification
        req = make_request("submitted")
        login(market.founder).post(f"/api/requests/{req.id}/messages", json={"body": "Hello"})
        kinds = db.session.scalars(db.select(Notification.kind).where(Notification.user_id == market.provider_user.id))
        assert "request_message" in list(kinds)

    def test_attachments(self, make_request, market, login):
        import io
        req = make_request("quoted")
        founder = login(market.founder)
        response = founder.post(f"/api/requests/{req.id}/attachments",
                                data={"body": "spec", "file": (io.BytesIO(b"%PDF-1.4 x"), "spec.pdf",
                                                               "application/pdf")},
                                content_type="multipart/form-data")
        assert response.status_code == 201, response.get_json()
        attachment = response.get_json()["attachments"][0]
        assert attachment["filename"] == "spec.pdf" and attachment["size"] == 10
        download = login(market.provider_user).get(attachment["url"])
        assert download.status_code == 200 and download.data == b"%PDF-1.4 x"
        assert login(market.outsider).get(attachment["url"]).status_code == 404
        bad = founder.post(f"/api/requests/{req.id}/attachments",
                           data={"file": (io.BytesIO(b"MZ"), "x.exe", "application/x-msdownload")},
                           content_type="multipart/form-data")
        assert bad.status_code == 422
        big = founder.post(f"/api/requests/{req.id}/attachments",
                           data={"file": (io.BytesIO(b"0" * (10 * 1024 * 1024 + 1)), "big.pdf", "application/pdf")},
                           content_type="multipart/form-data")
        assert big.status_code == 413

    @pytest.mark.parametrize("data", [{"file": "not a file"}, {"body": "no file"}, {"body": "x" * 10001, "file": None},
                                      {"file": None, "extra": "field"}])
    def test_malformed_attachment_upload_is_a_422(self, make_request, market, login, data):
        import io
        req = make_request("quoted")
        data = {k: (io.BytesIO(b"%PDF-1.4 x"), "spec.pdf", "application/pdf") if v is None else v
                for k, v in data.items()}
        response = login(market.founder).post(f"/api/requests/{req.id}/attachments", data=data,
                                              content_type="multipart/form-data")
        assert response.status_code == 422, response.get_json()
        assert response.get_json()["error"]["code"] == "validation_error"


class TestVouchers:
    def test_grant_spend_refund(self, market, make_listing, make_request, login, make_user):
        admin = login(make_user("investor", is_admin=True))
        assert admin.post("/api/vouchers/grants", json={"startup_id": market.startup.id, "amount": "30"}
                          ).status_code == 201
        listing = make_listing(provider=market.provider, pricing_model="voucher", price=Decimal("10"))
        req = make_request("quoted", listing=listing)  # quoted at 25.00
        founder = login(market.founder)
        assert founder.post(f"/api/requests/{req.id}/accept", json=_seen(founder, req.id)).status_code == 200
        account = founder.get(f"/api/startups/{market.startup.id}/vouchers").get_json()
        assert account["balance"] == 5.0 and [e["kind"] for e in account["entries"]] == ["hold", "grant"]
        assert account["available"] == 5.0 and account["held"] == 25.0 and account["entries"][0]["held_after"] == 25.0
        second = make_request("quoted", listing=listing)
        response = founder.post(f"/api/requests/{second.id}/accept", json=_seen(founder, second.id))
        assert response.status_code == 409 and response.get_json()["error"]["code"] == "insufficient_voucher_balance"
        assert founder.post(f"/api/requests/{req.id}/cancel", json={}).status_code == 200
        account = founder.get(f"/api/startups/{market.startup.id}/vouchers").get_json()
        assert (account["balance"], account["held"]) == (30.0, 0.0)  # the cancel released the hold
        assert [e["kind"] for e in account["entries"]] == ["release", "hold", "grant"]

    def test_voucher_settlement_is_paid(self, market, make_listing, make_request, login, make_user):
        login(make_user("investor", is_admin=True)).post("/api/vouchers/grants",
                                                          json={"startup_id": market.startup.id, "amount": 100})
        listing = make_listing(provider=market.provider, pricing_model="voucher", price=Decimal("10"))
        req = make_request("completed", listing=listing)
        assert req.settlement.method == "voucher" and req.settlement.status == "paid"
        account = login(market.founder).get(f"/api/startups/{market.startup.id}/vouchers").get_json()
        # held at acceptance, the hold turned into a spend on completion
        assert (account["available"], account["held"]) == (75.0, 0.0)
        assert [(e["kind"], e["amount"]) for e in account["entries"]] == [("spend", -25.0), ("hold", -25.0),
                                                                          ("grant", 100.0)]

    def test_only_admins_grant(self, market, login):
        response = login(market.founder).post("/api/vouchers/grants", json={"startup_id": market.startup.id,
                                                                             "amount": 10})
        assert response.status_code == 403

    def test_outsiders_cannot_see_the_ledger(self, market, login):
        assert login(market.outsider).get(f"/api/startups/{market.startup.id}/vouchers").status_code == 403


class TestHiddenProviders:
    @staticmethod
    def _ids(client) -> set[int]:
        return {item["id"] for item in client.get("/api/listings?per_page=100").get_json()["items"]}

    def test_a_provider_with_no_active_member_is_hidden_and_its_open_requests_flagged(
            self, db, client, market, make_request, login, make_user):
        open_request = make_request("quoted")
        admin = login(make_user("investor", is_admin=True))
        founder = login(market.founder)
        assert market.listing.id in self._ids(client)
        assert admin.get("/api/requests/flagged").get_json()["total"] == 0
        market.provider_user.is_active_account = False
        db.session.commit()
        assert market.listing.id not in self._ids(client)
        assert client.get(f"/api/listings/{market.listing.id}").status_code == 404
        refused = founder.post(f"/api/listings/{market.listing.id}/requests", json={"quantity": 1})
        assert refused.status_code == 404
        flagged = admin.get("/api/requests/flagged").get_json()
        assert [r["id"] for r in flagged["items"]] == [open_request.id] and flagged["total"] == 1
        assert founder.get("/api/requests/flagged").status_code == 403
        page = admin.client.get("/admin/requests/flagged").get_data(as_text=True)
        assert f"#{open_request.id}" in page and market.listing.title in page

    def test_the_verified_policy_hides_unverified_providers(self, app, db, client, market, monkeypatch):
        monkeypatch.setitem(app.config, "MARKETPLACE_PROVIDER_POLICY", "verified")
        assert market.listing.id not in self._ids(client)
        assert client.get(f"/api/listings/{market.listing.id}").status_code == 404
        market.provider.is_verified = True
        db.session.commit()
        assert market.listing.id in self._ids(client)
        assert client.get(f"/api/listings/{market.listing.id}").status_code == 200

    def test_members_still_see_their_hidden_listings(self, app, db, market, login, monkeypatch):
        monkeypatch.setitem(app.config, "MARKETPLACE_PROVIDER_POLICY", "verified")
        assert login(market.provider_user).get(f"/api/listings/{market.listing.id}").status_code == 200


def test_flagged_requests_say_why_the_provider_is_hidden(app, db, market, make_request, login, make_user,
                                                          monkeypatch):
    open_request = make_request("submitted")
    admin_user = make_user("investor", is_admin=True)
    admin = login(admin_user)
    monkeypatch.setitem(app.config, "MARKETPLACE_PROVIDER_POLICY", "verified")
    [item] = admin.get("/api/requests/flagged").get_json()["items"]
    assert item["id"] == open_request.id and item["flag_reason"] == "unverified"
    market.provider_user.is_active_account = False
    db.session.commit()
    assert admin.get("/api/requests/flagged").get_json()["items"][0]["flag_reason"] == "deactivated"
    admin_user.locale = "zh"
    db.session.commit()
    page = login(admin_user).get("/admin/requests/flagged").get_data(as_text=True)
    assert 'data-flag-reason="deactivated"' in page and "已无在职成员" in page
