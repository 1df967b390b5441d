"""Hostile input gets a clear 4xx, never a 500, on SQLite and PostgreSQL alike."""
import json
import re

import pytest
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.core.api import MAX_ID
from app.extensions import db as _db
from tests.conftest import PASSWORD

NUL, SURROGATE = "a\x00b", "a\ud800b"
BAD_TEXTS = [pytest.param(NUL, id="nul"), pytest.param(SURROGATE, id="lone-surrogate")]


def post_raw(client, path: str, body, headers=None):
    """POST a body as JSON text (json.dumps keeps a lone surrogate as its \\ud800 escape)."""
    return client.post(path, data=json.dumps(body), content_type="application/json", headers=headers or {})


def assert_422(response, field: str | None = None):
    assert response.status_code == 422, response.get_data(as_text=True)
    body = response.get_json()
    assert body["error"]["code"] == "validation_error"
    if field:
        assert field in body["error"]["details"]


@pytest.mark.parametrize("text", BAD_TEXTS)
@pytest.mark.parametrize("field", ["email", "name", "password"])
def test_register_refuses_hostile_text(client, text, field):
    body = {"email": "new@example.test", "password": PASSWORD, "name": "New", "role": "founder", field: text}
    assert_422(post_raw(client, "/api/auth/register", body), field)


@pytest.mark.parametrize("text", BAD_TEXTS)
def test_login_refuses_hostile_email(client, text):
    assert_422(post_raw(client, "/api/auth/login", {"email": text, "password": PASSWORD}), "email")


@pytest.mark.parametrize("path", ["/api/startups?q=%00", "/api/mentors?q=%00", "/api/providers?q=a%00b"])
def test_search_refuses_nul_without_signing_in(client, path):
    assert_422(client.get(path), "q")


def test_html_search_refuses_nul(client):
    response = client.get("/showcase?q=%00")
    assert response.status_code == 422
    assert "<html" in response.get_data(as_text=True)


@pytest.mark.parametrize("text", BAD_TEXTS)
def test_profile_name_refuses_hostile_text(make_user, login, text):
    api = login(make_user())
    response = api.client.patch("/api/me", data=json.dumps({"name": text}), content_type="application/json",
                                headers={"X-CSRFToken": api.csrf_token})
    assert_422(response, "name")


@pytest.mark.parametrize("text", BAD_TEXTS)
def test_nested_hostile_text_is_found(make_user, token_client, text):
    api = token_client(make_user())
    response = post_raw(api.client, "/api/startups", {"name": "Ok", "tags": ["fine", text]},
                        headers={"Authorization": f"Bearer {api.token}"})
    assert_422(response, "tags.1")


def test_hostile_text_in_a_key_is_refused(client):
    assert_422(post_raw(client, "/api/auth/login", {"email": "a@b.test", "password": "x", "k\x00": 1}))


def test_html_form_refuses_nul(client):
    response = client.post("/login", data={"email": NUL, "password": PASSWORD})
    assert response.status_code == 422


@pytest.mark.parametrize("depth", [40, 1000, 100_000])
def test_deeply_nested_json_is_a_400(client, depth):
    body = "[" * depth + "]" * depth
    response = client.post("/api/auth/login", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "too_deep"


def test_ordinary_nesting_passes_the_depth_check(client):
    response = post_raw(client, "/api/auth/login", {"email": "a@b.test", "password": "wrong-password-1"})
    assert response.status_code == 401


def test_oversized_json_is_a_413(client):
    body = {"email": "a@b.test", "password": "x" * (1024 * 1024 + 1)}
    response = post_raw(client, "/api/auth/login", body)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


def test_a_fraction_for_a_whole_number_is_refused(make_user, login):
    api = login(make_user("mentor"))
    assert api.put("/api/mentors/me", json={"bio": "Chips.", "tags": ["chips"], "timezone": "UTC"}).status_code == 200
    body = {"name": "Office hour", "duration_minutes": 60, "capacity": 1.5}
    response = api.post("/api/mentors/me/session-types", json=body)
    assert_422(response, "capacity")
    body["capacity"] = 2
    assert api.post("/api/mentors/me/session-types", json=body).status_code == 201


def test_a_whole_float_is_still_a_whole_number(make_user, login):
    api = login(make_user("mentor"))
    assert api.put("/api/mentors/me", json={"bio": "Chips.", "tags": ["chips"], "timezone": "UTC"}).status_code == 200
    body = {"name": "Office hour", "duration_minutes": 60.0, "capacity": 3.0}
    response = api.post("/api/mentors/me/session-types", json=body)
    assert response.status_code == 201 and response.get_json()["capacity"] == 3


PLACEHOLDER = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")


def _with_large_ids(rule_text: str) -> str | None:
    """The rule's path with every <int:...> past the id range (others filled in), or None without one."""
    found = []

    def fill(match):
        converter, args, _name = match.groups()
        if converter == "int":
            found.append(True)
            return str(MAX_ID + 1)
        if converter == "any":
            return args.split(",")[0].strip().strip("'\"")
        return "x"

    path = PLACEHOLDER.sub(fill, rule_text)
    return path if found else None


def test_every_id_route_answers_404_for_ids_past_the_column_range(app, make_user, token_client):
    api = token_client(make_user(is_admin=True))
    checked = 0
    for rule in app.url_map.iter_rules():
        path = _with_large_ids(rule.rule)
        if path is None:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = api.open(method, path)
            assert response.status_code == 404, (method, path, response.status_code)
            checked += 1
    assert checked > 50


def test_the_largest_id_is_an_ordinary_404(make_user, token_client):
    api = token_client(make_user())
    assert api.delete(f"/api/tokens/{MAX_ID}").status_code == 404


def test_the_error_answer_survives_a_broken_database_session(app, db, make_user):
    """A failed flush leaves the session needing a rollback; the 500 must still come out, in Chinese."""
    from app.core.errors import handle_unexpected
    user = make_user(locale="zh")
    with app.test_request_context("/api/anything", headers={"Accept-Language": "zh-CN"}):
        _db.session.add(User(email=user.email, password_hash="x", name="dup", role="founder"))
        with pytest.raises(IntegrityError):
            _db.session.flush()
        response = handle_unexpected(RuntimeError("boom"))
    assert response.status_code == 500
    body = response.get_json()
    assert body["error"]["code"] == "internal_error"
    assert body["error"]["message"] == "服务器出现问题，请重试。"


def test_hostile_text_is_explained_in_chinese(client):
    response = post_raw(client, "/api/auth/login", {"email": NUL, "password": PASSWORD},
                        headers={"Accept-Language": "zh-CN"})
    assert_422(response, "email")
    assert response.get_json()["error"]["details"]["email"] == ["请删除文本中的 NUL 字符和不成对的代理字符。"]


def test_a_session_recorded_from_a_hostile_user_agent_keeps_printable_text(make_user, client):
    user = make_user()
    response = client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD},
                           headers={"User-Agent": "Firefox/1\x00 (Windows)"})
    assert response.status_code == 200
    from app.accounts import sessions
    assert [s.user_agent for s in sessions.list_sessions(user=user)] == ["Firefox/1 (Windows)"]
