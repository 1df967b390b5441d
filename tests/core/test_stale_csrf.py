"""A form sent with a stale CSRF token (the page was open across a sign-in or sign-out, or another session's token):
on the form pages it comes back with what was typed and a message saying why, in the page's language; it is never
acted on; elsewhere it is the 400 page."""
import re

import pytest

from app.core.security import FORM_PAGES
from tests.conftest import PASSWORD

STALE = {"en": "The form was not sent", "zh": "表单未能提交"}


def csrf_from(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def stale_token(app) -> str:
    """A well-formed token of another session of this site."""
    other = app.test_client()
    return csrf_from(other.get("/login").get_data(as_text=True))


def test_every_form_page_is_an_endpoint(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert FORM_PAGES <= endpoints, FORM_PAGES - endpoints


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sign_in_with_a_stale_token_keeps_the_email_and_says_why(app, client, make_user, lang):
    user = make_user(email="杨@example.test")
    client.get("/login")
    response = client.post("/login", headers={"Accept-Language": lang}, data={
        "csrf_token": stale_token(app), "email": user.email, "password": PASSWORD})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert STALE[lang] in html and f'value="{user.email}"' in html
    assert 'value="' + PASSWORD + '"' not in html  # passwords are never sent back
    assert client.get("/api/me").status_code == 401  # not signed in
    assert csrf_from(html) != ""  # a fresh token to send it again with
    again = client.post("/login", data={"csrf_token": csrf_from(html), "email": user.email, "password": PASSWORD})
    assert again.status_code == 302


def test_a_stale_token_changes_nothing_on_a_signed_in_form(app, login, make_user):
    api = login(make_user(name="原来的名字"))
    response = api.client.post("/settings", headers={"Accept-Language": "zh"}, data={
        "csrf_token": stale_token(app), "name": "新名字", "locale": "", "timezone": "Asia/Shanghai", "submit": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and STALE["zh"] in html and 'value="新名字"' in html
    assert "请修改标出的字段" not in html  # nothing else was wrong
    assert api.get("/api/me").get_json()["name"] == "原来的名字"


def test_a_missing_token_on_a_form_page_is_the_same(client, make_user):
    client.get("/register")
    response = client.post("/register", data={"name": "王小明", "email": "wang@example.test", "password": PASSWORD,
                                              "confirm": PASSWORD, "role": "founder"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and STALE["en"] in html and 'value="王小明"' in html
    assert client.get("/api/me").status_code == 401


def test_a_stale_token_elsewhere_is_refused(app, login, make_user):
    api = login(make_user())
    response = api.client.post("/notifications/read-all", headers={"Accept-Language": "zh"},
                               data={"csrf_token": stale_token(app)})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
