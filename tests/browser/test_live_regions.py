"""The live room speaks what is new, in Chinese: a question someone asks is announced through a live region to the
others (once: a vote that re-sorts the list does not read it out again), the chat is a polite live region, and
the reaction buttons are named in the page's language."""
import time

from tests.browser.conftest import Console, sign_in


def _room(browser, site, email):
    context = browser.new_context(base_url=site.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.console = Console(page)
    sign_in(page, email, lang="zh")
    roadshow = page.request.get("/api/roadshows?when=upcoming").json()["items"][0]["id"]
    page.goto(f"/roadshows/{roadshow}/live")
    page.wait_for_selector("[data-conn].is-live", state="attached")
    return context, page


def test_new_questions_are_announced_once_and_reactions_are_named_in_chinese(browser, site, shot):
    from playwright.sync_api import expect

    mod_ctx, mod = _room(browser, site, "admin@demo.fuhua.dev")
    viewer_ctx, viewer = _room(browser, site, "investor@demo.fuhua.dev")
    try:
        assert mod.locator("[data-announcer]").inner_text() == ""  # what was there on joining is not read out
        question = f"毛利率是多少？{time.time_ns()}"
        viewer.select_option("[data-ask-pitch]", index=1)
        viewer.fill("#ask-body", question)
        viewer.press("#ask-body", "Enter")
        # to the moderator: a new question, or one to review when the room pre-moderates
        expect(mod.locator("[data-announcer] p")).to_have_count(1)
        said = mod.locator("[data-announcer] p").inner_text()
        assert said.startswith(("新提问: ", "待审核的新提问: ")) and question in said, said
        if said.startswith("待审核"):  # approved, it joins the audience's list: announced there as new
            mod.locator("[data-review] li", has_text=question).locator("button:not(.rs-vote)").first.click()
            expect(mod.locator("[data-announcer] p")).to_have_count(2)
        spoken = mod.locator("[data-announcer] p").count()
        vote = viewer.locator("[data-questions] li", has_text=question).locator(".rs-vote")
        mod.locator("[data-questions] li", has_text=question).locator(".rs-vote").click()
        expect(vote).to_contain_text("1")
        expect(mod.locator("[data-announcer] p")).to_have_count(spoken)  # re-sorted, not announced again
        assert viewer.locator("[data-announcer] p", has_text=question).count() <= 1

        assert viewer.get_attribute("[data-messages]", "aria-live") == "polite"
        names = viewer.locator("[data-reaction]").evaluate_all("bs => bs.map(b => b.getAttribute('aria-label'))")
        assert names == ["鼓掌", "喜欢", "火爆", "大笑", "惊叹", "一飞冲天"]
        shot(viewer, "room-zh")
        assert not mod.console.errors and not viewer.console.errors
    finally:
        mod_ctx.close()
        viewer_ctx.close()
