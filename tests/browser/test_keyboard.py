"""Keyboard only, in Chinese: skip to the content, sign in, open and close the account menu, search the marketplace
and open a listing, with only Tab, Enter, typing and Escape; every control reached shows where the focus is, and
none hides under the sticky header."""
from tests.browser.conftest import DEMO_PASSWORD

FOCUSED = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  const box = e.getBoundingClientRect();
  const at = document.elementFromPoint(box.left + box.width / 2, box.top + Math.min(box.height / 2, 8));
  return {tag: e.tagName.toLowerCase(), id: e.id, name: e.getAttribute('name'), href: e.getAttribute('href'),
          text: (e.innerText || e.value || '').trim().slice(0, 60), cls: e.className,
          ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
          onTop: !!at && (at === e || e.contains(at)),
          visible: box.width > 0 && box.height > 0 && box.right > 0 && box.left < innerWidth};
}"""


def tab_to(page, wanted, *, limit: int = 80, back: bool = False) -> dict:
    """Press Tab (Shift+Tab) until `wanted(focused)`; every stop on the way must show the focus."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["visible"] and focused["ring"], f"the focus is not shown on {focused}"
        assert focused["onTop"], f"the focused control is hidden (under the sticky header?): {focused}"
        if wanted(focused):
            return focused
    raise AssertionError(f"not reached in {limit} presses of Tab")


def test_keyboard_only_journey(browser, site, shot):
    context = browser.new_context(base_url=site.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto("/")
        # the skip link comes first, shows when focused, and moves the focus to the content
        first = tab_to(page, lambda f: True, limit=1)
        assert first["cls"] == "skip-link" and first["text"] == "跳到正文"
        shot(page, "1-skip-link")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"

        tab_to(page, lambda f: f["href"] == "/login", back=True)  # back up into the header
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "email"  # the form has the focus already
        page.keyboard.type("founder@demo.fuhua.dev")
        page.keyboard.press("Tab")
        page.keyboard.type(DEMO_PASSWORD)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator("details.user-menu").count() == 1

        # the account menu opens with Enter, is walked with Tab, and Escape closes it back onto its button
        tab_to(page, lambda f: f["tag"] == "summary")
        page.keyboard.press("Enter")
        assert page.locator("details.user-menu[open]").count() == 1
        tab_to(page, lambda f: f["href"] == "/settings")
        shot(page, "2-account-menu")
        page.keyboard.press("Escape")
        assert page.locator("details.user-menu[open]").count() == 0
        assert page.evaluate("document.activeElement.tagName") == "SUMMARY"

        tab_to(page, lambda f: f["href"] == "/resources", back=True)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        tab_to(page, lambda f: f["id"] == "market-q")
        page.keyboard.type("算力")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "q=" in page.url and page.locator("#market-q").input_value() == "算力"
        listing = tab_to(page, lambda f: (f["href"] or "").startswith("/resources/") and f["href"][11:].isdigit())
        shot(page, "3-results")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith(listing["href"]) and page.locator("h1").inner_text() == listing["text"]
        shot(page, "4-listing")
    finally:
        context.close()
