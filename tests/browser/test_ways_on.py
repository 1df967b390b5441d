"""Links that used to lead to error pages (issue 21), clicked as the person who sees them, in both languages."""
import pytest

from tests.browser.conftest import sign_in

BOOK = {"en": "Book", "zh": "预约"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_founder_books_a_recommended_mentor_from_home(page, shot, lang):
    sign_in(page, "founder@demo.fuhua.dev", lang=lang)
    page.goto("/")
    card = page.locator(".match-card").filter(has=page.locator(f"a.btn:text-is('{BOOK[lang]}')")).first
    mentor = card.locator("a.match-title").inner_text()
    with page.expect_response(lambda r: "/mentors/" in r.url and r.request.is_navigation_request()) as answer:
        card.locator("a.btn").click()
    assert answer.value.status == 200, answer.value.url
    assert page.url.endswith("#book-h") and page.locator("h1").inner_text() == mentor
    page.locator(".mt-slot[href*='/book?type=']").first.click()
    page.wait_for_load_state()
    assert "/book?type=" in page.url and page.locator("main form [type=submit]").count() == 1
    shot(page, "booking-form")
    assert not page.console.errors


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_admin_is_not_offered_list_a_resource(page, lang):
    sign_in(page, "admin@demo.fuhua.dev", lang=lang)
    page.goto("/resources")
    assert page.locator("a[href^='/resources/new']").count() == 0
    page.locator(".listing-card a, article a").first.click()
    page.wait_for_load_state()
    provider = page.locator("main a[href^='/providers/']").first
    provider.click()
    page.wait_for_load_state()
    assert "/providers/" in page.url and page.locator("a[href^='/resources/new']").count() == 0


@pytest.mark.parametrize("lang, heading", [("en", "Page not found"), ("zh", "页面不存在")])
def test_a_missing_page_says_so_and_leads_on(page, shot, lang, heading):
    sign_in(page, "investor@demo.fuhua.dev", lang=lang)
    response = page.goto("/roadshows/424242")
    assert response.status == 404 and page.locator("h1").inner_text() == heading
    assert page.title().startswith(heading)
    shot(page, "404")
    page.locator(".error-ways a[href='/mentors']").click()
    page.wait_for_load_state()
    assert page.url.endswith("/mentors") and page.locator("html").get_attribute("lang") == (
        "zh-CN" if lang == "zh" else "en")
