"""A founder's first visit, in a real browser: register, sign out and in, create a startup, find it in the
showcase, read it in Chinese; and the sign-in form by keyboard alone."""
import re
import uuid
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import sign_in

PASSWORD = "lidar-orchard-lantern-1"  # the password rule refuses one containing the name
ROOT = Path(__file__).resolve().parent.parent.parent


def zh(msgid: str) -> str | None:
    """The Chinese translation the server would show, or None while the catalogue lacks it."""
    from babel.support import Translations

    translated = Translations.load(str(ROOT / "translations"), ["zh"]).gettext(msgid)
    return translated if translated and translated != msgid else None


def test_founder_journey(page, shot):
    suffix = uuid.uuid4().hex[:8]
    email = f"journey-{suffix}@example.com"
    startup_name = f"Lidarworks {suffix}"

    # Register as a founder.
    page.goto("/register")
    page.fill("#name", "Journey Founder")
    page.fill("#email", email)
    page.select_option("#role", "founder")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    shot(page, "1-register")
    page.click("main form [type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("Journey Founder")
    expect(page.locator("details.user-menu")).to_have_count(1)

    # Sign out through the account menu, then back in.
    page.click("details.user-menu summary")
    page.click("details.user-menu button:has-text('Sign out')")
    expect(page.locator("details.user-menu")).to_have_count(0)
    sign_in(page, email, PASSWORD)

    # Create a startup through the form, reached from "My startups".
    page.click("#site-nav a:has-text('My startups')")
    page.click("main a[href$='/startups/new']")
    page.fill("#name", startup_name)
    page.select_option("#sector", "robotics")
    page.select_option("#stage", "prototype")
    page.fill("#summary", "Solid-state lidar for warehouse robots, built from one photonic chip.")
    page.fill("#needs", "A pilot warehouse and EMC testing.")
    page.fill("#tags", "lidar, 自动驾驶, photonics")
    shot(page, "2-new-startup")
    page.click("main form [type=submit]")
    expect(page).to_have_url(re.compile(r"/startups/\d+$"))
    expect(page.locator("h1")).to_contain_text(startup_name)
    detail_url = page.url
    shot(page, "3-startup-created")

    # Find it in the showcase by searching, and open it.
    page.click("#site-nav a:has-text('Showcase')")
    page.fill("#showcase-q", suffix)
    page.press("#showcase-q", "Enter")
    cards = page.locator("a.org-card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(startup_name)
    shot(page, "4-showcase-search")
    cards.first.click()
    expect(page).to_have_url(detail_url)
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # Switch the interface to Chinese with the header switcher; the page stays the same.
    switcher = page.locator("form.lang-switch button")
    expect(switcher).to_have_text("中文")
    switcher.click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page).to_have_url(detail_url)
    expect(page.locator("form.lang-switch button")).to_have_text("English")
    expect(page.locator("h1")).to_contain_text(startup_name)
    showcase_zh = zh("Showcase")
    if showcase_zh:  # the Chinese catalogue is filled in at the end; check it once it is there
        expect(page.locator("#site-nav")).to_contain_text(showcase_zh)
    shot(page, "5-chinese")
    assert page.console.csp_violations() == []


def test_sign_in_by_keyboard_alone(page, site, shot):
    page.goto("/login")
    # Start the Tab sequence at the top of the page (a click there moves the starting point, unlike blur()).
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.mouse.click(2, 2)
    page.keyboard.press("Shift+Tab")
    expect(page.locator(".skip-link")).to_be_focused()  # the first stop, and visible when focused
    expect(page.locator(".skip-link")).to_be_in_viewport()
    order = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.id || document.activeElement.name || "
                                "document.activeElement.tagName")
        order.append(focused)
        if focused == "password":
            break
    assert "email" in order and "password" in order, f"Tab never reached the sign-in fields: {order}"
    assert order.index("email") < order.index("password")

    # Fill in and submit with the keyboard only.
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#email")).to_be_focused()
    page.keyboard.type("founder@demo.fuhua.dev")
    page.keyboard.press("Tab")
    expect(page.locator("#password")).to_be_focused()
    page.keyboard.type("demo-password")
    shot(page, "filled")
    page.keyboard.press("Enter")
    expect(page.locator("details.user-menu")).to_have_count(1)
    expect(page.locator(".flash-success")).to_be_visible()
