"""No double booking, ever: real concurrent HTTP requests against the served app (two server processes on one
database: SQLite, or PostgreSQL when TEST_DATABASE_URL is set), on every path that occupies time."""
import threading
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
import requests

from tests.conftest import PASSWORD
from tests.served import serve

pytestmark = pytest.mark.served
UTC = timezone.utc


class Client:
    """A signed-in requests session that sends the CSRF header on writes."""

    def __init__(self, base: str, role: str):
        self.base = base
        self.http = requests.Session()
        response = self.http.post(base + "/api/auth/register", json={
            "email": f"{role}-{uuid.uuid4().hex[:10]}@example.test", "password": PASSWORD, "name": role.title(),
            "role": role, "timezone": "UTC"})
        assert response.status_code == 201, response.text
        self.id = response.json()["user"]["id"]
        self.http.headers["X-CSRFToken"] = response.json()["csrf_token"]

    def post(self, path, json=None):
        return self.http.post(self.base + path, json=json if json is not None else {}, timeout=60)

    def get(self, path, **kw):
        return self.http.get(self.base + path, timeout=60, **kw)


@pytest.fixture(scope="module")
def served():
    with serve(processes=2) as app:
        yield app


@pytest.fixture(scope="module")
def mentor(served):
    client = Client(served.url, "mentor")
    assert client.http.put(served.url + "/api/mentors/me", json={"timezone": "UTC"}).status_code == 200
    for weekday in range(7):
        response = client.post("/api/mentors/me/availability",
                               json={"weekday": weekday, "start_time": "00:00", "end_time": "24:00"})
        assert response.status_code == 201, response.text
    return client


@pytest.fixture(scope="module")
def founders(served):
    urls = [s.url for s in served.servers]
    return [Client(urls[i % len(urls)], "founder") for i in range(20)]


def session_type(mentor, **fields):
    body = {"name": "Session", "duration_minutes": 60, "capacity": 1, "min_notice_minutes": 0,
            "max_days_ahead": 90, "buffer_minutes": 0, "requires_approval": False, **fields}
    response = mentor.post("/api/mentors/me/session-types", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


_day_counter = iter(range(2, 80))


def fresh_day() -> datetime:
    """A new day for each test, so tests in the module never share slots."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=next(_day_counter))


def at_once(calls):
    """Run the calls in threads released together; return their responses in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def outcome(responses):
    return Counter((r.status_code, r.json()["error"]["code"] if r.status_code >= 400 else None) for r in responses)


def book(client, type_id, starts_at):
    return lambda: client.post("/api/bookings", {"session_type_id": type_id, "starts_at": starts_at.isoformat()})


def test_twenty_founders_one_slot_exactly_one_wins(mentor, founders):
    type_id = session_type(mentor)
    starts_at = fresh_day().replace(hour=10)
    result = outcome(at_once([book(f, type_id, starts_at) for f in founders]))
    assert result == {(201, None): 1, (409, "slot_taken"): 19}, result


def test_group_slot_never_past_capacity(mentor, founders):
    type_id = session_type(mentor, name="Open day", capacity=3)
    starts_at = fresh_day().replace(hour=10)
    result = outcome(at_once([book(f, type_id, starts_at) for f in founders]))
    assert result == {(201, None): 3, (409, "slot_taken"): 17}, result


def test_overlapping_sessions_of_different_lengths_conflict(mentor, founders):
    short = session_type(mentor, name="Short", duration_minutes=30)
    long = session_type(mentor, name="Long", duration_minutes=90)
    day = fresh_day()
    calls = [book(f, short, day.replace(hour=10)) if i % 2 else book(f, long, day.replace(hour=9))  # 9:00–10:30
             for i, f in enumerate(founders)]
    result = outcome(at_once(calls))
    assert result == {(201, None): 1, (409, "slot_taken"): 19}, result


def test_concurrent_reschedules_into_one_slot(mentor, founders):
    type_id = session_type(mentor)
    day = fresh_day()
    movers = founders[:8]
    ids = []
    for hour, founder in enumerate(movers):
        response = book(founder, type_id, day.replace(hour=hour))()
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    target = day.replace(hour=20)
    calls = [lambda f=f, i=i: f.post(f"/api/bookings/{i}/reschedule", {"starts_at": target.isoformat()})
             for f, i in zip(movers, ids, strict=True)]
    result = outcome(at_once(calls))
    assert result == {(200, None): 1, (409, "slot_taken"): 7}, result
    starts = Counter(datetime.fromisoformat(f.get(f"/api/bookings/{i}").json()["starts_at"]) for f, i in
                     zip(movers, ids, strict=True))
    assert starts[target] == 1 and all(n == 1 for n in starts.values())


def test_approval_requests_hold_the_slot_and_confirm_happens_once(mentor, founders):
    type_id = session_type(mentor, name="Review", requires_approval=True)
    starts_at = fresh_day().replace(hour=9)
    responses = at_once([book(f, type_id, starts_at) for f in founders])
    assert outcome(responses) == {(201, None): 1, (409, "slot_taken"): 19}
    booking_id = next(r.json()["id"] for r in responses if r.status_code == 201)
    confirms = at_once([lambda: mentor.post(f"/api/bookings/{booking_id}/confirm") for _ in range(10)])
    assert outcome(confirms) == {(200, None): 1, (409, "invalid_state"): 9}


def _mentor(served):
    client = Client(served.url, "mentor")
    assert client.http.put(served.url + "/api/mentors/me", json={"timezone": "UTC"}).status_code == 200
    for weekday in range(7):
        assert client.post("/api/mentors/me/availability",
                           json={"weekday": weekday, "start_time": "00:00", "end_time": "24:00"}).status_code == 201
    return client


def test_one_founder_booking_several_mentors_at_once_gets_one(served, founders):
    """One person, one calendar: the same founder asks four mentors for overlapping times at the same instant
    (through both server processes); one booking stands, the others are 409 calendar_conflict."""
    mentors = [_mentor(served) for _ in range(4)]
    types = [session_type(m, duration_minutes=60 if i % 2 else 30) for i, m in enumerate(mentors)]
    founder = founders[-1]
    other = Client(served.servers[-1].url, "founder")
    other.http.cookies.update(founder.http.cookies)  # the same person, through the other process
    other.http.headers["X-CSRFToken"] = founder.http.headers["X-CSRFToken"]
    for _round in range(3):
        day = fresh_day()
        calls = [book(founder if i % 2 else other, type_id, day.replace(hour=10))
                 for i, type_id in enumerate(types)]
        result = outcome(at_once(calls))
        assert result == {(201, None): 1, (409, "calendar_conflict"): 3}, result


def test_founders_taking_the_last_open_day_seat_at_once_one_gets_it_the_rest_wait(served, mentor, founders):
    admin = Client(served.url, "investor")
    _make_admin(served, admin.id)
    day = fresh_day()
    response = admin.post("/api/open-days", {
        "title": "金牌导师开放日 · Gold open day", "starts_at": day.replace(hour=9).isoformat(),
        "ends_at": day.replace(hour=11).isoformat(), "seats": 2, "mentor_ids": [mentor.id]})
    assert response.status_code == 201, response.text
    open_day = response.json()["id"]
    first, rest = founders[0], founders[1:]
    assert first.post(f"/api/open-days/{open_day}/places").json()["status"] == "seated"
    responses = at_once([lambda f=f: f.post(f"/api/open-days/{open_day}/places") for f in rest])
    assert {r.status_code for r in responses} == {201}, [r.text for r in responses if r.status_code != 201]
    places = [r.json() for r in responses]
    seated = [p for p in places if p["status"] == "seated"]
    assert len(seated) == 1 and seated[0]["seat_no"] == 2
    assert sorted(p["position"] for p in places if p["status"] == "waitlisted") == list(range(1, len(rest)))
    # the founder who got the last seat leaves it: the first in line gets it
    winner = rest[[p["status"] for p in places].index("seated")]
    first_in_line = rest[[p["position"] for p in places].index(1)]
    assert winner.http.delete(f"{winner.base}/api/open-days/{open_day}/places/me").status_code == 204
    mine = first_in_line.get(f"/api/open-days/{open_day}").json()
    assert (mine["my_status"], mine["seats_left"], mine["waitlist_count"]) == ("seated", 0, len(rest) - 2)


def _make_admin(served, user_id: int) -> None:
    """Admin is a flag only `flask create-admin` sets; setting it in the served database directly is quicker."""
    from sqlalchemy import create_engine, text

    from config import database_url
    engine = create_engine(database_url(served.database_url, ""))
    with engine.begin() as conn:
        conn.execute(text("UPDATE users SET is_admin = :yes WHERE id = :id"), {"yes": True, "id": user_id})
    engine.dispose()
