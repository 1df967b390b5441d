"""Admin API: auth, status codes and envelopes, pagination, filters, and the effect of each move."""
import pytest
from sqlalchemy import select

from app.notifications.models import Notification
from tests.conftest import PASSWORD

USER_FIELDS = {"id", "email", "name", "role", "is_admin", "is_verified", "is_active", "created_at", "last_login_at"}
ENDPOINTS = [
    ("GET", "/api/admin/overview"),
    ("GET", "/api/admin/users"),
    ("GET", "/api/admin/organisations"),
    ("POST", "/api/admin/users/{user}/deactivate"),
    ("POST", "/api/admin/users/{user}/reactivate"),
    ("POST", "/api/admin/users/{user}/verify"),
    ("POST", "/api/admin/users/{user}/unverify"),
    ("POST", "/api/admin/organisations/{org}/verify"),
    ("POST", "/api/admin/organisations/{org}/unverify"),
]


@pytest.fixture
def admin_api(login, admin):
    return login(admin)


@pytest.mark.parametrize("method,path", ENDPOINTS)
def test_signed_out_is_401(client, make_user, make_org, method, path):
    path = path.format(user=make_user("mentor").id, org=make_org().id)
    response = client.open(path, method=method)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("method,path", ENDPOINTS)
def test_non_admin_is_403(login, make_user, make_org, method, path):
    mentor = make_user("mentor")
    path = path.format(user=mentor.id, org=make_org().id)
    response = login(make_user("founder")).open(method, path)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    assert mentor.is_active and not mentor.is_verified


def test_non_admin_token_is_403(token_client, make_user):
    assert token_client(make_user("mentor")).get("/api/admin/users").status_code == 403


def test_overview(admin_api, make_user, make_org):
    make_user("mentor")
    make_org("provider")
    body = admin_api.get("/api/admin/overview").get_json()
    assert body["users_by_role"]["mentor"] == 1
    assert body["unverified_mentors"] == 1
    assert body["unverified_providers"] == 1
    assert body["admins"] == 1
    assert body["users_total"] == 2
    assert body["new_users_7d"] == 2


def test_users_list_is_paginated(admin_api, make_user):
    for _ in range(4):
        make_user("founder")
    body = admin_api.get("/api/admin/users?per_page=2&page=2").get_json()
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (2, 2, 5, 3)
    assert len(body["items"]) == 2
    assert set(body["items"][0]) == USER_FIELDS
    last = admin_api.get("/api/admin/users?per_page=2&page=3").get_json()
    assert len(last["items"]) == 1


def test_users_list_filters(admin_api, make_user):
    mentor = make_user("mentor", name="Grace Hopper")
    inactive = make_user("founder", is_active_account=False)

    def ids(query):
        response = admin_api.get("/api/admin/users?" + query)
        assert response.status_code == 200, response.get_json()
        return [u["id"] for u in response.get_json()["items"]]

    assert ids("role=mentor") == [mentor.id]
    assert ids("q=hopper") == [mentor.id]
    assert ids("status=inactive") == [inactive.id]
    assert inactive.id not in ids("status=active")
    assert ids("role=mentor&verified=false") == [mentor.id]
    assert ids("role=&status=&q=") != []


@pytest.mark.parametrize("query,field", [
    ("role=superuser", "role"),
    ("status=sleeping", "status"),
    ("verified=maybe", "verified"),
    ("per_page=1000", "per_page"),
    ("page=0", "page"),
])
def test_bad_list_arguments_are_422(admin_api, query, field):
    response = admin_api.get("/api/admin/users?" + query)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "validation_error"
    assert field in response.get_json()["error"]["details"]


def test_organisations_list_and_filters(admin_api, make_user, make_org):
    owner = make_user("provider")
    lab = make_org("provider", owner=owner, name="Pilot Lab", city="Suzhou")
    make_org("startup", name="Photon", is_verified=True)
    body = admin_api.get("/api/admin/organisations?kind=provider&verified=false").get_json()
    assert body["total"] == 1
    item = body["items"][0]
    assert item["id"] == lab.id
    assert item["kind"] == "provider"
    assert item["city"] == "Suzhou"
    assert item["members_count"] == 1
    assert item["owner"] == {"id": owner.id, "name": owner.name, "email": owner.email}
    everything = admin_api.get("/api/admin/organisations").get_json()
    assert everything["total"] == 2
    assert any(o["owner"] is None for o in everything["items"])
    assert admin_api.get("/api/admin/organisations?kind=club").status_code == 422


def test_verify_and_unverify_mentor(db, admin_api, make_user):
    mentor = make_user("mentor")
    response = admin_api.post(f"/api/admin/users/{mentor.id}/verify")
    assert response.status_code == 200
    assert response.get_json()["is_verified"] is True
    assert db.session.scalar(select(Notification).where(Notification.user_id == mentor.id,
                                                        Notification.kind == "account_verified"))
    response = admin_api.post(f"/api/admin/users/{mentor.id}/unverify")
    assert response.status_code == 200
    assert response.get_json()["is_verified"] is False


def test_get_one_user(admin_api, make_user):
    mentor = make_user("mentor")
    response = admin_api.get(f"/api/admin/users/{mentor.id}")
    assert response.status_code == 200
    assert response.get_json()["email"] == mentor.email
    assert admin_api.get("/api/admin/users/999999").status_code == 404


def test_verify_non_mentor_is_409(admin_api, make_user):
    founder = make_user("founder")
    response = admin_api.post(f"/api/admin/users/{founder.id}/verify")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "not_a_mentor"
    assert response.get_json()["error"]["message"]


def test_deactivate_self_is_409(admin_api, admin):
    response = admin_api.post(f"/api/admin/users/{admin.id}/deactivate")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "cannot_deactivate_self"
    assert admin_api.get("/api/me").status_code == 200


@pytest.mark.parametrize("path", [
    "/api/admin/users/999999/deactivate", "/api/admin/users/999999/reactivate",
    "/api/admin/users/999999/verify", "/api/admin/users/999999/unverify",
    "/api/admin/organisations/999999/verify", "/api/admin/organisations/999999/unverify",
])
def test_unknown_ids_are_404(admin_api, path):
    response = admin_api.post(path)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_cookie_write_needs_csrf_header(admin_api, make_user):
    mentor = make_user("mentor")
    response = admin_api.client.post(f"/api/admin/users/{mentor.id}/verify")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"


def test_deactivated_user_is_locked_out_then_reactivated(app, admin_api, make_user, token_client, login):
    user = make_user("founder")
    bearer = token_client(user)
    session = login(user)
    response = admin_api.post(f"/api/admin/users/{user.id}/deactivate")
    assert response.status_code == 200
    assert response.get_json()["is_active"] is False
    assert bearer.get("/api/me").status_code == 401
    assert session.get("/api/me").status_code == 401
    fresh = app.test_client().post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert fresh.status_code == 401

    assert admin_api.post(f"/api/admin/users/{user.id}/reactivate").get_json()["is_active"] is True
    assert bearer.get("/api/me").status_code == 200
    fresh = app.test_client().post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert fresh.status_code == 200


def test_admin_can_use_a_token(token_client, admin, make_user):
    mentor = make_user("mentor")
    response = token_client(admin).post(f"/api/admin/users/{mentor.id}/verify")
    assert response.status_code == 200


def test_verify_organisation_notifies_owner(db, admin_api, make_user, make_org):
    owner = make_user("founder")
    org = make_org("startup", owner=owner)
    response = admin_api.post(f"/api/admin/organisations/{org.id}/verify")
    assert response.status_code == 200
    assert response.get_json()["is_verified"] is True
    note = db.session.scalar(select(Notification).where(Notification.user_id == owner.id))
    assert note.kind == "org_verified"
    assert note.data["org_kind"] == "startup"
    response = admin_api.post(f"/api/admin/organisations/{org.id}/unverify")
    assert response.get_json()["is_verified"] is False


def test_openapi_documents_admin_paths(client):
    spec = client.get("/api/openapi.json").get_json()
    assert "/api/admin/users/{user_id}/deactivate" in spec["paths"]
    responses = spec["paths"]["/api/admin/users/{user_id}/deactivate"]["post"]["responses"]
    assert {"200", "401", "403", "404", "409"} <= set(responses)
