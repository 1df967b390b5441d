"""Real concurrent HTTP accepts against served processes (SQLite, or PostgreSQL with TEST_DATABASE_URL):
capacity never goes below zero and the voucher balance never goes negative."""
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
import requests

from tests.conftest import PASSWORD
from tests.served import serve

pytestmark = pytest.mark.served
TIMEOUT = 30


def _register(base: str, email: str, role: str) -> requests.Session:
    session = requests.Session()
    response = session.post(f"{base}/api/auth/register", timeout=TIMEOUT,
                            json={"email": email, "password": PASSWORD, "name": email.split("@")[0], "role": role})
    assert response.status_code == 201, response.text
    session.headers["X-CSRFToken"] = response.json()["csrf_token"]
    return session


def _token_session(base: str, session: requests.Session) -> dict:
    token = session.post(f"{base}/api/tokens", json={"name": "race"}, timeout=TIMEOUT).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def _setup(base: str, *, pricing_model: str, capacity: int, requests_count: int, price: float):
    provider = _register(base, "provider@example.com", "provider")
    founder = _register(base, "founder@example.com", "founder")
    org = provider.post(f"{base}/api/providers", json={"name": "GPU Hub", "city": "Beijing"}, timeout=TIMEOUT).json()
    founder.post(f"{base}/api/startups", timeout=TIMEOUT, json={
        "name": "Chipco", "sector": "ai_chips", "stage": "seed", "summary": "Chips", "needs": "GPU", "tags": []})
    listing = provider.post(f"{base}/api/listings", timeout=TIMEOUT, json={
        "provider_id": org["id"], "title": "A100 hours", "category": "compute", "unit": "GPU-hour",
        "pricing_model": pricing_model, "price": price, "capacity": capacity, "status": "published",
        "category_fields": {"accelerator_model": "A100"}})
    assert listing.status_code == 201, listing.text
    listing = listing.json()
    ids = []
    for _ in range(requests_count):
        made = founder.post(f"{base}/api/listings/{listing['id']}/requests", json={"quantity": 1}, timeout=TIMEOUT)
        assert made.status_code == 201, made.text
        rid = made.json()["id"]
        quoted = provider.post(f"{base}/api/requests/{rid}/quote", json={"price": price}, timeout=TIMEOUT)
        assert quoted.status_code == 200, quoted.text
        ids.append((rid, quoted.json()["quote_id"]))
    return founder, listing, ids


def _accept_all_at_once(servers, headers: dict, ids: list[tuple[int, int]]) -> list[requests.Response]:
    """Accept each (request id, quote id) at the same instant, spread over the served processes."""
    barrier = Barrier(len(ids))

    def accept(i_rid):
        i, (rid, quote_id) = i_rid
        base = servers[i % len(servers)].url
        barrier.wait()
        return requests.post(f"{base}/api/requests/{rid}/accept", headers=headers, json={"quote_id": quote_id},
                             timeout=TIMEOUT)

    with ThreadPoolExecutor(max_workers=len(ids)) as pool:
        return list(pool.map(accept, enumerate(ids)))


def test_concurrent_accepts_never_overbook_capacity():
    with serve(processes=2) as served:
        base = served.url
        founder, listing, ids = _setup(base, pricing_model="fixed", capacity=5, requests_count=16, price=10)
        headers = _token_session(base, founder)
        responses = _accept_all_at_once(served.servers, headers, ids)
        codes = sorted(r.status_code for r in responses)
        unexpected = [(r.status_code, r.text[:300]) for r in responses if r.status_code != 409]
        assert codes.count(200) == 5 and codes.count(409) == 11, unexpected + [served.logs()[-3000:]]
        assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} <= {"insufficient_capacity",
                                                                                          "state_changed"}
        assert requests.get(f"{base}/api/listings/{listing['id']}", timeout=TIMEOUT).json()["capacity"] == 0
        # cancelling an accepted request gives its unit back
        accepted = next(rid for (rid, _), r in zip(ids, responses, strict=True) if r.status_code == 200)
        assert requests.post(f"{base}/api/requests/{accepted}/cancel", headers=headers, json={},
                             timeout=TIMEOUT).status_code == 200
        assert requests.get(f"{base}/api/listings/{listing['id']}", timeout=TIMEOUT).json()["capacity"] == 1


def test_concurrent_voucher_spends_never_go_negative():
    with serve(processes=2) as served:
        base = served.url
        founder, listing, ids = _setup(base, pricing_model="voucher", capacity=100, requests_count=12, price=10)
        served.flask("create-admin", "admin@example.com", "--password", PASSWORD)
        admin = requests.Session()
        login = admin.post(f"{base}/api/auth/login", json={"email": "admin@example.com", "password": PASSWORD},
                           timeout=TIMEOUT)
        admin.headers["X-CSRFToken"] = login.json()["csrf_token"]
        startup_id = founder.get(f"{base}/api/me", timeout=TIMEOUT).json()["organisations"][0]["id"]
        granted = admin.post(f"{base}/api/vouchers/grants", json={"startup_id": startup_id, "amount": 45},
                             timeout=TIMEOUT)
        assert granted.status_code == 201, granted.text
        headers = _token_session(base, founder)
        responses = _accept_all_at_once(served.servers, headers, ids)
        codes = [r.status_code for r in responses]
        assert codes.count(200) == 4 and codes.count(409) == 8, [(r.status_code, r.text[:200]) for r in responses]
        account = requests.get(f"{base}/api/startups/{startup_id}/vouchers", headers=headers, timeout=TIMEOUT).json()
        assert account["balance"] == 5.0
        assert min(e["balance_after"] for e in account["entries"]) >= 0
        # capacity was not kept by the refused accepts
        assert requests.get(f"{base}/api/listings/{listing['id']}", timeout=TIMEOUT).json()["capacity"] == 96


def _at_once(servers, n: int, method: str, path: str, headers: dict, body: dict | None = None):
    """`n` identical requests released together, spread over the served processes."""
    barrier = Barrier(n)

    def send(i):
        base = servers[i % len(servers)].url
        barrier.wait()
        return requests.request(method, f"{base}{path}", headers=headers, json=body, timeout=TIMEOUT)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(send, range(n)))


def _codes(responses) -> list[int]:
    return sorted(r.status_code for r in responses)


def test_duplicate_accepts_reviews_and_payment_marks_answer_409_once():
    """Ten identical accepts, then ten reviews, then ten "paid" marks of one request, each at the same instant:
    one succeeds, nine are 409 with a code, none is a 500, and the timeline records each move once."""
    with serve(processes=2) as served:
        base = served.url
        founder, _listing, ids = _setup(base, pricing_model="fixed", capacity=5, requests_count=1, price=10)
        (rid, quote_id), = ids
        founder_headers = _token_session(base, founder)
        provider = requests.Session()
        logged_in = provider.post(f"{base}/api/auth/login", timeout=TIMEOUT,
                                  json={"email": "provider@example.com", "password": PASSWORD})
        provider.headers["X-CSRFToken"] = logged_in.json()["csrf_token"]
        provider_headers = _token_session(base, provider)

        accepts = _at_once(served.servers, 10, "POST", f"/api/requests/{rid}/accept", founder_headers,
                           {"quote_id": quote_id})
        assert _codes(accepts) == [200] + [409] * 9, [(r.status_code, r.text[:200]) for r in accepts]
        assert {r.json()["error"]["code"] for r in accepts if r.status_code == 409} <= {"state_changed",
                                                                                        "invalid_transition"}
        for headers in (founder_headers, provider_headers):
            assert requests.post(f"{base}/api/requests/{rid}/agreement/sign", headers=headers, timeout=TIMEOUT,
                                 json={"full_name": "签字人 Signer", "consent": True}).status_code == 200
        for move in ("start", "deliver"):
            assert requests.post(f"{base}/api/requests/{rid}/{move}", headers=provider_headers, json={},
                                 timeout=TIMEOUT).status_code == 200
        assert requests.post(f"{base}/api/requests/{rid}/complete", headers=founder_headers, json={},
                             timeout=TIMEOUT).status_code == 200

        reviews = _at_once(served.servers, 10, "POST", f"/api/requests/{rid}/review", founder_headers,
                           {"rating": 5, "comment": "准时交付"})
        assert _codes(reviews) == [201] + [409] * 9, [(r.status_code, r.text[:200]) for r in reviews]
        assert {r.json()["error"]["code"] for r in reviews if r.status_code == 409} == {"already_reviewed"}

        marks = _at_once(served.servers, 10, "POST", f"/api/requests/{rid}/settlement/paid", provider_headers)
        assert _codes(marks) == [200] + [409] * 9, [(r.status_code, r.text[:200]) for r in marks]
        assert {r.json()["error"]["code"] for r in marks if r.status_code == 409} == {"no_pending_settlement"}

        detail = requests.get(f"{base}/api/requests/{rid}", headers=founder_headers, timeout=TIMEOUT).json()
        actions = [e["action"] for e in detail["events"]]
        assert actions == ["submit", "quote", "accept", "payments_due", "sign", "sign", "start", "deliver", "complete",
                           "review", "payment_marked_paid"]
        assert [p["state"] for p in detail["payments"]] == ["paid"]
        assert detail["settlement"]["status"] == "pending"  # until the startup confirms
        listing = requests.get(f"{base}/api/listings/{detail['listing_id']}", timeout=TIMEOUT).json()
        assert listing["rating_count"] == 0 and listing["capacity"] == 4  # the review is blind until both rate


def test_duplicate_payment_marks_confirmations_disputes_and_resolutions_answer_409_once():
    """A cash-plus-equity deal over two milestones: ten identical "received" marks of one milestone payment, ten
    confirmations, ten disputes and ten admin resolutions, each batch at the same instant: one succeeds, nine are
    409 with their code, none is a 500, and the timeline records each step once."""
    with serve(processes=2) as served:
        base = served.url
        provider = _register(base, "provider@example.com", "provider")
        founder = _register(base, "founder@example.com", "founder")
        served.flask("create-admin", "admin@example.com", "--password", PASSWORD)
        admin = requests.Session()
        login = admin.post(f"{base}/api/auth/login", json={"email": "admin@example.com", "password": PASSWORD},
                           timeout=TIMEOUT)
        org = provider.post(f"{base}/api/providers", json={"name": "智算中心", "city": "北京"}, timeout=TIMEOUT).json()
        founder.post(f"{base}/api/startups", timeout=TIMEOUT, json={
            "name": "芯片公司", "sector": "ai_chips", "stage": "seed", "summary": "芯片", "needs": "算力", "tags": []})
        listing = provider.post(f"{base}/api/listings", timeout=TIMEOUT, json={
            "provider_id": org["id"], "title": "算力换股权", "category": "compute", "unit": "GPU-hour",
            "pricing_model": "equity", "capacity": 5, "status": "published",
            "category_fields": {"accelerator_model": "A100"}}).json()
        rid = founder.post(f"{base}/api/listings/{listing['id']}/requests", json={"quantity": 1},
                           timeout=TIMEOUT).json()["id"]
        quoted = provider.post(f"{base}/api/requests/{rid}/quote", timeout=TIMEOUT, json={
            "lines": [{"description": "GPU 集群", "quantity": 10, "unit_price": 100}], "payment_terms": "cash_equity",
            "equity_percent": 1, "share_class": "普通股",
            "milestones": [{"title": "集群交付"}, {"title": "调优报告"}]})
        assert quoted.status_code == 200, quoted.text
        founder_headers, provider_headers = _token_session(base, founder), _token_session(base, provider)
        admin.headers["X-CSRFToken"] = login.json()["csrf_token"]
        admin_headers = _token_session(base, admin)
        assert requests.post(f"{base}/api/requests/{rid}/accept", headers=founder_headers, timeout=TIMEOUT,
                             json={"quote_id": quoted.json()["quote_id"]}).status_code == 200
        payments = requests.get(f"{base}/api/requests/{rid}/payments", headers=founder_headers,
                                timeout=TIMEOUT).json()
        assert [p["amount"] for p in payments] == [500.0, 500.0]
        pid = payments[0]["id"]

        marks = _at_once(served.servers, 10, "POST", f"/api/payments/{pid}/paid", provider_headers)
        assert _codes(marks) == [200] + [409] * 9, [(r.status_code, r.text[:200]) for r in marks]
        assert {r.json()["error"]["code"] for r in marks if r.status_code == 409} == {"payment_not_due"}
        confirms = _at_once(served.servers, 10, "POST", f"/api/payments/{pid}/confirm", founder_headers)
        assert _codes(confirms) == [200] + [409] * 9, [(r.status_code, r.text[:200]) for r in confirms]
        assert {r.json()["error"]["code"] for r in confirms if r.status_code == 409} == {"payment_not_marked"}

        for headers in (founder_headers, provider_headers):
            assert requests.post(f"{base}/api/requests/{rid}/agreement/sign", headers=headers, timeout=TIMEOUT,
                                 json={"full_name": "签字人", "consent": True}).status_code == 200
        for move in ("start", "deliver"):
            assert requests.post(f"{base}/api/requests/{rid}/{move}", headers=provider_headers, json={},
                                 timeout=TIMEOUT).status_code == 200
        disputes = _at_once(served.servers, 10, "POST", f"/api/requests/{rid}/dispute", founder_headers,
                            {"reason": "调优报告缺少基准测试"})
        assert _codes(disputes) == [201] + [409] * 9, [(r.status_code, r.text[:200]) for r in disputes]
        assert {r.json()["error"]["code"] for r in disputes if r.status_code == 409} == {"dispute_exists"}
        dispute_id = next(r.json()["id"] for r in disputes if r.status_code == 201)
        resolutions = _at_once(served.servers, 10, "POST", f"/api/disputes/{dispute_id}/resolve", admin_headers,
                               {"outcome": "partial", "amount": 200, "note": "部分退款"})
        assert _codes(resolutions) == [200] + [409] * 9, [(r.status_code, r.text[:200]) for r in resolutions]
        assert {r.json()["error"]["code"] for r in resolutions if r.status_code == 409} == {"dispute_resolved"}

        detail = requests.get(f"{base}/api/requests/{rid}", headers=founder_headers, timeout=TIMEOUT).json()
        actions = [e["action"] for e in detail["events"]]
        for action in ("payment_marked_paid", "payment_confirmed", "dispute_raised", "dispute_resolved",
                       "equity_recorded"):
            assert actions.count(action) == 1, (action, actions)
        assert detail["state"] == "completed" and detail["settlement"]["refunded_amount"] == 200.0
        assert [p["state"] for p in detail["payments"]] == ["confirmed", "due"]
