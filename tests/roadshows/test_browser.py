"""Two browser contexts in the live room: the moderator turns a slide and the viewer follows; the viewer
chats and sees the poll; the moderator sees the viewer's question. Real server (seeded), real Chromium."""
import re
import time
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, CHROMIUM, Console, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.served,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}")]


def _page(browser, site, email):
    context = browser.new_context(base_url=site.url, locale="en-US", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.console = Console(page)
    sign_in(page, email)
    return context, page


def _enter_room(page):
    page.goto("/roadshows")
    page.click("main a:has-text('Hard-tech Demo Day')")
    page.click("main a:has-text('Enter the room')")
    from playwright.sync_api import expect
    expect(page.locator("[data-conn]")).to_have_text("Connected")


def _shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"roadshow-{name}.png"), full_page=True)


def test_moderator_and_viewer_in_the_live_room(browser, site):
    from playwright.sync_api import expect

    mod_ctx, mod = _page(browser, site, "admin@demo.fuhua.dev")
    viewer_ctx, viewer = _page(browser, site, "investor@demo.fuhua.dev")
    try:
        _enter_room(mod)
        _enter_room(viewer)

        # The moderator puts the first pitch on stage; the viewer sees it, with a countdown and slide 1.
        mod.click("[data-stage-set='live']")
        expect(viewer.locator("[data-stage-state]")).to_have_text("Live")
        expect(viewer.locator("[data-countdown]")).to_contain_text("left")
        expect(viewer.locator("[data-slide-img]")).to_have_attribute("src", re.compile(r"/deck/1\.png\?v=1$"))

        # Arrow key on the moderator's page turns the slide for everyone.
        mod.locator("body").press("ArrowRight")
        expect(viewer.locator("[data-slide-img]")).to_have_attribute("src", re.compile(r"/deck/2\.png\?v=1$"))
        expect(viewer.locator("[data-slide-caption]")).to_contain_text("Page 2 of 6")

        # The viewer chats; the moderator sees it once.
        viewer.fill("#chat-body", "Hello from the viewer")
        viewer.press("#chat-body", "Enter")
        expect(mod.locator("[data-messages] li", has_text="Hello from the viewer")).to_have_count(1)
        expect(viewer.locator("[data-messages] li", has_text="Hello from the viewer")).to_have_count(1)

        # The viewer claps and raises a hand: the moderator sees the reaction float up in the next burst, and
        # the raised hand in the list of people (both come with the once-a-second updates).
        viewer.click("[data-reaction='clap']")
        expect(mod.locator("[data-burst] .rs-float").first).to_be_visible()
        viewer.click("[data-hand]")
        expect(mod.locator("[data-people]")).to_contain_text("✋")
        expect(mod.locator("[data-presence-count]")).to_contain_text("1 hand raised")
        viewer.click("[data-hand]")  # lowered again: a raised hand outlives a closed page for the reconnect grace,
        expect(viewer.locator("[data-hand]")).to_have_text("Raise hand")  # and the next test joins within it

        # The moderator opens a poll; the viewer sees it and votes.
        mod.fill("#poll-q", "Ready to invest?")
        mod.fill("#poll-o", "Yes\nNot yet")
        mod.click("[data-poll-form] button[type=submit]")
        expect(viewer.locator("[data-polls]")).to_contain_text("Ready to invest?")
        viewer.locator("[data-polls] .rs-option", has_text="Yes").first.click()
        expect(mod.locator("[data-polls]")).to_contain_text("Yes — 100% (1)")

        # The viewer asks; the moderator sees the question and the counts.
        viewer.fill("#ask-body", "What is your gross margin?")
        viewer.press("#ask-body", "Enter")
        expect(mod.locator("[data-questions]")).to_contain_text("What is your gross margin?")
        expect(mod.locator("[data-qa-counts]")).to_contain_text("asked")
        _shot(mod, "moderator")
        _shot(viewer, "viewer")
        assert not mod.console.csp_violations() and not viewer.console.csp_violations()
        assert not [e for e in mod.console.errors + viewer.console.errors if "uncaught" in e]
    finally:
        mod_ctx.close()
        viewer_ctx.close()


def test_anonymous_viewer_watches_a_public_room(browser, site):
    from playwright.sync_api import expect

    context = browser.new_context(base_url=site.url, locale="en-US")
    page = context.new_page()
    try:
        page.goto("/roadshows")
        page.click("main a:has-text('Hard-tech Demo Day')")
        page.click("main a:has-text('Enter the room')")
        expect(page.locator("[data-conn]")).to_have_text("Connected")
        expect(page.locator("[data-post-hint]")).to_contain_text("Sign in")
        expect(page.locator("[data-chat-form]")).to_be_hidden()
    finally:
        context.close()


def test_viewer_switches_to_a_replaced_deck_when_it_is_ready(browser, site):
    from playwright.sync_api import expect

    from tests.roadshows.conftest import pdf_bytes

    mod_ctx, mod = _page(browser, site, "admin@demo.fuhua.dev")
    viewer_ctx, viewer = _page(browser, site, "investor@demo.fuhua.dev")
    try:
        api = mod.request
        csrf = {"X-CSRFToken": api.get("/api/auth/csrf").json()["csrf_token"]}
        startup_id = api.get("/api/startups").json()["items"][0]["id"]
        roadshow = api.post("/api/roadshows", headers=csrf, data={
            "title": "Deck swap day", "starts_at": "2030-05-01T09:00:00+08:00",
            "ends_at": "2030-05-01T12:00:00+08:00"}).json()
        pitch = api.post(f"/api/roadshows/{roadshow['id']}/pitches", headers=csrf,
                         data={"startup_id": startup_id, "title": "Swapped"}).json()

        def upload(pages: int) -> None:
            response = api.post(f"/api/pitches/{pitch['id']}/deck", headers=csrf, multipart={
                "file": {"name": "deck.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(pages)}})
            assert response.status == 201, response.text()

        upload(3)
        deadline = time.monotonic() + 60
        while api.get(f"/api/roadshows/{roadshow['id']}").json()["pitches"][0]["deck_status"] != "ready":
            assert time.monotonic() < deadline, "the first deck was not rendered within 60 s"
            time.sleep(0.2)
        for page in (mod, viewer):
            page.goto(f"/roadshows/{roadshow['id']}/live")
            expect(page.locator("[data-conn]")).to_have_text("Connected")
        mod.click("[data-stage-set='done']")  # on the stage, not live: its deck may still change
        expect(mod.locator("[data-slide-img]")).to_have_attribute("src", re.compile(r"/deck/1\.png\?v=1$"))
        mod.locator("body").press("ArrowRight")
        expect(viewer.locator("[data-slide-img]")).to_have_attribute("src", re.compile(r"/deck/2\.png\?v=1$"))

        upload(2)  # the viewer keeps the old deck until the new one is ready, then shows its first page
        expect(viewer.locator("[data-slide-img]")).to_have_attribute("src", re.compile(r"/deck/1\.png\?v=2$"),
                                                                      timeout=60_000)
        expect(viewer.locator("[data-slide-caption]")).to_contain_text("Page 1 of 2")
        expect(viewer.locator("[data-slide-img]")).to_have_js_property("complete", True)
        _shot(viewer, "replaced-deck")
        assert not [e for e in mod.console.errors + viewer.console.errors if "uncaught" in e]
    finally:
        mod_ctx.close()
        viewer_ctx.close()


def test_a_viewer_who_drops_and_comes_back_keeps_hand_interest_and_message_order(browser, site):
    """Item 2 of the live-room issue: a reconnect restores what the person had, and a message typed while
    offline takes its place in server order (below what others sent meanwhile) for the sender too."""
    from playwright.sync_api import expect

    mod_ctx, mod = _page(browser, site, "admin@demo.fuhua.dev")
    viewer_ctx, viewer = _page(browser, site, "investor@demo.fuhua.dev")
    try:
        _enter_room(mod)
        _enter_room(viewer)
        mod.click("[data-stage-set='live']")
        expect(viewer.locator("[data-stage-state]")).to_have_text("Live")
        viewer.click("[data-hand]")
        expect(viewer.locator("[data-hand]")).to_have_text("Lower hand")
        if viewer.locator("[data-interest]").get_attribute("aria-pressed") != "true":  # the demo may have it
            viewer.click("[data-interest]")
        expect(viewer.locator("[data-interest]")).to_have_attribute("aria-pressed", "true")
        expect(mod.locator("[data-people]")).to_contain_text("✋")

        viewer.evaluate("window.Fuhua.socket.disconnect()")  # the network drops
        expect(viewer.locator("[data-conn]")).to_contain_text("Reconnecting…")
        viewer.fill("#chat-body", "typed while offline")
        viewer.press("#chat-body", "Enter")
        mod.fill("#chat-body", "sent by the moderator meanwhile")
        mod.press("#chat-body", "Enter")
        expect(mod.locator("[data-messages] li", has_text="sent by the moderator meanwhile")).to_have_count(1)
        time.sleep(2.5)  # the server has closed the viewer's visit and sent presence since

        viewer.evaluate("window.Fuhua.socket.connect()")
        expect(viewer.locator("[data-conn]")).to_have_text("Connected")
        for page in (mod, viewer):
            texts = page.locator("[data-messages] li:not(.is-pending)")
            expect(texts.last).to_contain_text("typed while offline")
            expect(texts.nth(-2)).to_contain_text("sent by the moderator meanwhile")
        expect(viewer.locator("[data-hand]")).to_have_text("Lower hand")
        expect(mod.locator("[data-people]")).to_contain_text("✋")
        expect(mod.locator("[data-presence-count]")).to_contain_text("1 hand raised")

        viewer.reload()  # a reload is a reconnect too
        expect(viewer.locator("[data-conn]")).to_have_text("Connected")
        expect(viewer.locator("[data-hand]")).to_have_text("Lower hand")
        expect(viewer.locator("[data-interest]")).to_have_text("Interest marked ✓")
        viewer.click("[data-interest]")  # withdrawn
        expect(viewer.locator("[data-interest]")).to_have_text("I'm interested")
        viewer.reload()
        expect(viewer.locator("[data-conn]")).to_have_text("Connected")
        expect(viewer.locator("[data-interest]")).to_have_text("I'm interested")
        _shot(viewer, "viewer-after-reconnect")
        viewer.click("[data-interest]")  # as the demo had it, for the tests that share the site
        expect(viewer.locator("[data-interest]")).to_have_text("Interest marked ✓")
        assert not [e for e in mod.console.errors + viewer.console.errors if "uncaught" in e]
    finally:
        mod_ctx.close()
        viewer_ctx.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_moderator_mutes_and_unmutes_a_viewer_who_sees_it_live(browser, site, lang):
    """The moderator mutes the investor from a chat line; the people list and the chat line say "muted" and
    offer Unmute; the investor's page says they are muted, then (no reload) that they may post again."""
    from playwright.sync_api import expect

    zh = lang == "zh"
    words = {"muted": "已禁言" if zh else "muted", "mute": "禁言" if zh else "Mute",
             "unmute": "解除禁言" if zh else "Unmute", "live": "已连接" if zh else "Connected",
             "told_muted": "已被主持人在本直播间禁言" if zh else "A moderator has muted you",
             "told_back": "您可以再次发言" if zh else "you may post again"}
    hello, again = (("大家好，我是投资人", "解除禁言后再说一句") if zh
                    else ("Hi from the investor", "Back after the mute"))

    def page_of(email):
        context = browser.new_context(base_url=site.url, locale="zh-CN" if zh else "en-US",
                                      timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 1000})
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.console = Console(page)
        sign_in(page, email, lang=lang)
        page.goto("/roadshows")
        page.click("main a:has-text('Hard-tech Demo Day')")
        page.click("main a[href$='/live']")
        expect(page.locator("[data-conn]")).to_have_text(words["live"])
        return context, page

    mod_ctx, mod = page_of("admin@demo.fuhua.dev")
    viewer_ctx, viewer = page_of("investor@demo.fuhua.dev")
    try:
        viewer.fill("#chat-body", hello)
        viewer.press("#chat-body", "Enter")
        line = mod.locator("[data-messages] li", has_text=hello).last
        expect(line).to_be_visible()
        line.locator(".rs-mute button").click()

        # Muted: the moderator's chat line and people list say so and offer Unmute; the investor is told,
        # and the chat form gives way to the notice.
        expect(line.locator(".rs-muted-tag")).to_have_text(words["muted"])
        expect(line.locator(".rs-mute button")).to_have_text(words["unmute"])
        expect(mod.locator("[data-people] .rs-muted-tag:visible")).to_have_count(1)
        expect(mod.locator("[data-people] .rs-mute:has(.rs-muted-tag:visible) button")).to_have_text(words["unmute"])
        expect(viewer.locator("[data-post-hint]")).to_contain_text(words["told_muted"])
        expect(viewer.locator("[data-chat-form]")).to_be_hidden()
        _shot(mod, f"mute-moderator-{lang}")
        _shot(viewer, f"mute-viewer-{lang}")

        # A moderator who reloads still sees who is muted.
        mod.reload()
        expect(mod.locator("[data-conn]")).to_have_text(words["live"])
        line = mod.locator("[data-messages] li", has_text=hello).last
        expect(line.locator(".rs-muted-tag")).to_be_visible()

        # Unmute from the people list: every control of that person turns back to Mute, the investor is told
        # at once and posts again.
        mod.locator("[data-people] .rs-mute:has(.rs-muted-tag:visible) button").click()
        expect(line.locator(".rs-muted-tag")).to_be_hidden()
        expect(line.locator(".rs-mute button")).to_have_text(words["mute"])
        expect(mod.locator("[data-people] .rs-muted-tag:visible")).to_have_count(0)
        expect(viewer.locator("[data-post-hint]")).to_contain_text(words["told_back"])
        expect(viewer.locator("[data-chat-form]")).to_be_visible()
        viewer.fill("#chat-body", again)
        viewer.press("#chat-body", "Enter")
        expect(mod.locator("[data-messages] li", has_text=again)).to_have_count(1)
        _shot(viewer, f"unmuted-viewer-{lang}")
        assert not mod.console.csp_violations() and not viewer.console.csp_violations()
        assert not [e for e in mod.console.errors + viewer.console.errors if "uncaught" in e]
    finally:
        mod_ctx.close()
        viewer_ctx.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_questions_name_their_pitch_and_the_list_filters_and_sorts(browser, site, lang):
    """A question goes to the pitch on stage unless the asker picks another; each names its pitch; the list
    puts the pitch on stage first, can show one pitch only, and sorts by votes or newest first."""
    from playwright.sync_api import expect

    zh = lang == "zh"
    stamp = str(int(time.time() * 1000))[-6:]
    on_stage, other, later = ((f"第一个问题{stamp}", f"问另一个项目{stamp}", f"较新的问题{stamp}") if zh else
                              (f"Stage question {stamp}", f"Other pitch question {stamp}", f"Newer question {stamp}"))

    def page_of(email):
        context = browser.new_context(base_url=site.url, locale="zh-CN" if zh else "en-US",
                                      timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 1000})
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.console = Console(page)
        sign_in(page, email, lang=lang)
        page.goto("/roadshows")
        page.click("main a:has-text('Hard-tech Demo Day')")
        page.click("main a[href$='/live']")
        expect(page.locator("[data-conn]")).to_have_text("已连接" if zh else "Connected")
        return context, page

    def order(page):
        texts = page.locator("[data-questions] li .rs-body").all_inner_texts()
        return {body: next(i for i, t in enumerate(texts) if body in t) for body in (on_stage, other, later)
                if any(body in t for t in texts)}

    mod_ctx, mod = page_of("admin@demo.fuhua.dev")
    viewer_ctx, viewer = page_of("founder@demo.fuhua.dev" if zh else "investor@demo.fuhua.dev")
    try:
        mod.select_option("[data-stage-pitch]", index=0)
        mod.click("[data-stage-set='live']")
        first_name = viewer.locator("[data-ask-pitch] option").nth(1).inner_text().split(" — ")[0]
        second_name = viewer.locator("[data-ask-pitch] option").nth(2).inner_text().split(" — ")[0]
        expect(viewer.locator("[data-stage-startup]")).to_contain_text(first_name)

        viewer.fill("#ask-body", on_stage)  # the default: the pitch on stage
        viewer.press("#ask-body", "Enter")
        expect(viewer.locator("[data-questions] li", has_text=on_stage)).to_have_count(1)
        viewer.select_option("[data-ask-pitch]", index=2)  # the second pitch, chosen
        viewer.fill("#ask-body", other)
        viewer.press("#ask-body", "Enter")
        mod.fill("#ask-body", later)
        mod.press("#ask-body", "Enter")
        for page in (viewer, mod):
            expect(page.locator("[data-questions] li", has_text=on_stage).locator(".rs-q-pitch")).to_have_text(
                first_name)
            expect(page.locator("[data-questions] li", has_text=other).locator(".rs-q-pitch")).to_have_text(
                second_name)
            expect(page.locator("[data-questions] li", has_text=later).locator(".rs-q-pitch")).to_have_text(
                first_name)

        # The pitch on stage comes first, even when another pitch's question has more votes.
        mod.locator("[data-questions] li", has_text=other).locator(".rs-vote").click()
        expect(viewer.locator("[data-questions] li", has_text=other).locator(".rs-vote")).to_contain_text("▲ 1")
        assert order(viewer)[on_stage] < order(viewer)[other] and order(viewer)[later] < order(viewer)[other]

        # Popular: the upvoted question first; recent: the newest first.
        mod.locator("[data-questions] li", has_text=on_stage).locator(".rs-vote").click()
        expect(viewer.locator("[data-questions] li", has_text=on_stage).locator(".rs-vote")).to_contain_text("▲ 1")
        assert order(viewer)[on_stage] < order(viewer)[later]
        viewer.select_option("[data-qa-sort]", "recent")
        assert order(viewer)[later] < order(viewer)[on_stage] < order(viewer)[other]

        # This pitch only; then the other pitch only.
        viewer.select_option("[data-qa-filter]", "current")
        expect(viewer.locator("[data-questions] li", has_text=other)).to_have_count(0)
        expect(viewer.locator("[data-questions] li", has_text=on_stage)).to_have_count(1)
        viewer.select_option("[data-qa-filter]", index=3)
        expect(viewer.locator("[data-questions] li", has_text=other)).to_have_count(1)
        expect(viewer.locator("[data-questions] li", has_text=on_stage)).to_have_count(0)
        expect(viewer.locator("[data-questions] .rs-q-pitch")).to_have_text(
            [second_name] * viewer.locator("[data-questions] li").count())
        _shot(viewer, f"questions-filtered-{lang}")
        viewer.select_option("[data-qa-filter]", "all")
        expect(viewer.locator("[data-questions] li", has_text=on_stage)).to_have_count(1)
        _shot(viewer, f"questions-{lang}")
        assert not mod.console.csp_violations() and not viewer.console.csp_violations()
        assert not [e for e in mod.console.errors + viewer.console.errors if "uncaught" in e]
    finally:
        mod_ctx.close()
        viewer_ctx.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_moderators_review_pending_questions_in_their_own_queue(browser, site, lang):
    """With pre-moderation on (the organiser's edit page), a question waits in the moderator's review queue,
    apart from the audience's list; the asker sees it waiting, others do not see it; approve puts it in
    everyone's list, dismiss drops it."""
    from playwright.sync_api import expect

    zh = lang == "zh"
    stamp = str(int(time.time() * 1000))[-6:]
    kept, dropped = (f"请审核这个问题{stamp}", f"这个会被忽略{stamp}") if zh else (f"Please approve {stamp}",
                                                                             f"To be dismissed {stamp}")

    def page_of(email):
        context = browser.new_context(base_url=site.url, locale="zh-CN" if zh else "en-US",
                                      timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 1000})
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.console = Console(page)
        sign_in(page, email, lang=lang)
        page.goto("/roadshows")
        page.click("main a:has-text('Hard-tech Demo Day')")
        return context, page

    def enter(page):
        page.click("main a[href$='/live']")
        expect(page.locator("[data-conn]")).to_have_text("已连接" if zh else "Connected")

    mod_ctx, mod = page_of("admin@demo.fuhua.dev")
    asker_ctx, asker = page_of("provider@demo.fuhua.dev" if zh else "founder@demo.fuhua.dev")
    other_ctx, other = page_of("investor@demo.fuhua.dev")
    roadshow_id = int(re.search(r"/roadshows/(\d+)", mod.url)[1])
    try:
        mod.goto(f"/roadshows/{roadshow_id}/edit")
        mod.check("#premoderate_questions")
        mod.click("main form.card [type=submit]")
        _shot(mod, f"review-edit-{lang}")
        expect(mod.locator("#premoderate_questions")).to_be_checked()
        mod.goto(f"/roadshows/{roadshow_id}/live")
        expect(mod.locator("[data-conn]")).to_have_text("已连接" if zh else "Connected")
        mod.select_option("[data-stage-pitch]", index=0)
        mod.click("[data-stage-set='live']")  # questions go to the pitch on stage
        enter(asker)
        enter(other)
        expect(mod.locator("[data-review-empty]")).to_be_visible()

        waiting = "待审核" if zh else "Waiting for approval"
        for body in (kept, dropped):
            asker.fill("#ask-body", body)
            asker.press("#ask-body", "Enter")
            expect(asker.locator("[data-questions] li", has_text=body)).to_contain_text(waiting)
        expect(asker.locator("[data-questions] li", has_text=kept)).to_contain_text(waiting)
        expect(mod.locator("[data-review] li")).to_have_count(2)
        expect(mod.locator("[data-review-count]")).to_have_text("2")
        expect(mod.locator("[data-questions] li", has_text=kept)).to_have_count(0)  # not in the audience list
        expect(other.locator("[data-questions] li", has_text=kept)).to_have_count(0)
        _shot(mod, f"review-queue-{lang}")

        review = mod.locator("[data-review] li", has_text=kept)
        review.locator("button", has_text="通过" if zh else "Approve").click()
        review = mod.locator("[data-review] li", has_text=dropped)
        review.locator("button", has_text="忽略" if zh else "Dismiss").click()
        expect(mod.locator("[data-review] li")).to_have_count(0)
        expect(mod.locator("[data-review-empty]")).to_be_visible()
        for page in (mod, asker, other):
            expect(page.locator("[data-questions] li", has_text=kept)).to_have_count(1)
            expect(page.locator("[data-questions] li", has_text=kept)).not_to_contain_text(waiting)
            expect(page.locator("[data-questions] li", has_text=dropped)).to_have_count(0)
        assert not [e for e in mod.console.errors + asker.console.errors + other.console.errors if "uncaught" in e]
    finally:
        mod.goto(f"/roadshows/{roadshow_id}/edit")  # as the demo had it, for the tests that share the site
        mod.uncheck("#premoderate_questions")
        mod.click("main form.card [type=submit]")
        for context in (mod_ctx, asker_ctx, other_ctx):
            context.close()
