"""A whole demo day in the browser (issue 17, "Done when"), once in English and once in Chinese: the organiser
schedules an invite-only roadshow with an agenda and invites an investor; a founder asks to join, is let in,
applies to pitch with a deck and is approved; an uninvited account cannot get in; before the start the room
counts down beside its agenda; the room goes live with slides, the investor asks an anonymous question about the
pitch on stage (the organiser sees who asked, the audience does not), is muted and unmuted by the organiser, and
votes in the organiser's poll, whose results stay hidden from voters until it closes; the organiser ends the
roadshow from the room and every viewer lands on the replay, which pages through every deck.

Several browser contexts (organiser, founder, investor, an uninvited mentor), real server, real Chromium.
Selectors are the pages' data attributes and form actions, so both languages run the same journey; the
Chinese run also checks that no English interface text is left on any page it passes through.
"""
import re
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, CHROMIUM, Console, confirm_in_page, sign_in
from tests.roadshows.conftest import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.served,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}")]

ORGANISER, FOUNDER, INVESTOR, OUTSIDER = (f"{who}@demo.fuhua.dev" for who in ("admin", "founder", "investor", "mentor"))
# Interface text is checked in what people read: headings, labels, buttons, chips, hints and messages; names,
# times and screen-reader-only repeats of data are left out (`.small`, `.muted`, `time`, `.sr-only`).
INTERFACE = ("main h1, main h2, main h3, main label, main button, main .chip, main .hint, main th, main legend, "
             "main a.btn, .flash, main p")
LATIN_OK = {"PDF", "CSV", "MB", "Fuhua", "HH", "MM", "SS", "GMT"}  # GMT: zones as Chinese Intl names them ("GMT+8")


def english_left(page, data: list[str]) -> list[str]:
    """Latin words in the visible interface text of `page`, once the given data strings are taken out."""
    texts = page.evaluate("""(selector) => Array.from(document.querySelectorAll(selector))
        .filter((e) => e.offsetParent !== null && !e.closest('[hidden]'))
        .map((e) => { const c = e.cloneNode(true);
                      c.querySelectorAll('.sr-only, .small, .muted, time, option, select, input, textarea')
                       .forEach((x) => x.remove());
                      return c.textContent; })""", INTERFACE)
    words = []
    for text in texts:
        for item in sorted(data, key=len, reverse=True):
            text = text.replace(item, " ")
        words += [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in LATIN_OK]
    return words


class Person:
    def __init__(self, browser, site, email: str, lang: str, shots: str):
        self.context = browser.new_context(base_url=site.url, locale="zh-CN" if lang == "zh" else "en-US",
                                           timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 1000})
        self.context.set_default_timeout(20_000)
        self.page = self.context.new_page()
        self.page.console = Console(self.page)
        self.lang, self.shots, self.name = lang, shots, email.split("@")[0]
        sign_in(self.page, email, lang=lang)

    def visit(self, path: str, data: list[str], step: str) -> None:
        self.page.goto(path)
        self.check(data, step)

    def check(self, data: list[str], step: str) -> None:
        """A screenshot; in Chinese, no English interface text; never a CSP violation or a script error."""
        self.page.wait_for_load_state()
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"demo-day-{self.lang}-{step}-{self.name}.png"), full_page=True)
        if self.lang == "zh":
            assert english_left(self.page, data) == [], f"English left on {self.page.url} ({step})"
        assert not self.page.console.csp_violations(), self.page.console.errors
        assert not [e for e in self.page.console.errors if e.startswith("uncaught")], self.page.console.errors


def _wait_for_decks(page, roadshow_id: int, count: int) -> None:
    deadline = time.monotonic() + 90
    while True:
        pitches = page.request.get(f"/api/roadshows/{roadshow_id}").json()["pitches"]
        if len(pitches) == count and all(p["deck_status"] == "ready" for p in pitches):
            return
        assert time.monotonic() < deadline, f"decks not rendered: {pitches}"
        time.sleep(0.3)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_whole_demo_day(browser, site, lang):
    from playwright.sync_api import expect

    title = f"硬科技闭门路演日 {lang}"
    organiser = Person(browser, site, ORGANISER, lang, "organiser")
    founder = Person(browser, site, FOUNDER, lang, "founder")
    investor = Person(browser, site, INVESTOR, lang, "investor")
    outsider = Person(browser, site, OUTSIDER, lang, "outsider")
    people = (organiser, founder, investor, outsider)
    # Data shown on the pages (names of demo people and startups, emails), left out of the language check.
    api = organiser.page.request
    startups = [s["name"] for s in api.get("/api/startups?per_page=100").json()["items"]]
    users = [p.page.request.get("/api/me").json()["name"] for p in people] + [ORGANISER, FOUNDER, INVESTOR, OUTSIDER]
    data = startups + users + [title, "Asia/Shanghai"]
    try:
        # The organiser schedules an invite-only roadshow ...
        org = organiser.page
        organiser.visit("/roadshows/new", data, "01-new")
        tomorrow = (datetime.now() + timedelta(days=1)).replace(hour=9, minute=0)
        org.fill("#title", title)
        org.fill("#description", "四家硬科技公司，每家八分钟。")
        org.fill("#starts_at", tomorrow.strftime("%Y-%m-%dT%H:%M"))
        org.fill("#ends_at", (tomorrow + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
        org.select_option("#visibility", "invite_only")
        org.check("#anonymous_questions")
        org.click("main form.card [type=submit]")
        expect(org).to_have_url(re.compile(r"/roadshows/\d+/edit$"))
        roadshow_id = int(re.search(r"/roadshows/(\d+)/edit", org.url)[1])
        organiser.check(data, "02-edit")

        # ... puts a first pitch on its agenda with a deck ...
        add = org.locator(f"form[action='/roadshows/{roadshow_id}/pitches']")
        add.locator("[name=startup_id]").select_option(index=1)
        add.locator("[name=title]").fill("量子导航芯片")
        add.locator("[name=duration_minutes]").fill("8")
        add.locator("[type=submit]").click()
        expect(org.locator("[data-agenda] [data-pitch]")).to_have_count(1)
        org.locator("[data-agenda] input[type=file]").set_input_files(
            {"name": "导航.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(3, "Navigation")})
        org.locator("[data-agenda] form[enctype] [type=submit]").click()

        # ... and invites the investor by email.
        invite = org.locator(f"form[action='/roadshows/{roadshow_id}/invitations']")
        invite.locator("textarea").fill(INVESTOR)
        invite.locator("[type=submit]").click()
        expect(org.locator("[data-invitations]")).to_contain_text(INVESTOR)
        organiser.check(data, "03-invited")

        # The uninvited mentor sees no agenda and cannot enter the room.
        outsider.visit(f"/roadshows/{roadshow_id}", data, "04-outside")
        expect(outsider.page.locator("[data-agenda-hidden]")).to_be_visible()
        expect(outsider.page.locator("main")).not_to_contain_text("量子导航芯片")
        outsider.page.goto(f"/roadshows/{roadshow_id}/live")
        expect(outsider.page).to_have_url(re.compile(rf"/roadshows/{roadshow_id}$"))
        expect(outsider.page.locator(".flash")).to_be_visible()
        outsider.check(data, "05-refused")
        assert outsider.page.request.get(f"/api/roadshows/{roadshow_id}/messages").status == 403

        # The founder asks to join; the organiser lets them in.
        founder.visit(f"/roadshows/{roadshow_id}", data, "06-detail")
        founder.page.click("form[data-registration='none'] [type=submit]")
        expect(founder.page.locator("form[data-registration='pending']")).to_be_visible()
        founder.check(data, "07-asked")
        organiser.visit(f"/roadshows/{roadshow_id}/edit", data, "08-request")
        org.locator(f"[data-registration-of='{FOUNDER}'] form:has(input[name=approve][value='1']) button").click()
        expect(org.locator(f"[data-registration-of='{FOUNDER}'] form")).to_have_count(0)

        # The founder applies to pitch with their startup, a note and a deck; the organiser approves.
        founder.visit(f"/roadshows/{roadshow_id}", data, "09-let-in")
        apply = founder.page.locator(f"form[action='/roadshows/{roadshow_id}/apply']")
        apply.locator("[name=title]").fill("具身智能机械手")
        apply.locator("[name=duration_minutes]").fill("6")
        apply.locator("[name=note]").fill("我们有样机，可以现场演示。")
        apply.locator("[name=deck]").set_input_files(
            {"name": "机械手.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(2, "Robot hand")})
        apply.locator("[type=submit]").click()
        status = founder.page.locator("[data-my-applications] [data-application-status]")
        expect(status).to_have_count(1)
        founder.check(data, "10-applied")
        pending_text = status.inner_text()
        organiser.visit(f"/roadshows/{roadshow_id}/edit", data, "11-application")
        application = org.locator("[data-applications] [data-application]")
        expect(application).to_contain_text("我们有样机")
        application.locator("form:has(input[name=approve][value='1']) button").click()
        expect(org.locator("[data-agenda] [data-pitch]")).to_have_count(2)
        founder.page.reload()
        expect(status).not_to_have_text(pending_text)
        founder.check(data, "12-approved")
        _wait_for_decks(org, roadshow_id, 2)
        data += [p["presenter"]["name"] for p in api.get(f"/api/roadshows/{roadshow_id}").json()["pitches"]
                 if p["presenter"]]

        # Before the start the room counts down beside its agenda; then it goes live with slides.
        inv = investor.page
        investor_name = inv.request.get("/api/me").json()["name"]
        investor.visit(f"/roadshows/{roadshow_id}", data, "13-invited")
        inv.click(f"main a[href='/roadshows/{roadshow_id}/live']")
        org.goto(f"/roadshows/{roadshow_id}/live")
        for page in (org, inv):
            expect(page.locator("[data-conn]")).to_have_class(re.compile(r"is-live"))
        expect(inv.locator("[data-starts-in]")).to_be_visible()
        expect(inv.locator("[data-starts-count]")).to_have_text(re.compile(r"\d\d:\d\d:\d\d"))
        expect(inv.locator("[data-room-agenda] li")).to_have_count(2)
        investor.check(data, "13-starts-in")
        org.click("[data-stage-set='live']")
        expect(inv.locator("[data-starts-in]")).to_be_hidden()
        expect(inv.locator("[data-room-agenda] li[aria-current='true']")).to_contain_text("量子导航芯片")
        expect(inv.locator("[data-slide-img]")).to_have_attribute("src", re.compile(r"/deck/1\.png\?v=1$"))
        org.locator("body").press("ArrowRight")
        expect(inv.locator("[data-slide-img]")).to_have_attribute("src", re.compile(r"/deck/2\.png\?v=1$"))
        # The investor asks an anonymous question about the pitch on stage: the organiser sees who asked.
        inv.fill("#ask-body", "量产时间表是怎样的？")
        inv.check("[data-ask-anonymous]")
        inv.press("#ask-body", "Enter")
        asked = org.locator("[data-questions] li", has_text="量产时间表")
        expect(asked).to_contain_text(investor_name)
        expect(asked.locator(".rs-q-pitch")).to_have_class(re.compile(r"chip-on"))  # about the pitch on stage
        mine = inv.locator("[data-questions] li", has_text="量产时间表")
        expect(mine).to_contain_text("匿名" if lang == "zh" else "Anonymous")
        expect(mine).not_to_contain_text(investor_name)
        # The organiser mutes the investor from a chat line, the investor is told and cannot chat; then unmutes.
        inv.fill("#chat-body", "这个方向很有意思")
        inv.press("#chat-body", "Enter")
        line = org.locator("[data-messages] li", has_text="这个方向很有意思").last
        line.locator(".rs-mute button").click()
        expect(line.locator(".rs-muted-tag")).to_be_visible()
        expect(inv.locator("[data-chat-form]")).to_be_hidden()
        line.locator(".rs-mute button").click()
        expect(line.locator(".rs-muted-tag")).to_be_hidden()
        expect(inv.locator("[data-chat-form]")).to_be_visible()
        # A poll whose results voters see only once it closes; the organiser sees them live.
        org.fill("#poll-q", "是否值得跟进？")
        org.fill("#poll-o", "值得\n再看看")
        org.check("[data-poll-hide]")
        org.click("[data-poll-form] button[type=submit]")
        inv.locator("[data-polls] .rs-option", has_text="值得").first.click()
        expect(org.locator("[data-polls]")).to_contain_text("100%")
        expect(inv.locator("[data-polls] [data-results-hidden]")).to_be_visible()
        expect(inv.locator("[data-polls]")).not_to_contain_text("%")
        organiser.check(data, "14-room")
        investor.check(data, "14-room")
        org.click("[data-polls] [data-close-poll]")
        expect(inv.locator("[data-polls]")).to_contain_text("100%")

        # The organiser ends the roadshow from the room: everyone in it lands on the replay.
        org.click("[data-stage-set='ended']")
        confirm_in_page(org)
        for page in (org, inv):
            expect(page).to_have_url(re.compile(rf"/roadshows/{roadshow_id}/replay$"), timeout=20_000)
        # The URL changes when the replay's navigation commits; its deck buttons work once its deferred script has
        # run (before DOMContentLoaded): a click before that does nothing (on a loaded CI run the page stayed at 1).
        inv.wait_for_load_state("domcontentloaded")
        decks = inv.locator("[data-deck]")
        expect(decks).to_have_count(2)
        for index in range(2):
            deck = decks.nth(index)
            pages = int(deck.get_attribute("data-pages"))
            for number in range(2, pages + 1):
                deck.locator("[data-deck-next]").click()
                expect(deck.locator("[data-deck-img]")).to_have_attribute("src", re.compile(rf"/deck/{number}\.png"))
                expect(deck.locator("[data-deck-img]")).to_have_js_property("complete", True)
            expect(deck.locator("[data-deck-next]")).to_be_disabled()
        expect(inv.locator("[data-replay-questions]").first).to_contain_text("量产时间表")
        expect(inv.locator("[data-replay-questions]").first).not_to_contain_text(investor_name)
        expect(inv.locator("[data-poll-result]").first).to_contain_text("是否值得跟进？")
        investor.check(data, "15-replay")
        founder.visit(f"/roadshows/{roadshow_id}", data, "16-ended")
        expect(founder.page.locator("[data-replay-link]")).to_be_visible()

        # The organiser's report exports as CSV (UTF-8 with BOM, in the organiser's language) and prints.
        organiser.visit(f"/roadshows/{roadshow_id}/report", data, "17-report")
        expect(org.locator("[data-print]")).to_be_visible()
        with org.expect_download() as download:
            org.click("[data-report-csv]")
        raw = Path(download.value.path()).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8-sig")
        assert "量子导航芯片" in text and "具身智能机械手" in text
        assert ("独立观众数" if lang == "zh" else "Unique viewers") in text
    finally:
        for person in people:
            person.context.close()


def test_interest_stays_marked_after_a_reload_and_can_be_withdrawn(browser, site):
    from playwright.sync_api import expect

    organiser = Person(browser, site, ORGANISER, "en", "organiser")
    investor = Person(browser, site, INVESTOR, "en", "investor")
    try:
        api = organiser.page.request
        csrf = {"X-CSRFToken": api.get("/api/auth/csrf").json()["csrf_token"]}
        times = {"starts_at": "2030-05-01T09:00:00+08:00", "ends_at": "2030-05-01T12:00:00+08:00"}
        roadshow = api.post("/api/roadshows", headers=csrf, data={"title": "兴趣测试日", **times}).json()
        startup_id = api.get("/api/startups").json()["items"][0]["id"]
        pitch = api.post(f"/api/roadshows/{roadshow['id']}/pitches", headers=csrf,
                         data={"startup_id": startup_id, "title": "感兴趣的项目"}).json()
        org, inv = organiser.page, investor.page
        for page in (org, inv):
            page.goto(f"/roadshows/{roadshow['id']}/live")
            expect(page.locator("[data-conn]")).to_have_class(re.compile(r"is-live"))
        org.click("[data-stage-set='live']")
        expect(inv.locator("[data-stage-title]")).to_have_text("感兴趣的项目")
        # The organiser keeps the list of interested investors open: it follows the investor's clicks live.
        listing = organiser.context.new_page()
        listing.goto(f"/roadshows/pitches/{pitch['id']}/interest")
        expect(listing.locator("[data-interest-list] .empty")).to_be_visible()
        button = inv.locator("[data-interest]")
        expect(button).to_have_attribute("aria-pressed", "false")
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
        investor_name = inv.request.get("/api/me").json()["name"]
        expect(listing.locator("[data-interest-list] tr[data-investor-id]")).to_contain_text(investor_name)
        listing.reload()
        expect(listing.locator("[data-interest-list] tr[data-investor-id]")).to_contain_text(investor_name)
        inv.reload()
        expect(inv.locator("[data-conn]")).to_have_class(re.compile(r"is-live"))
        expect(button).to_have_attribute("aria-pressed", "true")
        button.click()
        expect(button).to_have_attribute("aria-pressed", "false")
        expect(listing.locator("[data-interest-list] tr[data-investor-id]")).to_have_count(0)
        inv.reload()
        expect(button).to_have_attribute("aria-pressed", "false")
        assert api.get(f"/api/pitches/{pitch['id']}/interest").json()["items"] == []
        investor.check([], "interest")
    finally:
        organiser.context.close()
        investor.context.close()
