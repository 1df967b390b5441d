"""Password reset: an emailed, hashed, single-use, expiring link (real SMTP: aiosmtpd); the new password follows the
rule; every session of the account ends; no account enumeration; limits per address and per account."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.accounts.models import PasswordReset
from app.core.security import hash_secret
from app.extensions import db as _db
from tests.accounts.test_sessions import copy_cookies
from tests.accounts.test_views import csrf_from
from tests.conftest import PASSWORD
from tests.notifications.conftest import smtp_server  # noqa: F401  (a real SMTP server in-process)

NEW_PASSWORD = "harbour-violet-copper-kite-31"
LINK = re.compile(r"http://localhost/password/reset/([A-Za-z0-9_-]+)")


def ask(client, email: str, *, lang: str = "en"):
    """Submit the "forgot your password" page as a person would."""
    headers = {"Accept-Language": lang}
    page = client.get("/password/forgot", headers=headers).get_data(as_text=True)
    return client.post("/password/forgot", data={"csrf_token": csrf_from(page), "email": email}, headers=headers)


def token_in(message) -> str:
    return LINK.search(message.get_body(("plain",)).get_content()).group(1)


def set_password(client, token: str, password: str, confirm: str | None = None, *, lang: str = "en"):
    headers = {"Accept-Language": lang}
    page = client.get(f"/password/reset/{token}", headers=headers)
    assert page.status_code == 200, page.get_data(as_text=True)
    return client.post(f"/password/reset/{token}", headers=headers, data={
        "csrf_token": csrf_from(page.get_data(as_text=True)), "password": password,
        "confirm": password if confirm is None else confirm})


def test_login_page_links_to_the_reset_form(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in html and "Forgot your password?" in html


def test_reset_link_is_emailed_and_only_its_hash_is_stored(app, client, make_user, smtp_server):  # noqa: F811
    user = make_user(email="ada@example.test", name="Ada Lovelace", locale="en")
    response = ask(client, "  ADA@example.test ")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert "we have emailed it a link" in client.get("/login").get_data(as_text=True)

    (message,) = smtp_server.messages
    assert smtp_server.envelopes[0].rcpt_tos == ["ada@example.test"]
    assert message["Subject"] == "Set a new password for Fuhua"
    text = message.get_body(("plain",)).get_content()
    assert text.startswith("Hello Ada Lovelace,") and "60 minutes" in text
    token = token_in(message)
    assert f'href="http://localhost/password/reset/{token}"' in message.get_body(("html",)).get_content()
    (row,) = _db.session.scalars(select(PasswordReset).where(PasswordReset.user_id == user.id))
    assert row.token_hash == hash_secret(token) and token not in row.token_hash
    assert timedelta(minutes=59) < row.expires_at - row.created_at <= timedelta(minutes=61)


def test_chinese_account_gets_the_email_in_chinese(client, make_user, smtp_server):  # noqa: F811
    make_user(email="wang@example.test", name="王芳", locale="zh")
    ask(client, "wang@example.test", lang="en")  # asked from an English page: the email follows the account
    (message,) = smtp_server.messages
    assert message["Subject"] == "为你的孵化账号设置新密码"
    assert '<html lang="zh-CN">' in message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert "王芳" in text and "60 分钟内有效" in text and "minutes" not in text


def test_unknown_and_known_addresses_get_the_same_answer(app, client, make_user, smtp_server):  # noqa: F811
    make_user(email="known@example.test")
    answers = []
    for email in ("known@example.test", "nobody@example.test"):
        c = app.test_client()
        response = ask(c, email)
        flash = re.search(r'class="flash[^"]*">([^<]+)<', c.get("/login").get_data(as_text=True)).group(1)
        answers.append((response.status_code, response.headers["Location"], flash.replace(email, "EMAIL")))
    assert answers[0] == answers[1]
    assert len(smtp_server.messages) == 1  # only the real account got mail

    api = [app.test_client() for _ in range(2)]
    replies = []
    for c, email in zip(api, ("known@example.test", "nobody@example.test"), strict=True):
        csrf = c.get("/api/auth/csrf").get_json()["csrf_token"]
        r = c.post("/api/auth/password-reset", json={"email": email}, headers={"X-CSRFToken": csrf})
        replies.append((r.status_code, r.get_json()))
    assert replies[0] == replies[1]
    assert replies[0][0] == 202 and "we have emailed it a link" in replies[0][1]["message"]


def test_deactivated_account_gets_no_link(client, make_user, smtp_server):  # noqa: F811
    make_user(email="gone@example.test", is_active_account=False)
    assert ask(client, "gone@example.test").status_code == 302
    assert smtp_server.messages == []


def test_reset_ends_every_session_and_the_new_password_signs_in(app, client, make_user, login,
                                                                smtp_server):  # noqa: F811
    user = make_user(email="grace@example.test", name="Grace Hopper")
    laptop, phone = login(user), login(user)
    thief = copy_cookies(app, phone)
    ask(client, "grace@example.test")
    token = token_in(smtp_server.messages[0])

    response = set_password(client, token, NEW_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    for c in (laptop, phone, thief):
        assert c.get("/api/me").status_code == 401
    fresh = app.test_client()
    assert fresh.post("/api/auth/login", json={"email": user.email, "password": PASSWORD}).status_code == 401
    assert fresh.post("/api/auth/login", json={"email": user.email, "password": NEW_PASSWORD}).status_code == 200


def test_reset_closes_the_accounts_sockets(app, client, make_user, login, socket_client, smtp_server):  # noqa: F811
    user = make_user(email="sock@example.test")
    sc = socket_client(login(user))
    assert sc.is_connected()
    ask(client, "sock@example.test")
    set_password(client, token_in(smtp_server.messages[0]), NEW_PASSWORD)
    assert not sc.is_connected()


def test_link_works_once(app, client, make_user, smtp_server):  # noqa: F811
    make_user(email="once@example.test")
    ask(client, "once@example.test")
    token = token_in(smtp_server.messages[0])
    assert set_password(client, token, NEW_PASSWORD).status_code == 302
    again = client.get(f"/password/reset/{token}")
    assert again.status_code == 404
    html = again.get_data(as_text=True)
    assert "expired or has already been used" in html and 'href="/password/forgot"' in html
    assert 'name="password"' not in html


def test_a_reset_kills_the_accounts_other_links(app, client, make_user, smtp_server):  # noqa: F811
    make_user(email="two@example.test")
    ask(client, "two@example.test")
    ask(client, "two@example.test")
    first, second = (token_in(m) for m in smtp_server.messages)
    assert set_password(client, second, NEW_PASSWORD).status_code == 302
    assert client.get(f"/password/reset/{first}").status_code == 404


def test_expired_link_is_refused(app, client, make_user, smtp_server):  # noqa: F811
    user = make_user(email="late@example.test")
    ask(client, "late@example.test")
    token = token_in(smtp_server.messages[0])
    _db.session.execute(update(PasswordReset).where(PasswordReset.user_id == user.id)
                        .values(expires_at=PasswordReset.created_at))
    _db.session.commit()
    assert client.get(f"/password/reset/{token}").status_code == 404
    csrf = client.get("/api/auth/csrf").get_json()["csrf_token"]
    r = client.post("/api/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD},
                    headers={"X-CSRFToken": csrf})
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "reset_link_invalid"


@pytest.mark.parametrize(("password", "confirm", "says"), [
    ("short-one", None, "at least 12 characters"),
    ("password1234", None, "too common"),
    ("rosalind franklin 1920", None, "your name"),
    (NEW_PASSWORD, NEW_PASSWORD + "x", "The passwords differ."),
])
def test_new_password_follows_the_rule_and_the_form_stays(app, client, make_user, smtp_server,  # noqa: F811
                                                          password, confirm, says):
    make_user(email="rosalind@example.test", name="Rosalind Franklin")
    ask(client, "rosalind@example.test")
    token = token_in(smtp_server.messages[0])
    response = set_password(client, token, password, confirm)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert says in html and 'aria-invalid="true"' in html
    assert set_password(client, token, NEW_PASSWORD).status_code == 302  # the link still works after a refusal


def test_reset_pages_in_chinese(app, client, make_user, smtp_server):  # noqa: F811
    make_user(email="li@example.test", name="李雷", locale="zh")
    form = client.get("/password/forgot", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "忘记密码？" in form and "把链接发到我的邮箱" in form
    ask(client, "li@example.test", lang="zh")
    assert "我们已向该邮箱发送了设置新密码的链接" in client.get("/login", headers={"Accept-Language": "zh"}).get_data(
        as_text=True)
    token = token_in(smtp_server.messages[0])
    page = client.get(f"/password/reset/{token}", headers={"Accept-Language": "zh-CN"})
    html = page.get_data(as_text=True)
    assert "设置新密码" in html and "li@example.test" in html
    assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["Cache-Control"] == "no-store"
    weak = set_password(client, token, "short", lang="zh").get_data(as_text=True)
    assert "至少" in weak
    done = set_password(client, token, NEW_PASSWORD, lang="zh")
    assert done.status_code == 302
    assert "密码已修改" in client.get("/login", headers={"Accept-Language": "zh"}).get_data(as_text=True)


def test_per_account_limit_sends_no_more_mail_but_answers_the_same(app, make_user, smtp_server):  # noqa: F811
    make_user(email="busy@example.test")
    answers = set()
    for _ in range(5):  # five asks fit the address's limit; the account's allows three emails an hour
        answers.add(ask(app.test_client(), "busy@example.test").status_code)
    assert answers == {302}
    assert len(smtp_server.messages) == 3


def test_per_address_limit_covers_page_and_api(app, client, make_user):
    for _ in range(3):
        assert ask(client, "someone@example.test").status_code == 302
    csrf = client.get("/api/auth/csrf").get_json()["csrf_token"]
    for _ in range(2):
        r = client.post("/api/auth/password-reset", json={"email": "x@example.test"}, headers={"X-CSRFToken": csrf})
        assert r.status_code == 202
    assert ask(client, "someone@example.test").status_code == 429
    r = client.post("/api/auth/password-reset", json={"email": "x@example.test"}, headers={"X-CSRFToken": csrf})
    assert r.status_code == 429 and r.get_json()["error"]["code"] == "rate_limited"


@pytest.mark.parametrize("token", ["a\x00b", "\ud800", "x" * 5000, "../../etc/passwd"])
def test_hostile_tokens_are_a_clear_4xx(client, token):
    csrf = client.get("/api/auth/csrf").get_json()["csrf_token"]
    r = client.post("/api/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD},
                    headers={"X-CSRFToken": csrf})
    assert 400 <= r.status_code < 500
    assert "error" in r.get_json()
