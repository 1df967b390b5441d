"""Server-side sessions: a copied cookie dies with its session; remember-me tokens rotate; the Sessions page."""
from flask import g
from sqlalchemy import select, update

from app.accounts import sessions
from app.accounts.models import ApiToken
from app.core.db import utcnow
from app.extensions import db as _db
from tests.conftest import PASSWORD, ApiClient

NEW_PASSWORD = "plum-orchard-lantern-77"


def copy_cookies(app, source: ApiClient, *names: str) -> ApiClient:
    """A second client holding copies of `source`'s cookies, as a thief who read them would."""
    thief = app.test_client()
    for name in names or ("session",):
        cookie = source.client.get_cookie(name)
        assert cookie is not None, name
        thief.set_cookie(name, cookie.value)
    return ApiClient(thief, csrf_token=source.csrf_token)


def test_copied_cookie_works_while_the_session_lives(app, make_user, login):
    user = make_user()
    assert copy_cookies(app, login(user)).get("/api/me").status_code == 200


def test_copied_cookie_is_refused_after_logout(app, make_user, login):
    user = make_user()
    browser = login(user)
    thief = copy_cookies(app, browser)
    assert browser.post("/api/auth/logout").status_code == 204
    assert thief.get("/api/me").status_code == 401


def test_copied_cookie_is_refused_after_html_logout(app, make_user, login):
    user = make_user()
    browser = login(user)
    thief = copy_cookies(app, browser)
    browser.client.post("/logout", data={"csrf_token": browser.csrf_token})
    assert thief.get("/api/me").status_code == 401


def test_password_change_ends_every_other_session(app, make_user, login):
    user = make_user()
    browser, other = login(user), login(user)
    thief = copy_cookies(app, other)
    response = browser.post("/api/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert response.status_code == 204
    assert other.get("/api/me").status_code == 401
    assert thief.get("/api/me").status_code == 401
    assert browser.get("/api/me").status_code == 200


def test_copied_cookie_is_refused_after_deactivation_and_reactivation(app, make_user, login):
    user, admin = make_user(), make_user("investor", is_admin=True)
    thief = copy_cookies(app, login(user))
    admin_api = login(admin)
    assert admin_api.post(f"/api/admin/users/{user.id}/deactivate").status_code == 200
    assert admin_api.post(f"/api/admin/users/{user.id}/reactivate").status_code == 200
    assert thief.get("/api/me").status_code == 401
    assert login(user).get("/api/me").status_code == 200


def test_expired_session_is_refused(app, make_user, login):
    user = make_user()
    browser = login(user)
    (row,) = sessions.list_sessions(user=user)
    row.expires_at = utcnow()
    _db.session.commit()
    assert browser.get("/api/me").status_code == 401


def remembered(app, user) -> ApiClient:
    c = app.test_client()
    response = c.post("/api/auth/login", json={"email": user.email, "password": PASSWORD, "remember": True})
    assert response.status_code == 200
    return ApiClient(c, csrf_token=response.get_json()["csrf_token"])


def only_remember_cookie(app, value: str):
    c = app.test_client()
    c.set_cookie("fuhua_remember", value)
    return c


def test_remember_me_signs_back_in_and_rotates_the_token(app, make_user):
    user = make_user()
    old = remembered(app, user).client.get_cookie("fuhua_remember").value
    restarted = only_remember_cookie(app, old)
    response = restarted.get("/api/me")
    assert response.status_code == 200
    assert response.get_json()["id"] == user.id
    new = restarted.get_cookie("fuhua_remember").value
    assert new != old
    assert restarted.get("/api/me").status_code == 200  # now on the session cookie it was given


def test_a_used_remember_token_cannot_be_used_again(app, make_user):
    user = make_user()
    old = remembered(app, user).client.get_cookie("fuhua_remember").value
    assert only_remember_cookie(app, old).get("/api/me").status_code == 200
    replay = only_remember_cookie(app, old)
    assert replay.get("/api/me").status_code == 401
    assert replay.get_cookie("fuhua_remember") is None  # the dead token is dropped


def test_remember_token_dies_with_its_session(app, make_user):
    user = make_user()
    browser = remembered(app, user)
    token = browser.client.get_cookie("fuhua_remember").value
    assert browser.post("/api/auth/logout").status_code == 204
    assert only_remember_cookie(app, token).get("/api/me").status_code == 401


def test_remember_tokens_differ_on_every_login(app, make_user):
    user = make_user()
    first = remembered(app, user).client.get_cookie("fuhua_remember").value
    second = remembered(app, user).client.get_cookie("fuhua_remember").value
    assert first != second


def test_sessions_are_listed_with_the_current_one_marked(app, make_user, login):
    user = make_user()
    login(user)
    mine = ApiClient(app.test_client())
    response = mine.client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD},
                                headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0) Firefox/133.0"})
    mine.csrf_token = response.get_json()["csrf_token"]
    listed = mine.get("/api/me/sessions").get_json()
    assert len(listed) == 2
    current = [s for s in listed if s["is_current"]]
    assert len(current) == 1 and current[0]["device"] == "Firefox on Windows"


def test_signing_out_another_session_ends_it(app, make_user, login):
    user = make_user()
    mine, other = login(user), login(user)
    other_id = next(s["id"] for s in mine.get("/api/me/sessions").get_json() if not s["is_current"])
    assert mine.delete(f"/api/me/sessions/{other_id}").status_code == 204
    assert other.get("/api/me").status_code == 401
    assert mine.get("/api/me").status_code == 200
    assert mine.delete(f"/api/me/sessions/{other_id}").status_code == 404


def test_someone_elses_session_is_not_found(app, make_user, login):
    ada, bob = make_user(), make_user()
    bob_api = login(bob)
    ada_api = login(ada)
    (bob_session,) = sessions.list_sessions(user=bob)
    assert ada_api.delete(f"/api/me/sessions/{bob_session.id}").status_code == 404
    assert bob_api.get("/api/me").status_code == 200


def test_signing_in_again_ends_the_previous_session(app, make_user, login):
    user = make_user()
    browser = login(user)
    thief = copy_cookies(app, browser)
    again = browser.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert again.status_code == 200
    assert thief.get("/api/me").status_code == 401
    assert len(sessions.list_sessions(user=user)) == 1


def test_sessions_page_signs_out_the_others(app, make_user, login):
    user = make_user()
    mine, other = login(user), login(user)
    page = mine.client.get("/settings/sessions")
    assert page.status_code == 200
    assert "This session" in page.get_data(as_text=True)
    response = mine.client.post("/settings/sessions/revoke-others", data={"csrf_token": mine.csrf_token},
                                follow_redirects=True)
    assert "1 other session signed out." in response.get_data(as_text=True)
    assert other.get("/api/me").status_code == 401


def test_sessions_page_in_chinese(app, make_user, login):
    user = make_user(locale="zh")
    other = login(user)
    mine = ApiClient(app.test_client())
    mine.client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD},
                     headers={"User-Agent": "Mozilla/5.0 (iPhone) Safari/604.1"})
    text = mine.client.get("/settings/sessions").get_data(as_text=True)
    assert "当前会话" in text and "iOS 上的 Safari" in text and "未知设备" in text
    assert other.get("/api/me").status_code == 200
    assert "This session" not in text


def test_socket_of_a_revoked_session_is_closed(app, make_user, login, socket_client):
    user = make_user()
    browser = login(user)
    sc = socket_client(browser)
    assert sc.is_connected()
    other = login(user)
    other_id = next(s.id for s in sessions.list_sessions(user=user) if s.id != _session_id_of(sc))
    sessions.revoke_session(user=user, session_id=_session_id_of(sc))
    assert not sc.is_connected()
    assert other.get("/api/me").status_code == 200 and other_id


def _session_id_of(sc) -> int:
    from app.extensions import socketio
    manager = socketio.server.manager
    sid = manager.sid_from_eio_sid(sc.eio_sid, "/")
    room = next(r for r in manager.get_rooms(sid, "/") if r.startswith("session:"))
    return int(room.split(":")[1])


def _ack(sc, event: str, data: dict) -> dict:
    g.pop("_login_user", None)  # as in production, where every socket event starts with a fresh `g`
    return sc.emit(event, data, callback=True)


def test_revoked_tokens_socket_is_closed(db, make_user, token_client, socket_client):
    from app.accounts import services
    user = make_user()
    sc = socket_client(auth={"token": token_client(user).token})
    assert _ack(sc, "session:join", {"booking_id": 0})["error"]["code"] == "not_found"  # signed in
    (token,) = services.list_tokens(user=user)
    services.revoke_token(user=user, token_id=token.id)
    assert not sc.is_connected()


def test_revoked_tokens_socket_can_no_longer_post_even_if_left_open(db, make_user, token_client, socket_client):
    """Another process may not have closed it yet: each event checks the token is still live."""
    user = make_user()
    sc = socket_client(auth={"token": token_client(user).token})
    assert _ack(sc, "session:join", {"booking_id": 0})["error"]["code"] == "not_found"
    db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id).values(revoked_at=utcnow()))
    db.session.commit()
    assert _ack(sc, "session:join", {"booking_id": 0})["error"]["code"] == "unauthorized"


def test_revoked_sessions_socket_can_no_longer_post_even_if_left_open(db, make_user, login, socket_client):
    user = make_user()
    sc = socket_client(login(user))
    assert _ack(sc, "session:join", {"booking_id": 0})["error"]["code"] == "not_found"
    from app.accounts.models import UserSession
    db.session.execute(update(UserSession).where(UserSession.user_id == user.id).values(revoked_at=utcnow()))
    db.session.commit()
    assert _ack(sc, "session:join", {"booking_id": 0})["error"]["code"] == "unauthorized"


def _session_row(user, *, revoked_days_ago=None, expired_days_ago=None):
    from datetime import timedelta

    from app.accounts.models import UserSession
    from app.core.security import hash_secret, new_secret
    now = utcnow()
    row = UserSession(user_id=user.id, token_hash=hash_secret(new_secret()), last_seen_at=now,
                      expires_at=now - timedelta(days=expired_days_ago) if expired_days_ago is not None
                      else now + timedelta(days=1),
                      revoked_at=now - timedelta(days=revoked_days_ago) if revoked_days_ago is not None else None)
    _db.session.add(row)
    _db.session.commit()
    return row.id


def test_purge_deletes_only_what_ended_long_ago(app, make_user, login):
    from datetime import timedelta

    from app.accounts.models import PasswordReset, UserSession
    from app.core.security import hash_secret, new_secret
    user = make_user()
    browser = login(user)  # a live session, in use
    old_revoked = _session_row(user, revoked_days_ago=40)
    old_expired = _session_row(user, expired_days_ago=31)
    recent_revoked = _session_row(user, revoked_days_ago=5)
    recent_expired = _session_row(user, expired_days_ago=2)
    live = _session_row(user)
    now = utcnow()
    resets = [PasswordReset(user_id=user.id, token_hash=hash_secret(new_secret()), expires_at=now - timedelta(days=d),
                            used_at=u) for d, u in ((40, None), (1, None), (-1, None), (-1, now - timedelta(days=35)))]
    _db.session.add_all(resets)
    _db.session.commit()
    reset_ids = [r.id for r in resets]

    result = app.test_cli_runner().invoke(args=["accounts", "purge-sessions"])
    assert result.exit_code == 0, result.output
    assert "Deleted 2 ended session(s) and 2 dead reset link(s) older than 30 day(s)." in result.output
    _db.session.expire_all()
    left = set(_db.session.scalars(select(UserSession.id).where(UserSession.user_id == user.id)))
    assert old_revoked not in left and old_expired not in left
    assert {recent_revoked, recent_expired, live} <= left and len(left) == 4  # and the browser's own
    assert set(_db.session.scalars(select(PasswordReset.id))) == {reset_ids[1], reset_ids[2]}
    assert browser.get("/api/me").status_code == 200

    result = app.test_cli_runner().invoke(args=["accounts", "purge-sessions", "--days", "1"])
    assert "Deleted 2 ended session(s) and 1 dead reset link(s) older than 1 day(s)." in result.output
    assert browser.get("/api/me").status_code == 200


def test_purge_refuses_a_negative_age(app, db):
    result = app.test_cli_runner().invoke(args=["accounts", "purge-sessions", "--days", "-3"])
    assert result.exit_code != 0 and "-3" in result.output
