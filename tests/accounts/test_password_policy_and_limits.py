"""Accounts under attack: weak passwords are refused; sign-in, registration and re-authentication are limited."""
import pytest

from tests.conftest import PASSWORD

STRONG = "plum-orchard-lantern-77"


def register(client, **fields):
    body = {"email": "ada.lovelace@example.test", "password": STRONG, "name": "Ada Lovelace", "role": "founder",
            **fields}
    return client.post("/api/auth/register", json=body, headers=fields.pop("headers", None) or {})


@pytest.mark.parametrize("password", [
    "aaaaaaaaaaaa", "password1234", " " * 12, "qwertyuiop12", "ada.lovelace@example.test",
    "ada.lovelace-rocks", "xx-Lovelace-2026", "iloveyou2024"])
def test_weak_passwords_are_refused_at_registration(client, password):
    response = register(client, password=password)
    assert response.status_code == 422, password
    assert response.get_json()["error"]["details"]["password"]


def test_eleven_characters_are_too_few(client):
    response = register(client, password="Zq8#mW2!pLx")
    assert response.status_code == 422
    assert "12" in response.get_json()["error"]["details"]["password"][0]


def test_a_strong_password_is_accepted(client):
    assert register(client).status_code == 201


def test_the_refusal_is_explained_in_chinese(client):
    response = client.post("/api/auth/register", headers={"Accept-Language": "zh-CN"},
                           json={"email": "li@example.test", "password": "password1234", "name": "李雷",
                                 "role": "founder"})
    assert response.status_code == 422
    expected = "这个密码太常见或太容易猜到。请多加几个词，或把它们打乱。"
    assert response.get_json()["error"]["details"]["password"] == [expected]


def test_the_register_page_shows_the_problem_on_the_password_field(client):
    page = client.get("/register")
    assert page.status_code == 200
    from tests.accounts.test_views import csrf_from
    response = client.post("/register", headers={"Accept-Language": "zh-CN"}, data={
        "csrf_token": csrf_from(page.get_data(as_text=True)), "name": "Ada Lovelace", "email": "ada@example.test",
        "password": "ada-lovelace-1", "confirm": "ada-lovelace-1", "role": "founder", "timezone": "UTC"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "不要在密码里使用你的邮箱地址或姓名。" in text


def test_a_weak_new_password_is_refused(make_user, login):
    api = login(make_user())
    response = api.post("/api/me/password", json={"current_password": PASSWORD, "new_password": "password1234"})
    assert response.status_code == 422
    assert response.get_json()["error"]["details"]["new_password"]
    assert api.post("/api/me/password", json={"current_password": PASSWORD, "new_password": STRONG}).status_code == 204


def test_demo_accounts_keep_their_fixed_password(db):
    from app.core.seed import DEMO_PASSWORD, seed_people
    users = seed_people()
    assert all(u.check_password(DEMO_PASSWORD) for u in users.values())


def _login_page(client, email, password, addr="10.0.0.1"):
    page = client.get("/login", environ_base={"REMOTE_ADDR": addr})
    from tests.accounts.test_views import csrf_from
    data = {"csrf_token": csrf_from(page.get_data(as_text=True)), "email": email, "password": password}
    return client.post("/login", data=data, environ_base={"REMOTE_ADDR": addr})


def _login_api(client, email, password, addr="10.0.0.1"):
    return client.post("/api/auth/login", json={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": addr})


def test_pages_and_api_share_one_sign_in_limit_per_address(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "4 per minute")
    for n in range(2):
        assert _login_page(client, f"nobody{n}@example.test", "wrong-password-1").status_code == 200
        assert _login_api(client, f"nobody{n}@example.test", "wrong-password-1").status_code == 401
    assert _login_api(client, "nobody@example.test", "wrong-password-1").status_code == 429
    assert _login_page(client, "nobody@example.test", "wrong-password-1").status_code == 429
    assert _login_api(client, "nobody@example.test", "wrong-password-1", addr="10.0.0.2").status_code == 401


def test_failed_sign_ins_lock_the_account_whatever_the_address(app, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "ACCOUNT_LOGIN_RATE", "3 per minute")
    user, other = make_user(), make_user()
    for n in range(3):
        assert _login_api(client, user.email, "wrong-password-1", addr=f"10.0.1.{n}").status_code == 401
    locked = _login_api(client, user.email.upper(), PASSWORD, addr="10.0.2.1")
    assert locked.status_code == 429 and locked.get_json()["error"]["code"] == "account_locked"
    assert _login_page(client, user.email, PASSWORD, addr="10.0.2.2").status_code == 429
    assert _login_api(client, other.email, PASSWORD, addr="10.0.2.3").status_code == 200


def test_successful_sign_ins_do_not_count_against_the_account(app, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "ACCOUNT_LOGIN_RATE", "2 per minute")
    user = make_user()
    for n in range(4):
        assert _login_api(app.test_client(), user.email, PASSWORD, addr=f"10.0.3.{n}").status_code == 200


def test_registration_is_limited_per_address_across_page_and_api(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTER_RATE_LIMIT", "2 per hour")
    assert register(app.test_client(), email="one@example.test").status_code == 201
    assert register(app.test_client(), email="two@example.test").status_code == 201
    assert register(app.test_client(), email="three@example.test").status_code == 429
    page = app.test_client()
    from tests.accounts.test_views import csrf_from
    csrf = csrf_from(page.get("/register").get_data(as_text=True))
    response = page.post("/register", data={"csrf_token": csrf, "name": "Four", "email": "four@example.test",
                                            "password": STRONG, "confirm": STRONG, "role": "founder"})
    assert response.status_code == 429


def test_wrong_current_passwords_are_limited(app, make_user, login, monkeypatch):
    monkeypatch.setitem(app.config, "REAUTH_RATE", "5 per 15 minutes")
    api = login(make_user())
    for _ in range(5):
        wrong = api.post("/api/me/password", json={"current_password": "not-my-password", "new_password": STRONG})
        assert wrong.status_code == 422
    locked = api.post("/api/me/password", json={"current_password": PASSWORD, "new_password": STRONG})
    assert locked.status_code == 429 and locked.get_json()["error"]["code"] == "reauth_locked"


def test_production_refuses_a_fast_password_hash():
    """The suite hashes fast (PASSWORD_HASH_METHOD); production insists on scrypt."""
    from flask import Flask

    import config

    class Production(config.ProductionConfig):
        SECRET_KEY = "x" * 40
        PASSWORD_HASH_METHOD = config.FAST_TEST_PASSWORD_HASH
    app = Flask(__name__)
    app.config.from_object(Production)
    with pytest.raises(RuntimeError, match="scrypt"):
        Production.init_app(app)


def test_the_configured_method_hashes_new_passwords(app, db, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "scrypt")
    user = make_user("founder")
    user.set_password("a quiet orchard under snow")
    assert user.password_hash.startswith("scrypt:") and user.check_password("a quiet orchard under snow")
