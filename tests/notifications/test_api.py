"""Notifications API: list with pagination and filter, unread count, read one (own only), read all."""
import pytest


def make_many(notify, user, n):
    return [notify(user, "welcome", {"name": f"N{i}"}) for i in range(n)]


def test_list_requires_sign_in(client):
    response = client.get("/api/notifications")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_list_is_paginated_newest_first(db, make_user, login, notify):
    user = make_user(locale="en")
    notes = make_many(notify, user, 25)
    body = login(user).get("/api/notifications?page=2&per_page=10").get_json()
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (2, 10, 25, 3)
    assert [item["id"] for item in body["items"]] == [n.id for n in reversed(notes)][10:20]
    item = body["items"][0]
    assert set(item) == {"id", "kind", "text", "data", "url", "created_at", "read_at"}
    assert item["text"] == f"Welcome to Fuhua, {item['data']['name']}!"
    assert item["read_at"] is None


def test_list_shows_only_your_own(db, make_user, login, notify):
    user, other = make_user(), make_user()
    notify(other, "welcome")
    mine = notify(user, "welcome")
    body = login(user).get("/api/notifications").get_json()
    assert [item["id"] for item in body["items"]] == [mine.id]


def test_unread_filter_and_count(db, make_user, login, notify):
    user = make_user()
    first, second, third = make_many(notify, user, 3)
    api = login(user)
    api.post(f"/api/notifications/{second.id}/read")
    body = api.get("/api/notifications?unread=true").get_json()
    assert [item["id"] for item in body["items"]] == [third.id, first.id]
    assert body["total"] == 2
    assert api.get("/api/notifications/unread-count").get_json() == {"unread_count": 2}


@pytest.mark.parametrize("query", ["per_page=0", "per_page=101", "page=0", "page=abc", "unread=maybe"])
def test_bad_query_args_are_422(db, make_user, login, query):
    response = login(make_user()).get(f"/api/notifications?{query}")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "validation_error"


def test_mark_read(db, make_user, login, notify):
    user = make_user()
    note = notify(user, "welcome", {"name": "Ada"}, url="/settings")
    response = login(user).post(f"/api/notifications/{note.id}/read")
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == note.id and body["read_at"] is not None and body["url"] == "/settings"


def test_cannot_read_someone_elses_notification(db, make_user, login, notify):
    owner, other = make_user(), make_user()
    note = notify(owner)
    response = login(other).post(f"/api/notifications/{note.id}/read")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert login(owner).get("/api/notifications/unread-count").get_json() == {"unread_count": 1}


def test_unknown_notification_is_404(db, make_user, login):
    assert login(make_user()).post("/api/notifications/999999/read").status_code == 404


def test_read_all(db, make_user, login, notify):
    user, other = make_user(), make_user()
    make_many(notify, user, 3)
    notify(other)
    api = login(user)
    assert api.post("/api/notifications/read-all").get_json() == {"marked": 3, "unread_count": 0}
    assert api.post("/api/notifications/read-all").get_json() == {"marked": 0, "unread_count": 0}
    assert login(other).get("/api/notifications/unread-count").get_json() == {"unread_count": 1}


def test_cookie_write_needs_csrf_but_token_does_not(db, make_user, login, token_client, notify):
    user = make_user()
    note = notify(user)
    api = login(user)
    assert api.client.post(f"/api/notifications/{note.id}/read").status_code == 400
    assert token_client(user).post(f"/api/notifications/{note.id}/read").status_code == 200


def test_unknown_kind_is_listed_with_generic_text(db, make_user, login, notify):
    user = make_user(locale="en")
    notify(user, "future_kind", {"anything": 1})
    [item] = login(user).get("/api/notifications").get_json()["items"]
    assert item["text"] == "You have a new notification."


def test_unsafe_url_is_not_returned(db, make_user, login, notify):
    user = make_user()
    notify(user, "welcome", url="javascript:alert(1)")
    [item] = login(user).get("/api/notifications").get_json()["items"]
    assert item["url"] is None
