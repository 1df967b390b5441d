"""Browser tests: the app served for real (tests/served.py), driven by Debian's Chromium through Playwright.

Screenshots go to tests/artifacts/ (gitignored). Skipped, with the reason, when /usr/bin/chromium is missing.
"""
import os
import re
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("FUHUA_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
DEMO_PASSWORD = "demo-password"


def pytest_collection_modifyitems(config, items):
    reason = None
    if not Path(CHROMIUM).exists():
        reason = f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "playwright is not installed in the virtual environment"
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.path)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.served)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


class Console:
    """What the page reported: console errors (CSP violations among them) and uncaught exceptions."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("console", lambda msg: self.errors.append(f"console.{msg.type}: {msg.text}")
                if msg.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def csp_violations(self) -> list[str]:
        return [e for e in self.errors if "Content Security Policy" in e]

    def clear(self) -> None:
        self.errors.clear()


@pytest.fixture
def page(browser, site):
    """A fresh browser context (no cookies) in English, with its console watched as `page.console`."""
    context = browser.new_context(base_url=site.url, locale="en-US", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.console = Console(page)
    yield page
    context.close()


@pytest.fixture
def shot(request):
    """shot(page, "step") saves tests/artifacts/<test>-<step>.png (full page)."""
    ARTIFACTS.mkdir(exist_ok=True)
    test_name = re.sub(r"[^\w-]+", "_", request.node.name)

    def take(page, step: str) -> Path:
        path = ARTIFACTS / f"{test_name}-{step}.png"
        page.evaluate("window.scrollTo(0, 0)")  # else the sticky header is drawn where the page was scrolled
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def wait_until(page, predicate: str, timeout: float = 15.0) -> None:
    """Poll `predicate` (a JS arrow function) from here until it is truthy.

    Not `page.wait_for_function`: once its first check fails it polls with eval() inside the page, which the
    site's CSP (script-src 'self') forbids, so it raises whenever the condition is not already true.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(predicate):
        assert time.monotonic() < deadline, f"still false after {timeout}s: {predicate}"
        page.wait_for_timeout(100)


def sign_in(page, email: str, password: str = DEMO_PASSWORD, *, lang: str = "en") -> None:
    """Sign in on the shared demo site, in `lang`: the account's language is set each time, so a test
    that switched a demo account to Chinese does not leave the next test reading Chinese."""
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main form [type=submit]")
    page.wait_for_load_state()
    assert page.locator("details.user-menu").count() == 1, f"not signed in as {email}: {page.url}"
    if page.locator("html").get_attribute("lang") != ("zh-CN" if lang == "zh" else "en"):
        page.click("header form.lang-switch button")
        page.wait_for_load_state()


def confirm_in_page(page) -> None:
    """Say yes to the page's own confirmation (base.html's <dialog>, opened by a `data-confirm` form or a button
    that asks first)."""
    from playwright.sync_api import expect
    dialog = page.locator("dialog[data-confirm-dialog]")
    expect(dialog).to_be_visible()
    dialog.locator("[data-confirm-ok]").click()


@pytest.fixture(scope="session")
def walk_state(site):
    """What the walks share (tests/browser/walking.py): the demo data's texts, the URL patterns axe has checked,
    and the pages with forms each person reached."""
    from tests.browser.walking import content_of
    return {"content": content_of(site.database_url), "axe_done": set(), "walked": set(), "form_pages": {}}
