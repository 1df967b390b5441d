"""Site-wide behaviour: security headers, cookies, config, language and time zone, error pages."""
import re
from datetime import datetime, timezone

import pytest

from tests.conftest import PASSWORD


def csrf_from(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def test_security_headers_on_pages_and_api(client):
    for path in ("/", "/api/auth/csrf"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"


def test_session_cookie_is_httponly_and_lax(client, make_user):
    user = make_user()
    response = client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_remember_me_sets_a_lasting_cookie(client, make_user):
    user = make_user()
    response = client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD, "remember": True})
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("fuhua_remember=") and "HttpOnly" in c for c in cookies)


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch):
    from app import create_app
    from config import DEV_SECRET_KEY, ProductionConfig

    class Prod(ProductionConfig):
        SECRET_KEY = DEV_SECRET_KEY
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(Prod)


def test_production_uses_secure_cookies():
    from config import ProductionConfig
    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE


def test_database_url_is_normalised_for_psycopg3():
    from config import database_url
    assert database_url("postgres://u@h/db", "x") == "postgresql+psycopg://u@h/db"
    assert database_url("postgresql://u@h/db", "x") == "postgresql+psycopg://u@h/db"
    assert database_url(None, "sqlite://") == "sqlite://"


def test_html_404_is_a_friendly_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"<html" in response.data and b"Page not found" in response.data


def test_accept_language_picks_chinese(client):
    response = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert b'<html lang="zh-CN">' in response.data


def test_language_switcher_is_remembered(client):
    page = client.get("/").get_data(as_text=True)
    response = client.post("/language/zh", data={"csrf_token": csrf_from(page), "next": "/showcase"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/showcase")
    assert b'<html lang="zh-CN">' in client.get("/").data


def test_language_switch_does_not_redirect_off_site(client):
    page = client.get("/").get_data(as_text=True)
    response = client.post("/language/en", data={"csrf_token": csrf_from(page), "next": "https://evil.example/"})
    assert response.headers["Location"] in ("/", "http://localhost/")


def test_user_language_setting_wins_over_browser(login, make_user):
    api = login(make_user(locale="zh"))
    response = api.client.get("/", headers={"Accept-Language": "en"})
    assert b'<html lang="zh-CN">' in response.data


def test_form_post_without_csrf_is_refused(client):
    response = client.post("/login", data={"email": "a@b.c", "password": "x"})
    assert response.status_code == 400


def test_times_are_shown_in_the_users_zone(app, make_user, db):
    from flask_babel import refresh
    from flask_login import login_user

    from app.core.i18n import local_datetime
    user = make_user(timezone="America/New_York")
    moment = datetime(2026, 7, 1, 12, 0, tzinfo=timezone.utc)
    with app.test_request_context("/"):
        login_user(user)
        assert "8:00" in local_datetime(moment)  # 12:00 UTC is 08:00 EDT
    user.timezone = "Asia/Shanghai"
    db.session.commit()
    with app.test_request_context("/"):
        login_user(user)
        refresh()
        assert "8:00" in local_datetime(moment) and "PM" in local_datetime(moment)  # 20:00 CST


def test_utc_column_refuses_naive_datetimes(make_user, db):
    user = make_user()
    user.last_login_at = datetime(2026, 1, 1, 12, 0)
    with pytest.raises(Exception, match="naive"):
        db.session.commit()
    db.session.rollback()


def test_utc_column_round_trips_aware_values(make_user, db):
    from app.accounts.models import User
    user = make_user()
    user.last_login_at = datetime(2026, 3, 29, 1, 30, tzinfo=timezone.utc)
    db.session.commit()
    db.session.expire_all()
    loaded = db.session.get(User, user.id)
    assert loaded.last_login_at == datetime(2026, 3, 29, 1, 30, tzinfo=timezone.utc)
    assert loaded.last_login_at.tzinfo is not None


def test_api_docs_page_serves_its_own_assets(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert b"cdn" not in page.data.lower()
    asset = client.get("/api/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000
    assert client.get("/api/docs/assets/../../config.py").status_code == 404


def test_openapi_spec_documents_the_contract(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/auth/register", "/api/auth/login", "/api/auth/csrf", "/api/auth/logout", "/api/me",
                 "/api/tokens"):
        assert path in spec["paths"], path
    assert "bearerAuth" in spec["components"]["securitySchemes"]


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_proxy_count_trusts_forwarded_client_address():
    from flask import Flask, request

    from app import trust_proxies

    app = Flask(__name__)
    app.config["PROXY_COUNT"] = 1
    trust_proxies(app)
    app.add_url_rule("/whoami", view_func=lambda: {"addr": request.remote_addr, "scheme": request.scheme})
    body = app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.9",
                                                     "X-Forwarded-Proto": "https"}).get_json()
    assert body == {"addr": "203.0.113.9", "scheme": "https"}
