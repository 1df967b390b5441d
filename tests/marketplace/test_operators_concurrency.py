"""Real concurrent HTTP reports and moderator moves against served processes (SQLite, or PostgreSQL with
TEST_DATABASE_URL): duplicates answer 409 with a code, never 500, and the audit trail records each once."""
import pytest
import requests

from tests.conftest import PASSWORD
from tests.marketplace.test_concurrency import TIMEOUT, _at_once, _codes, _register, _setup, _token_session
from tests.served import serve

pytestmark = pytest.mark.served


def test_duplicate_reports_and_hides_answer_409_once():
    with serve(processes=2) as served:
        base = served.url
        _founder, listing, _ids = _setup(base, pricing_model="fixed", capacity=5, requests_count=0, price=10)
        reporter = _register(base, "reader@example.com", "investor")
        reporter_headers = _token_session(base, reporter)
        report = {"item_kind": "listing", "item_id": listing["id"], "reason": "misleading", "details": "夸大的参数"}
        reports = _at_once(served.servers, 10, "POST", "/api/reports", reporter_headers, report)
        assert _codes(reports) == [201] + [409] * 9, [(r.status_code, r.text[:200]) for r in reports]
        assert {r.json()["error"]["code"] for r in reports if r.status_code == 409} == {"already_reported"}

        served.flask("create-admin", "admin@example.com", "--password", PASSWORD)
        admin = requests.Session()
        logged_in = admin.post(f"{base}/api/auth/login", json={"email": "admin@example.com", "password": PASSWORD},
                               timeout=TIMEOUT)
        admin.headers["X-CSRFToken"] = logged_in.json()["csrf_token"]
        admin_headers = _token_session(base, admin)
        hides = _at_once(served.servers, 10, "POST", f"/api/admin/moderation/listing/{listing['id']}/hide",
                         admin_headers, {"note": "核实后隐藏"})
        assert _codes(hides) == [200] + [409] * 9, [(r.status_code, r.text[:200]) for r in hides]
        assert {r.json()["error"]["code"] for r in hides if r.status_code == 409} == {"already_hidden"}
        assert [r.json()["reports_closed"] for r in hides if r.status_code == 200] == [1]

        def trail(kind):
            return requests.get(f"{base}/api/admin/audit", params={"kind": kind}, headers=admin_headers,
                                timeout=TIMEOUT).json()
        assert trail("report")["total"] == 1 and trail("report")["items"][0]["detail"] == "misleading: 夸大的参数"
        assert [(e["action"], e["detail"]) for e in trail("moderation")["items"]] == [("hide", "核实后隐藏")]
        assert requests.get(f"{base}/api/listings/{listing['id']}", timeout=TIMEOUT).status_code == 404
