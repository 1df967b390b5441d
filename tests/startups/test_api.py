"""Startups API: create, read, edit, search (SPEC §8 field names), permissions and validation."""
import pytest

BODY = {"name": "Photon Eyes", "sector": "robotics", "stage": "prototype", "summary": "Solid-state LiDAR.",
        "needs": "Pilot sites.", "tags": ["LiDAR", "sensors"]}
FIELDS = {"id", "name", "sector", "stage", "summary", "needs", "tags", "website", "logo_url", "highlights",
          "description", "is_verified", "created_at", "members"}


def test_founder_creates_startup_and_becomes_owner(login, make_user):
    founder = make_user("founder", name="Lin Wei")
    response = login(founder).post("/api/startups", json={**BODY, "website": "https://photon.example.com"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert set(body) == FIELDS
    assert body["tags"] == ["lidar", "sensors"]
    assert body["website"] == "https://photon.example.com"
    assert body["is_verified"] is False
    assert body["members"] == [{"id": founder.id, "name": "Lin Wei", "role": "owner", "initials": "LW",
                                "joined_at": body["members"][0]["joined_at"]}]


def test_me_lists_the_new_startup(login, make_user):
    api = login(make_user("founder"))
    startup = api.post("/api/startups", json=BODY).get_json()
    orgs = api.get("/api/me").get_json()["organisations"]
    assert orgs == [{"id": startup["id"], "kind": "startup", "name": "Photon Eyes", "role": "owner"}]


def test_investor_cannot_create_startup(login, make_user):
    response = login(make_user("investor")).post("/api/startups", json=BODY)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "founders_only"


def test_anonymous_cannot_create_startup(client):
    assert client.post("/api/startups", json=BODY).status_code == 401


def test_token_client_creates_without_csrf(token_client, make_user):
    assert token_client(make_user("founder")).post("/api/startups", json=BODY).status_code == 201


@pytest.mark.parametrize(("change", "field"), [
    ({"sector": "crypto"}, "sector"),
    ({"stage": "ipo"}, "stage"),
    ({"website": "javascript:alert(1)"}, "website"),
    ({"website": "ftp://files.example.com"}, "website"),
    ({"logo_url": "not a url"}, "logo_url"),
    ({"name": "   "}, "name"),
    ({"summary": "x" * 501}, "summary"),
    ({"tags": ["x" * 41]}, "tags"),
    ({"tags": [f"t{i}" for i in range(21)]}, "tags"),
    ({"tags": "lidar"}, "tags"),
])
def test_invalid_fields_are_422_with_details(login, make_user, change, field):
    response = login(make_user("founder")).post("/api/startups", json={**BODY, **change})
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["details"]


def test_missing_required_fields_are_422(login, make_user):
    response = login(make_user("founder")).post("/api/startups", json={"name": "Only a name"})
    assert response.status_code == 422
    assert {"sector", "stage", "summary"} <= set(response.get_json()["error"]["details"])


def test_get_startup_is_public(client, make_startup):
    startup = make_startup(name="Public Co")
    response = client.get(f"/api/startups/{startup.id}")
    assert response.status_code == 200
    assert response.get_json()["name"] == "Public Co"


def test_missing_startup_is_404(client):
    response = client.get("/api/startups/424242")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_owner_patches_startup(login, make_startup):
    startup = make_startup()
    response = login(startup.owner).patch(f"/api/startups/{startup.id}",
                                          json={"stage": "series_a", "highlights": "Won a prize.", "website": ""})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["stage"], body["highlights"], body["website"]) == ("series_a", "Won a prize.", None)


def test_non_member_patch_is_403(login, make_user, make_startup):
    startup = make_startup()
    response = login(make_user("founder")).patch(f"/api/startups/{startup.id}", json={"name": "Mine now"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "not_a_member"


def test_patch_with_bad_url_is_422(login, make_startup):
    startup = make_startup()
    response = login(startup.owner).patch(f"/api/startups/{startup.id}", json={"logo_url": "javascript:x"})
    assert response.status_code == 422
    assert "logo_url" in response.get_json()["error"]["details"]


def test_patch_missing_startup_is_404(login, make_user):
    assert login(make_user("founder")).patch("/api/startups/424242", json={"name": "X"}).status_code == 404


def test_list_is_public_and_paginated(client, make_startup):
    for i in range(5):
        make_startup(name=f"Listed {i}")
    body = client.get("/api/startups?per_page=2&page=2").get_json()
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (2, 2, 5, 3)
    assert len(body["items"]) == 2
    assert set(body["items"][0]) == FIELDS


def test_list_filters_and_searches(client, make_startup):
    make_startup(name="量子芯片科技", sector="semiconductors", stage="seed", tags=["芯片"])
    make_startup(name="GeneFold", sector="biotech", stage="series_a", tags=["proteins"])
    assert [s["name"] for s in client.get("/api/startups?q=芯片").get_json()["items"]] == ["量子芯片科技"]
    assert [s["name"] for s in client.get("/api/startups?tag=PROTEINS").get_json()["items"]] == ["GeneFold"]
    assert [s["name"] for s in client.get("/api/startups?sector=biotech&stage=series_a").get_json()["items"]] \
        == ["GeneFold"]
    assert client.get("/api/startups?q=&sector=&stage=&tag=").get_json()["total"] == 2


@pytest.mark.parametrize("query", ["sector=crypto", "stage=late", "page=0", "page=abc", "per_page=0",
                                   "per_page=101", "tag=" + "x" * 41])
def test_bad_query_args_are_422(client, query):
    response = client.get(f"/api/startups?{query}")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "validation_error"
