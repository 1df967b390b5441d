"""Security headers: private responses are never stored, HSTS in production, a CSP naming its own hosts."""
import re

import pytest

from config import ProductionConfig

PRIVATE_PAGES = ["/api/me", "/api/me/sessions", "/settings", "/settings/tokens", "/settings/sessions", "/requests",
                 "/conversations", "/sessions", "/notifications"]


def csp_directive(response, name: str) -> str:
    match = re.search(rf"(?:^|;\s*){name} ([^;]*)", response.headers["Content-Security-Policy"])
    assert match, name
    return match.group(1)


@pytest.mark.parametrize("path", PRIVATE_PAGES)
def test_signed_in_pages_and_json_are_never_stored(make_user, login, path):
    api = login(make_user())
    response = api.get(path)
    assert response.status_code == 200, path
    assert response.headers["Cache-Control"] == "no-store"


def test_token_authenticated_json_is_never_stored(make_user, token_client):
    response = token_client(make_user()).get("/api/me")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_refused_bearer_answer_is_not_stored_either(client):
    response = client.get("/api/me", headers={"Authorization": "Bearer fh_nope"})
    assert response.status_code == 401
    assert response.headers["Cache-Control"] == "no-store"


def test_anonymous_public_page_may_be_cached(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_static_files_stay_cacheable_when_signed_in(make_user, login):
    api = login(make_user())
    response = api.get("/static/js/app.js")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_calendar_feed_is_never_stored(db, make_user, client):
    from app.mentoring import calendar
    feed = calendar.regenerate_feed(user=make_user("mentor"))
    path = "/" + calendar.feed_url(feed).split("/", 3)[3]
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert response.headers["Cache-Control"] == "no-store"


def test_no_hsts_outside_production(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_hsts_in_production(app, client, monkeypatch):
    assert ProductionConfig.HSTS_SECONDS >= 365 * 86400
    monkeypatch.setitem(app.config, "HSTS_SECONDS", ProductionConfig.HSTS_SECONDS)
    header = client.get("/").headers["Strict-Transport-Security"]
    assert header == f"max-age={ProductionConfig.HSTS_SECONDS}; includeSubDomains"


def test_csp_connects_and_loads_images_from_the_site_only(client):
    response = client.get("/")
    connect = csp_directive(response, "connect-src").split()
    assert connect == ["'self'", "ws://localhost"]
    img = csp_directive(response, "img-src").split()
    assert img == ["'self'", "data:"]


def test_csp_over_https_names_the_secure_socket(client):
    response = client.get("/", base_url="https://fuhua.example.org")
    assert csp_directive(response, "connect-src").split() == ["'self'", "wss://fuhua.example.org"]


def test_csp_adds_configured_hosts(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "CSP_IMG_SRC", "https://cdn.example.org, https://img.example.net")
    monkeypatch.setitem(app.config, "CSP_CONNECT_SRC", "wss://live.example.org")
    response = client.get("/")
    assert csp_directive(response, "img-src").split() == ["'self'", "data:", "https://cdn.example.org",
                                                          "https://img.example.net"]
    assert csp_directive(response, "connect-src").split() == ["'self'", "ws://localhost", "wss://live.example.org"]
