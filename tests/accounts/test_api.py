"""Accounts API: register, login, CSRF, me, tokens, deactivation, rate limits."""
from tests.conftest import PASSWORD


def register(client, **overrides):
    body = {"email": "ada@example.test", "password": PASSWORD, "name": "Ada Lovelace", "role": "founder"}
    body.update(overrides)
    return client.post("/api/auth/register", json=body)


def test_register_signs_in_and_returns_csrf(client):
    response = register(client)
    assert response.status_code == 201
    body = response.get_json()
    assert body["user"]["email"] == "ada@example.test"
    assert body["user"]["role"] == "founder"
    assert body["csrf_token"]
    assert client.get("/api/me").get_json()["name"] == "Ada Lovelace"


def test_register_cannot_choose_admin(client):
    response = register(client, role="admin")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "validation_error"
    assert "role" in response.get_json()["error"]["details"]


def test_short_password_is_refused_with_field_error(client):
    response = register(client, password="short")
    assert response.status_code == 422
    assert "password" in response.get_json()["error"]["details"]


def test_duplicate_email_is_a_conflict_case_insensitively(client):
    register(client)
    response = register(client.application.test_client(), email="ADA@example.test")
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["error"]["code"] == "email_taken"


def test_malformed_json_is_400(client):
    response = client.post("/api/auth/register", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"]


def test_login_error_does_not_reveal_whether_email_exists(client, make_user):
    make_user(email="known@example.test")
    wrong_password = client.post("/api/auth/login", json={"email": "known@example.test", "password": "x" * 12})
    unknown_email = client.post("/api/auth/login", json={"email": "nobody@example.test", "password": "x" * 12})
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.get_json() == unknown_email.get_json()


def test_cookie_write_without_csrf_header_is_refused(login, make_user):
    api = login(make_user())
    response = api.client.patch("/api/me", json={"name": "New"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"
    assert api.patch("/api/me", json={"name": "New"}).status_code == 200


def test_fresh_csrf_token_endpoint(login, make_user):
    api = login(make_user())
    token = api.get("/api/auth/csrf").get_json()["csrf_token"]
    response = api.client.patch("/api/me", json={"name": "Via fresh token"}, headers={"X-CSRFToken": token})
    assert response.status_code == 200


def test_me_requires_sign_in(client):
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_me_lists_organisations(login, make_user):
    user = make_user()
    body = login(user).get("/api/me").get_json()
    assert body["organisations"] == []
    assert body["is_admin"] is False


def test_logout_ends_session(login, make_user):
    api = login(make_user())
    assert api.post("/api/auth/logout").status_code == 204
    assert api.get("/api/me").status_code == 401


def test_token_is_shown_once_and_authenticates_without_csrf(login, make_user, app):
    user = make_user()
    api = login(user)
    created = api.post("/api/tokens", json={"name": "script"})
    assert created.status_code == 201
    secret = created.get_json()["token"]
    listed = api.get("/api/tokens").get_json()
    assert all("token" not in t for t in listed)
    bearer = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert bearer.get("/api/me", headers=headers).get_json()["id"] == user.id
    assert bearer.patch("/api/me", json={"name": "Scripted"}, headers=headers).status_code == 200


def test_revoked_token_no_longer_works(login, make_user, app):
    api = login(make_user())
    created = api.post("/api/tokens", json={}).get_json()
    assert api.delete(f"/api/tokens/{created['id']}").status_code == 204
    response = app.test_client().get("/api/me", headers={"Authorization": f"Bearer {created['token']}"})
    assert response.status_code == 401


def test_token_is_stored_hashed(login, make_user, db):
    from app.accounts.models import ApiToken
    api = login(make_user())
    secret = api.post("/api/tokens", json={}).get_json()["token"]
    stored = db.session.scalars(db.select(ApiToken)).all()
    assert all(secret not in (t.token_hash, t.prefix) for t in stored)


def test_deactivated_user_cannot_sign_in_or_use_token(login, make_user, token_client, db, app):
    from app.accounts import services
    admin = make_user(is_admin=True)
    user = make_user()
    tc = token_client(user)
    session_client = login(user)
    services.set_user_active(actor=admin, user_id=user.id, active=False)
    assert tc.get("/api/me").status_code == 401
    assert session_client.get("/api/me").status_code == 401
    response = app.test_client().post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 401


def test_login_is_rate_limited(client, make_user):
    user = make_user()
    statuses = [client.post("/api/auth/login", json={"email": user.email, "password": "wrong-password!"}).status_code
                for _ in range(12)]
    assert statuses[-1] == 429
    assert 401 in statuses
    last = client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert last.status_code == 429
    assert last.get_json()["error"]["code"] == "rate_limited"


def test_change_password_needs_current_one(login, make_user):
    api = login(make_user())
    wrong = api.post("/api/me/password",
                     json={"current_password": "nope-nope-nope", "new_password": "another-long-one"})
    assert wrong.status_code == 422
    ok = api.post("/api/me/password", json={"current_password": PASSWORD, "new_password": "another-long-one"})
    assert ok.status_code == 204


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_wrong_method_is_json_405(client):
    response = client.delete("/api/auth/csrf")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_profile_rejects_unknown_timezone(login, make_user):
    response = login(make_user()).patch("/api/me", json={"timezone": "Mars/Olympus"})
    assert response.status_code == 422
    assert "timezone" in response.get_json()["error"]["details"]


def test_avatar_initials_for_latin_chinese_and_mixed_names(make_user):
    assert make_user(name="Ada Lovelace").initials == "AL"
    assert make_user(name="林伟 Lin Wei").initials == "林伟"
    assert make_user(name="王小明").initials == "王小"
    assert make_user(name="cher").initials == "CH"
