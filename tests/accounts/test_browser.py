"""The Sessions page in the browser: one device signs another out; the other's next page is the sign-in page and
its open socket is closed. Real server with the demo data, real Chromium, in English and in Chinese."""
import secrets
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, CHROMIUM, Console, sign_in, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.served,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}")]

PASSWORD = "lantern-orchard-quiet-river-58"
WINDOWS_FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE_SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                 "Version/17.5 Mobile/15E148 Safari/604.1")
TEXT = {
    "en": {"locale": "en-US", "name": "Ada Sessions", "tab": "Active sessions", "laptop": "Firefox on Windows",
           "phone": "Safari on iOS", "this": "This session", "sign_out": "Sign out",
           "done": "That session is signed out.", "login": "Sign in"},
    "zh": {"locale": "zh-CN", "name": "会话测试 王芳", "tab": "登录会话", "laptop": "Windows 上的 Firefox",
           "phone": "iOS 上的 Safari", "this": "当前会话", "sign_out": "退出登录", "done": "该会话已退出登录。",
           "login": "登录"},
}


def _context(browser, site, lang: str, user_agent: str):
    context = browser.new_context(base_url=site.url, locale=TEXT[lang]["locale"], timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 900}, user_agent=user_agent)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.console = Console(page)
    return context, page


def _register(page, lang: str) -> str:
    """A fresh account of this test's own (signing out demo accounts would disturb other tests)."""
    email = f"sessions-{lang}-{secrets.token_hex(4)}@example.test"
    page.goto("/login")
    csrf = page.request.get("/api/auth/csrf").json()["csrf_token"]
    made = page.request.post("/api/auth/register", headers={"X-CSRFToken": csrf},
                             data={"email": email, "password": PASSWORD, "name": TEXT[lang]["name"],
                                   "role": "investor", "locale": lang})
    assert made.status == 201, made.text()
    page.request.post("/api/auth/logout", headers={"X-CSRFToken": made.json()["csrf_token"]})
    page.context.clear_cookies()
    return email


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"sessions-{name}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sign_out_another_device_from_the_sessions_page(browser, site, lang):
    from playwright.sync_api import expect

    t = TEXT[lang]
    laptop_ctx, laptop = _context(browser, site, lang, WINDOWS_FIREFOX)
    phone_ctx, phone = _context(browser, site, lang, IPHONE_SAFARI)
    try:
        email = _register(laptop, lang)
        sign_in(phone, email, PASSWORD, lang=lang)
        sign_in(laptop, email, PASSWORD, lang=lang)

        # The phone has a page open with its live socket; record how that socket ends.
        phone.goto("/notifications")
        wait_until(phone, "() => !!(window.Fuhua && window.Fuhua.socket && window.Fuhua.socket.connected)")
        phone.evaluate("""() => { window.__closed = null;
            window.Fuhua.socket.on('disconnect', (reason) => { window.__closed = reason; }); }""")

        # The laptop opens Settings → Active sessions: both sessions, with device, address and last seen.
        laptop.goto("/settings")
        laptop.click(f"nav.tabs a:has-text('{t['tab']}')")
        laptop.wait_for_url("**/settings/sessions")
        rows = laptop.locator("main table tbody tr")
        expect(rows).to_have_count(2)
        mine = rows.filter(has_text=t["this"])
        other = rows.filter(has_text=t["phone"])
        expect(mine).to_contain_text(t["laptop"])
        expect(other).to_have_count(1)
        expect(other).to_contain_text("127.0.0.1")
        expect(other.locator("td").nth(3)).not_to_be_empty()  # last seen
        assert mine.locator("button").count() == 0  # one does not sign oneself out here
        _shot(laptop, f"two-{lang}")

        other.get_by_role("button", name=t["sign_out"]).click()
        laptop.wait_for_load_state()
        expect(laptop.locator(".flashes .flash").first).to_contain_text(t["done"])
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text(t["this"])
        _shot(laptop, f"after-{lang}")

        # The phone's socket was closed by the server, and it does not come back.
        wait_until(phone, "() => window.__closed !== null", timeout=10)
        assert phone.evaluate("window.__closed") == "io server disconnect"
        phone.wait_for_timeout(1500)
        assert phone.evaluate("window.Fuhua.socket.connected") is False

        # The phone's next page load lands on the sign-in page.
        phone.goto("/settings")
        phone.wait_for_url("**/login**")
        expect(phone.locator("main h1")).to_have_text(t["login"])
        assert phone.locator("details.user-menu").count() == 0
        _shot(phone, f"phone-signed-out-{lang}")

        # The laptop is still signed in.
        laptop.goto("/settings/sessions")
        expect(laptop.locator("details.user-menu")).to_have_count(1)
        assert not [e for e in laptop.console.errors + phone.console.errors if "Content Security Policy" in e]
    finally:
        laptop_ctx.close()
        phone_ctx.close()
