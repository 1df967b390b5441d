"""The in-page confirmation that replaced the browser's confirm(), in Chinese and by keyboard alone: a form that asks
first opens a modal <dialog> in the page's language with the focus on Cancel; Tab and Shift+Tab stay inside it;
Escape and Cancel send nothing and put the focus back on the button that asked; Continue sends the form."""
from tests.browser.conftest import sign_in

FOCUSED = "() => document.activeElement.closest('[data-confirm-dialog]') ? document.activeElement.textContent.trim() " \
          ": (document.activeElement.getAttribute('data-confirm-button') ?? document.activeElement.tagName)"


def _person(browser, site):
    context = browser.new_context(base_url=site.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: errors.append(f"a native dialog: {dialog.message}"))
    sign_in(page, "investor@demo.fuhua.dev", lang="zh")
    return context, page, errors


def test_a_form_asks_first_in_an_accessible_dialog(browser, site, shot):
    other_context, _other, _ = _person(browser, site)  # a second session, so "sign out all other sessions" shows
    context, page, errors = _person(browser, site)
    try:
        page.goto("/settings/sessions")
        opener = page.locator("form[data-confirm] button[type=submit]")
        opener.evaluate("b => b.setAttribute('data-confirm-button', 'opener')")
        dialog = page.locator("dialog[data-confirm-dialog]")

        opener.focus()
        page.keyboard.press("Enter")
        assert dialog.evaluate("d => d.open && d.matches(':modal')")
        assert dialog.locator("h2").inner_text() == "请确认"
        assert dialog.locator("[data-confirm-message]").inner_text() == "退出其他所有会话？"
        assert page.evaluate(FOCUSED) == "取消"  # the safe answer first
        shot(page, "1-asked")
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUSED) == "继续"
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUSED) == "取消", "Tab left the dialog"
        page.keyboard.press("Shift+Tab")
        assert page.evaluate(FOCUSED) == "继续", "Shift+Tab left the dialog"

        page.keyboard.press("Escape")
        assert not dialog.evaluate("d => d.open")
        assert page.evaluate(FOCUSED) == "opener", "the focus did not come back to the button"
        assert page.url.endswith("/settings/sessions") and page.locator(".flash-info").count() == 0

        page.keyboard.press("Enter")
        page.keyboard.press("Enter")  # on Cancel
        assert not dialog.evaluate("d => d.open") and page.evaluate(FOCUSED) == "opener"
        assert page.locator(".flash-info").count() == 0

        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        with page.expect_navigation():
            page.keyboard.press("Enter")  # on Continue: the form is sent
        assert page.locator(".flash-info").count() == 1
        assert page.locator("form[data-confirm]").count() == 0  # no other session left
        shot(page, "2-sent")
        assert errors == []
    finally:
        context.close()
        other_context.close()
