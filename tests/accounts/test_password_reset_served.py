"""Password reset served for real, its mail going to a real SMTP server (aiosmtpd in the test process): the whole
journey in Chromium from the sign-in page's link, in English and Chinese, and two concurrent uses of one link
(on PostgreSQL when TEST_DATABASE_URL is set): exactly one sets the password."""
import re
import secrets
import time
from collections import Counter
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import requests
from aiosmtpd.controller import Controller

from tests.browser.conftest import ARTIFACTS, CHROMIUM, Console
from tests.mentoring.test_concurrency import at_once
from tests.notifications.conftest import CollectingHandler, free_port
from tests.served import serve

pytestmark = pytest.mark.served
OLD_PASSWORD = "saffron-lighthouse-gravel-64"
NEW_PASSWORD = "harbour-violet-copper-kite-31"
TEXT = {
    "en": {"locale": "en-US", "name": "Ada Reset", "forgot": "Forgot your password?", "send": "Email me a link",
           "sent": "we have emailed it a link", "subject": "Set a new password for Fuhua", "set": "Set new password",
           "short": "at least 12 characters", "done": "Your password is changed", "signed_in": "Welcome back"},
    "zh": {"locale": "zh-CN", "name": "重置 张伟", "forgot": "忘记密码？", "send": "把链接发到我的邮箱",
           "sent": "我们已向该邮箱发送了设置新密码的链接", "subject": "为你的孵化账号设置新密码",
           "set": "设置新密码", "short": "至少需要 12 个字符", "done": "密码已修改", "signed_in": "欢迎回来"},
}


@pytest.fixture(scope="module")
def mail():
    handler = CollectingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


@pytest.fixture(scope="module")
def served(mail):
    _handler, port = mail
    with serve(env={"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port)}) as app:
        yield app


def link_for(mail, email: str, timeout: float = 15.0) -> str:
    """The reset link of the newest email to `email` (sending happens in the background after the request)."""
    handler, _port = mail
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # One copy of the list: the SMTP server's thread may add an email between two reads of it.
        for envelope in reversed(list(handler.envelopes)):
            if envelope.rcpt_tos == [email]:
                message = message_from_bytes(envelope.content, policy=policy.default)
                text = message.get_body(("plain",)).get_content()
                return re.search(r"http://127\.0\.0\.1:\d+/password/reset/[A-Za-z0-9_-]+", text).group(0)
        time.sleep(0.1)
    raise AssertionError(f"no email to {email} arrived")


def register(url: str, lang: str) -> tuple[str, requests.Session]:
    """A new account, and a signed-in client of it (another device whose session the reset must end)."""
    email = f"reset-{lang}-{secrets.token_hex(4)}@example.test"
    device = requests.Session()
    csrf = device.get(url + "/api/auth/csrf").json()["csrf_token"]
    made = device.post(url + "/api/auth/register", headers={"X-CSRFToken": csrf},
                       json={"email": email, "password": OLD_PASSWORD, "name": TEXT[lang]["name"], "role": "founder",
                             "locale": lang})
    assert made.status_code == 201, made.text
    assert device.get(url + "/api/me").status_code == 200
    return email, device


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}")
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_reset_a_forgotten_password_in_the_browser(browser, served, mail, lang):
    from playwright.sync_api import expect

    t = TEXT[lang]
    email, other_device = register(served.url, lang)
    context = browser.new_context(base_url=served.url, locale=t["locale"], timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.console = Console(page)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        page.goto("/login")
        page.click(f"text={t['forgot']}")
        page.wait_for_url("**/password/forgot")
        page.fill("#email", email)
        page.screenshot(path=str(ARTIFACTS / f"reset-forgot-{lang}.png"), full_page=True)
        page.get_by_role("button", name=t["send"]).click()
        page.wait_for_url("**/login")
        expect(page.locator(".flashes .flash")).to_contain_text(t["sent"])

        handler, _port = mail
        link = link_for(mail, email)
        message = next(m for e, m in zip(handler.envelopes, handler.messages, strict=True) if e.rcpt_tos == [email])
        assert message["Subject"] == t["subject"]

        page.goto(link)
        expect(page.locator("main")).to_contain_text(email)
        page.fill("#password", "too-short")
        page.fill("#confirm", "too-short")
        page.get_by_role("button", name=t["set"]).click()
        expect(page.locator("#password-error")).to_contain_text(t["short"])
        page.screenshot(path=str(ARTIFACTS / f"reset-weak-{lang}.png"), full_page=True)
        page.fill("#password", NEW_PASSWORD)
        page.fill("#confirm", NEW_PASSWORD)
        page.get_by_role("button", name=t["set"]).click()
        page.wait_for_url("**/login")
        expect(page.locator(".flashes .flash")).to_contain_text(t["done"])
        page.screenshot(path=str(ARTIFACTS / f"reset-done-{lang}.png"), full_page=True)

        assert other_device.get(served.url + "/api/me").status_code == 401  # every session ended

        page.fill("#email", email)
        page.fill("#password", NEW_PASSWORD)
        page.click("main form [type=submit]")
        expect(page.locator(".flashes .flash")).to_contain_text(t["signed_in"])
        assert page.locator("details.user-menu").count() == 1

        page.goto(link)  # the link worked once
        expect(page.locator("main .flash-error")).to_be_visible()
        assert page.locator("#password").count() == 0
        assert not page.console.csp_violations()
    finally:
        context.close()


def test_two_concurrent_uses_of_one_link_one_wins(served, mail):
    email, _device = register(served.url, "en")
    asker = requests.Session()
    csrf = asker.get(served.url + "/api/auth/csrf").json()["csrf_token"]
    assert asker.post(served.url + "/api/auth/password-reset", json={"email": email},
                      headers={"X-CSRFToken": csrf}).status_code == 202
    token = link_for(mail, email).rsplit("/", 1)[1]

    clients = []
    for _ in range(6):
        c = requests.Session()
        clients.append((c, c.get(served.url + "/api/auth/csrf").json()["csrf_token"]))
    passwords = [f"{NEW_PASSWORD}-{i}" for i in range(len(clients))]
    responses = at_once([
        (lambda c=c, h=h, p=p: c.post(served.url + "/api/auth/password-reset/confirm",
                                      json={"token": token, "password": p}, headers={"X-CSRFToken": h}))
        for (c, h), p in zip(clients, passwords, strict=True)])
    outcome = Counter(r.status_code for r in responses)
    assert outcome == {204: 1, 404: len(clients) - 1}, [r.text for r in responses]
    winner = passwords[[r.status_code for r in responses].index(204)]
    login = requests.post(served.url + "/api/auth/login", json={"email": email, "password": winner},
                          headers={"X-CSRFToken": csrf}, cookies=asker.cookies)
    assert login.status_code == 200, login.text
