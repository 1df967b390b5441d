"""Account pages: register, sign in, sign out, settings, tokens."""
import re

from tests.conftest import PASSWORD


def csrf_from(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_register_page_creates_account_and_signs_in(client):
    page = client.get("/register").get_data(as_text=True)
    response = client.post("/register", data={
        "csrf_token": csrf_from(page), "name": "Grace Hopper", "email": "grace@example.com",
        "password": PASSWORD, "confirm": PASSWORD, "role": "mentor", "timezone": "Europe/Berlin"})
    assert response.status_code == 302
    me = client.get("/api/me").get_json()
    assert me["role"] == "mentor" and me["timezone"] == "Europe/Berlin"


def test_register_form_keeps_typed_values_on_error(client):
    page = client.get("/register").get_data(as_text=True)
    response = client.post("/register", data={
        "csrf_token": csrf_from(page), "name": "Grace Hopper", "email": "grace@example.com",
        "password": "short", "confirm": "short", "role": "mentor", "timezone": "Nowhere/Land"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Grace Hopper"' in html and 'value="grace@example.com"' in html
    assert "at least 12 characters" in html
    assert "Choose a time zone from the list." in html
    assert 'aria-invalid="true"' in html


def test_register_with_taken_email_shows_error(client, make_user):
    make_user(email="taken@example.com")
    page = client.get("/register").get_data(as_text=True)
    response = client.post("/register", data={
        "csrf_token": csrf_from(page), "name": "X", "email": "taken@example.com",
        "password": PASSWORD, "confirm": PASSWORD, "role": "founder"})
    assert "already exists" in response.get_data(as_text=True)


def test_login_page_same_error_for_unknown_email(client, make_user):
    make_user(email="known@example.test")
    page = client.get("/login").get_data(as_text=True)
    token = csrf_from(page)
    a = client.post("/login", data={"csrf_token": token, "email": "known@example.test", "password": "wrong-password"})
    b = client.post("/login", data={"csrf_token": token, "email": "ghost@example.test", "password": "wrong-password"})
    assert "Wrong email or password." in a.get_data(as_text=True)
    assert "Wrong email or password." in b.get_data(as_text=True)


def test_login_follows_only_local_next(client, make_user):
    user = make_user()
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login?next=https://evil.example/", data={
        "csrf_token": csrf_from(page), "email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]


def test_logout_page_signs_out(login, make_user):
    api = login(make_user())
    page = api.client.get("/").get_data(as_text=True)
    api.client.post("/logout", data={"csrf_token": csrf_from(page)})
    assert api.client.get("/api/me").status_code == 401


def test_settings_requires_sign_in(client):
    response = client.get("/settings")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_settings_saves_language_and_timezone(login, make_user):
    user = make_user()
    api = login(user)
    page = api.client.get("/settings").get_data(as_text=True)
    response = api.client.post("/settings", data={
        "csrf_token": csrf_from(page), "name": "Renamed", "locale": "zh", "timezone": "Asia/Tokyo", "submit": "1"})
    assert response.status_code == 302
    me = api.get("/api/me").get_json()
    assert (me["name"], me["locale"], me["timezone"]) == ("Renamed", "zh", "Asia/Tokyo")


def test_password_change_page_rejects_wrong_current_password(login, make_user):
    api = login(make_user())
    page = api.client.get("/settings").get_data(as_text=True)
    response = api.client.post("/settings/password", data={
        "csrf_token": csrf_from(page), "pw-current_password": "not-my-password",
        "pw-new_password": "brand-new-password", "pw-confirm": "brand-new-password"})
    assert response.status_code == 422
    assert "current password is not right" in response.get_data(as_text=True)


def test_tokens_page_shows_new_token_once(login, make_user):
    api = login(make_user())
    page = api.client.get("/settings/tokens").get_data(as_text=True)
    created = api.client.post("/settings/tokens", data={"csrf_token": csrf_from(page), "name": "ci"})
    secret = re.search(r'id="new-token">(fh_[^<]+)<', created.get_data(as_text=True)).group(1)
    assert secret not in api.client.get("/settings/tokens").get_data(as_text=True)
    assert api.client.get("/api/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_fields_describe_only_real_hints_and_errors(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'aria-describedby="None"' not in html
    html = client.get("/register").get_data(as_text=True)
    assert 'aria-describedby="password-hint"' in html
