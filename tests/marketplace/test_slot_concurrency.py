"""Real concurrent HTTP accepts of requests that picked the same calendar slot, against two served processes
(SQLite, or PostgreSQL with TEST_DATABASE_URL): one wins, the others get 409 `slot_taken`, the slot is taken once
and only the winner's timeline records an acceptance."""
from datetime import datetime, timedelta, timezone

import pytest
import requests

from tests.marketplace.test_concurrency import TIMEOUT, _accept_all_at_once, _register, _token_session
from tests.served import serve

pytestmark = pytest.mark.served


def test_concurrent_accepts_of_one_slot_book_it_once():
    with serve(processes=2) as served:
        base = served.url
        provider = _register(base, "lab@example.com", "provider")
        org = provider.post(f"{base}/api/providers", json={"name": "洁净室平台", "city": "Suzhou"},
                            timeout=TIMEOUT).json()
        listing = provider.post(f"{base}/api/listings", timeout=TIMEOUT, json={
            "provider_id": org["id"], "title": "光刻机时 Lithography time", "category": "pilot_testing",
            "unit": "4-hour slot", "pricing_model": "fixed", "price": 3000, "booking_mode": "calendar",
            "status": "published", "category_fields": {"process": "i-line lithography"}}).json()
        start = (datetime.now(timezone.utc) + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
        made = provider.post(f"{base}/api/listings/{listing['id']}/slots", timeout=TIMEOUT, json={"slots": [
            {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=4)).isoformat()},
            {"starts_at": (start + timedelta(hours=4)).isoformat(),
             "ends_at": (start + timedelta(hours=8)).isoformat()}]})
        assert made.status_code == 201, made.text
        slot_id = made.json()[0]["id"]

        founder = _register(base, "fab@example.com", "founder")
        founder.post(f"{base}/api/startups", timeout=TIMEOUT, json={
            "name": "芯片初创", "sector": "ai_chips", "stage": "seed", "summary": "Chips", "needs": "Litho",
            "tags": []})
        ids = []
        for _ in range(8):
            rid = founder.post(f"{base}/api/listings/{listing['id']}/requests", json={"slot_id": slot_id},
                               timeout=TIMEOUT)
            assert rid.status_code == 201, rid.text
            rid = rid.json()["id"]
            quoted = provider.post(f"{base}/api/requests/{rid}/quote", json={"price": 3000}, timeout=TIMEOUT)
            assert quoted.status_code == 200, quoted.text
            ids.append((rid, quoted.json()["quote_id"]))

        headers = _token_session(base, founder)
        responses = _accept_all_at_once(served.servers, headers, ids)
        codes = sorted(r.status_code for r in responses)
        assert codes == [200] + [409] * 7, [(r.status_code, r.text[:300]) for r in responses] + [served.logs()[-3000:]]
        assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {"slot_taken"}

        winner = next(rid for (rid, _q), r in zip(ids, responses, strict=True) if r.status_code == 200)
        free = requests.get(f"{base}/api/listings/{listing['id']}/slots", timeout=TIMEOUT).json()
        assert [s["id"] for s in free] == [made.json()[1]["id"]]
        accepted_events = 0
        for rid, _quote in ids:
            detail = founder.get(f"{base}/api/requests/{rid}", timeout=TIMEOUT).json()
            assert detail["state"] == ("accepted" if rid == winner else "quoted")
            accepted_events += sum(1 for e in detail["events"] if e["action"] == "accept")
        assert accepted_events == 1
        assert requests.get(f"{base}/api/listings/{listing['id']}", timeout=TIMEOUT).json()["available"] == 1
