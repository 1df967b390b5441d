"""The /notifications page, mark read forms, and the unread badge in the header."""
import re

from app.notifications.models import Notification


def html(response) -> str:
    return response.get_data(as_text=True)


def test_page_requires_sign_in(client):
    response = client.get("/notifications")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_empty_state(db, make_user, login):
    page = html(login(make_user(locale="en")).get("/notifications"))
    assert "No notifications yet." in page
    assert 'data-notif-empty hidden' not in page
    assert "Mark all as read" not in page


def test_list_highlights_unread_and_links(db, make_user, login, notify):
    user = make_user(locale="en")
    read = notify(user, "welcome", {"name": "Ada"})
    unread = notify(user, "org_verified", {"org": "LabWorks", "org_kind": "provider"}, url="/providers/4")
    api = login(user)
    api.post(f"/api/notifications/{read.id}/read")
    page = html(api.get("/notifications"))
    assert re.search(rf'<li id="notification-{unread.id}" class="unread"', page)
    assert re.search(rf'<li id="notification-{read.id}" class="read"', page)
    assert '<a href="/providers/4" class="notif-text" data-mark-on-open>' \
           'The provider organisation LabWorks is now verified.</a>' in page
    assert "Welcome to Fuhua, Ada!" in page
    assert "just now" in page
    assert "1 unread" in page
    assert f'action="/notifications/{unread.id}/read"' in page
    assert f'action="/notifications/{read.id}/read"' not in page
    assert "js/notifications.js" in page


def test_badge_shows_the_unread_count(db, make_user, login, notify):
    user = make_user()
    notify(user)
    notify(user)
    page = html(login(user).get("/notifications"))
    assert re.search(r'<span class="badge" data-unread-badge\s*>2</span>', page)


def test_mark_one_read_with_the_form(db, make_user, login, notify):
    user = make_user()
    note = notify(user)
    api = login(user)
    response = api.client.post(f"/notifications/{note.id}/read",
                               data={"csrf_token": api.csrf_token, "next": "/notifications?page=1"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/notifications?page=1"
    assert db.session.get(Notification, note.id).read_at is not None


def test_form_without_csrf_is_refused(db, make_user, login, notify):
    user = make_user()
    note = notify(user)
    api = login(user)
    assert api.client.post(f"/notifications/{note.id}/read").status_code == 400
    db.session.expire_all()
    assert db.session.get(Notification, note.id).read_at is None


def test_mark_someone_elses_is_404(db, make_user, login, notify):
    note = notify(make_user())
    api = login(make_user())
    assert api.client.post(f"/notifications/{note.id}/read", data={"csrf_token": api.csrf_token}).status_code == 404


def test_mark_all_read_with_the_form(db, make_user, login, notify):
    user = make_user(locale="en")
    notify(user)
    notify(user)
    api = login(user)
    response = api.client.post("/notifications/read-all", data={"csrf_token": api.csrf_token,
                                                               "next": "https://evil.test/"},
                               follow_redirects=True)
    assert response.request.path == "/notifications"  # off-site `next` ignored
    page = html(response)
    assert "All notifications are marked as read." in page
    assert "Nothing unread." in page
    assert 'class="unread"' not in page


def test_unread_tab_and_pagination(db, make_user, login, notify):
    user = make_user(locale="en")
    notes = [notify(user, "welcome", {"name": f"N{i:02}"}) for i in range(25)]
    api = login(user)
    first = html(api.get("/notifications"))
    assert "Welcome to Fuhua, N24!" in first and "Welcome to Fuhua, N04!" not in first
    assert 'rel="next" href="/notifications?page=2"' in first
    second = html(api.get("/notifications?page=2"))
    assert "Welcome to Fuhua, N04!" in second and "data-notif-static" in second
    api.post(f"/api/notifications/{notes[0].id}/read")
    unread = html(api.get("/notifications?unread=1&per_page=100"))
    assert "Welcome to Fuhua, N00!" not in unread and "Welcome to Fuhua, N01!" in unread


def test_garbage_page_args_do_not_break_the_page(db, make_user, login):
    assert login(make_user()).get("/notifications?page=abc&per_page=-4").status_code == 200


def test_page_renders_in_chinese_for_a_chinese_reader(db, make_user, login, notify):
    user = make_user(locale="zh")
    notify(user)
    page = html(login(user).get("/notifications"))
    assert '<html lang="zh-CN">' in page
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", page)  # local times in the reader's language
