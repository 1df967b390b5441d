"""Races on the organisers' decisions, served for real (SQLite file or PostgreSQL): two organisers answering
the same application at the same instant, one person asking to join from many tabs at once, and founders
applying together."""
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.conftest import PASSWORD
from tests.served import serve

pytestmark = pytest.mark.served
START, END = "2030-05-01T09:00:00+08:00", "2030-05-01T12:00:00+08:00"


def _session(base: str, email: str, *, register: bool = True, role: str = "investor") -> requests.Session:
    session = requests.Session()
    if register:
        response = session.post(f"{base}/api/auth/register", timeout=10,
                                json={"email": email, "password": PASSWORD, "name": email.split("@")[0], "role": role})
    else:
        response = session.post(f"{base}/api/auth/login", json={"email": email, "password": PASSWORD}, timeout=10)
    assert response.status_code in (200, 201), response.text
    session.headers["X-CSRFToken"] = response.json()["csrf_token"]
    return session


def _together(calls):
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return [f.result() for f in [pool.submit(call) for call in calls]]


@pytest.fixture(scope="module")
def site():
    with serve() as served:
        result = served.flask("create-admin", "ops@example.com", "--password", PASSWORD)
        assert result.returncode == 0, result.stderr
        yield served


def _roadshow(base: str, admin: requests.Session, visibility: str = "public") -> int:
    response = admin.post(f"{base}/api/roadshows", json={"title": "并发路演", "starts_at": START, "ends_at": END,
                                                         "visibility": visibility}, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _founder_with_startup(base: str, email: str) -> tuple[requests.Session, int]:
    founder = _session(base, email, role="founder")
    startup = founder.post(f"{base}/api/startups", json={"name": f"初创 {email}", "sector": "robotics",
                                                         "stage": "seed", "summary": "机器人", "needs": "", "tags": []},
                           timeout=10)
    assert startup.status_code == 201, startup.text
    return founder, startup.json()["id"]


def test_two_organisers_answer_one_application_at_once(site):
    base = site.url
    admin = _session(base, "ops@example.com", register=False)
    second = _session(base, "ops@example.com", register=False)
    roadshow = _roadshow(base, admin)
    founder, startup = _founder_with_startup(base, "race.founder@example.com")
    pitch = founder.post(f"{base}/api/roadshows/{roadshow}/pitches", json={"startup_id": startup, "title": "抢答"},
                         timeout=10).json()
    url = f"{base}/api/pitches/{pitch['id']}/decision"
    results = _together([lambda: admin.post(url, json={"approve": True}, timeout=30),
                         lambda: second.post(url, json={"approve": False}, timeout=30)])
    assert sorted(r.status_code for r in results) == [200, 409]
    winner = next(r for r in results if r.status_code == 200).json()["status"]
    agenda = admin.get(f"{base}/api/roadshows/{roadshow}", timeout=10).json()["pitches"]
    assert [p["id"] for p in agenda] == ([pitch["id"]] if winner == "approved" else [])


def test_asking_to_join_from_many_tabs_makes_one_request(site):
    base = site.url
    admin = _session(base, "ops@example.com", register=False)
    roadshow = _roadshow(base, admin, "invite_only")
    investor = _session(base, "tabs@example.com")
    results = _together([lambda: investor.post(f"{base}/api/roadshows/{roadshow}/register", timeout=30)
                         for _ in range(6)])
    assert [r.status_code for r in results] == [200] * 6
    assert {r.json()["status"] for r in results} == {"pending"}
    rows = admin.get(f"{base}/api/roadshows/{roadshow}/admission", timeout=10).json()["registrations"]
    assert len(rows) == 1


def test_approvals_at_once_give_distinct_places_on_the_agenda(site):
    base = site.url
    admin = _session(base, "ops@example.com", register=False)
    roadshow = _roadshow(base, admin)
    pitches = []
    for n in range(4):
        founder, startup = _founder_with_startup(base, f"queue{n}@example.com")
        pitches.append(founder.post(f"{base}/api/roadshows/{roadshow}/pitches",
                                    json={"startup_id": startup, "title": f"第{n}个"}, timeout=10).json()["id"])
    results = _together([lambda p=p: admin.post(f"{base}/api/pitches/{p}/decision", json={"approve": True},
                                                timeout=30) for p in pitches])
    assert [r.status_code for r in results] == [200] * 4
    agenda = admin.get(f"{base}/api/roadshows/{roadshow}", timeout=10).json()["pitches"]
    assert sorted(p["position"] for p in agenda) == [1, 2, 3, 4]
