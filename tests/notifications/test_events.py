"""Live push over Socket.IO: `notification:new` to the recipient only, `notification:read` to their tabs."""
from app.notifications import services


def events(sc, name):
    return [msg["args"][0] for msg in sc.get_received() if msg["name"] == name]


def test_cookie_socket_receives_its_notification(db, make_user, login, socket_client, notify):
    user = make_user(locale="en")
    notify(user, "welcome", {"name": "Ada"})  # one already unread
    sc = socket_client(login(user))
    sc.get_received()

    note = notify(user, "org_verified", {"org": "LabWorks", "org_kind": "provider"}, url="/providers/4")

    [payload] = events(sc, "notification:new")
    assert payload["id"] == note.id
    assert payload["kind"] == "org_verified"
    assert payload["text"] == "The provider organisation LabWorks is now verified."
    assert payload["url"] == "/providers/4"
    assert payload["unread_count"] == 2
    assert payload["created_at"].endswith("+00:00")


def test_token_socket_receives_its_notification(db, make_user, token_client, socket_client, notify):
    user = make_user(locale="en")
    sc = socket_client(auth={"token": token_client(user).token})
    notify(user, "welcome", {"name": "Ada"})
    [payload] = events(sc, "notification:new")
    assert payload["text"] == "Welcome to Fuhua, Ada!"
    assert payload["unread_count"] == 1


def test_other_users_and_anonymous_sockets_do_not_receive_it(db, make_user, login, socket_client, notify):
    user, other = make_user(), make_user()
    other_socket = socket_client(login(other))
    anonymous = socket_client()
    other_socket.get_received()
    notify(user, "welcome")
    assert events(other_socket, "notification:new") == []
    assert events(anonymous, "notification:new") == []


def test_push_is_rendered_in_the_recipients_language_and_zone(app, db, make_user, login, socket_client, monkeypatch):
    """A sender reading in English notifies a Chinese-reading user: the text is formatted for the recipient."""
    from app.notifications import kinds
    monkeypatch.setitem(kinds.KINDS, "test_reminder", kinds.Kind(
        name="test_reminder", text="%(when)s",
        prepare=lambda data, user: {"when": kinds.format_time(data["starts_at"], user)}))
    owner = make_user(locale="zh", timezone="Asia/Shanghai")
    sc = socket_client(login(owner))
    sc.get_received()
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        services.notify(user=owner, kind="test_reminder", data={"starts_at": "2026-03-01T06:30:00+00:00"})
    [payload] = events(sc, "notification:new")
    assert payload["text"] == "2026年3月1日 14:30"


def test_reading_updates_the_badge_in_other_tabs(db, make_user, login, socket_client, notify):
    user = make_user()
    first, _second = notify(user), notify(user)
    api = login(user)
    other_tab = socket_client(login(user))
    other_tab.get_received()

    assert api.post(f"/api/notifications/{first.id}/read").status_code == 200
    assert events(other_tab, "notification:read") == [{"unread_count": 1}]
    assert api.post("/api/notifications/read-all").status_code == 200
    assert events(other_tab, "notification:read") == [{"unread_count": 0}]


def test_a_notification_in_a_rolled_back_unit_is_not_stored_pushed_or_emailed(db, make_user, login, socket_client,
                                                                              smtp_server):
    import pytest

    from app.core import uow
    user = make_user(locale="en")
    sc = socket_client(login(user))
    sc.get_received()
    with pytest.raises(RuntimeError), uow.unit_of_work():
        services.notify(user=user, kind="org_verified", data={"org": "LabWorks", "org_kind": "provider"})
        raise RuntimeError("the use case failed after notifying")
    assert events(sc, "notification:new") == []
    assert smtp_server.envelopes == []
    assert services.unread_count(user=user) == 0


def test_a_notification_joins_the_callers_unit_and_is_pushed_once_after_its_commit(db, make_user, login,
                                                                                   socket_client, smtp_server):
    from app.core import uow
    user = make_user(locale="en")
    sc = socket_client(login(user))
    sc.get_received()
    with uow.unit_of_work():
        services.notify(user=user, kind="org_verified", data={"org": "LabWorks", "org_kind": "provider"})
        assert events(sc, "notification:new") == [] and smtp_server.envelopes == []
    [payload] = events(sc, "notification:new")
    assert payload["unread_count"] == 1
    assert len(smtp_server.envelopes) == 1
