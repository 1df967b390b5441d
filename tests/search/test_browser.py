"""In a real browser, on the demo incubator: search listings, mentors and the showcase in Chinese and in English,
find items written in the other language, see the matched words marked, and click a Chinese tag."""
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.browser.conftest import CHROMIUM, Console, shot  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.served,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}")]


def _page(browser, site, locale):  # noqa: F811
    context = browser.new_context(base_url=site.url, locale=locale, timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.console = Console(page)
    return page


def _search(page, path: str, box: str, q: str) -> None:
    page.goto(path)
    page.fill(box, q)
    page.press(box, "Enter")
    page.wait_for_load_state()


def _cards(page, selector: str) -> list[str]:
    return [text.strip() for text in page.locator(selector).all_inner_texts()]


def test_search_in_chinese_finds_both_languages_and_a_chinese_tag_searches(browser, site, shot):  # noqa: F811
    from playwright.sync_api import expect

    page = _page(browser, site, "zh-CN")
    try:
        _search(page, "/resources", "#market-q", "检测")
        titles = _cards(page, ".listing-card .listing-title")
        assert "EMC pre-compliance test" in titles and "HTRB reliability testing" in titles, titles
        expect(page.locator(".listing-card mark").first).to_be_visible()
        expect(page.locator(".listing-card .matched").first).to_contain_text("匹配：")
        shot(page, "listings-zh")

        card = page.locator(".listing-card", has_text="EMC pre-compliance test")
        card.locator(".card-tags a", has_text="#检测").click()
        page.wait_for_load_state()
        assert unquote(page.url).endswith("q=检测"), page.url
        assert "EMC pre-compliance test" in _cards(page, ".listing-card .listing-title")

        _search(page, "/mentors", "#mentor-q", "机器人")  # mentors whose profiles are in English
        names = " ".join(_cards(page, ".org-card h3"))
        assert "Kenji Tanaka" in names, names
        shot(page, "mentors-zh")

        _search(page, "/showcase", "#showcase-q", "光子")
        names = " ".join(_cards(page, ".org-card h3"))
        assert "ClearView Photonics" in names, names
        shot(page, "showcase-zh")
        assert not page.console.errors, page.console.errors
    finally:
        page.context.close()


def test_search_in_english_finds_chinese_items(browser, site, shot):  # noqa: F811
    page = _page(browser, site, "en-US")
    try:
        _search(page, "/resources", "#market-q", "Huawei")
        assert _cards(page, ".listing-card .listing-title") == ["昇腾910B 国产算力 Ascend 910B hours"]

        _search(page, "/mentors", "#mentor-q", "battery")  # 新能源电池材料研究员
        names = " ".join(_cards(page, ".org-card h3"))
        assert "吴芳 Wu Fang" in names, names
        shot(page, "mentors-en")

        _search(page, "/showcase", "#showcase-q", "robotics")
        names = " ".join(_cards(page, ".org-card h3"))
        assert "DexMotion" in names and "BlueReef" in names, names
        page.locator(".org-card mark").first.wait_for()
        shot(page, "showcase-en")
        assert not page.console.errors, page.console.errors
    finally:
        page.context.close()


def test_roadshows_search_box_in_chinese_and_in_english(browser, site, shot):  # noqa: F811
    from playwright.sync_api import expect

    page = _page(browser, site, "zh-CN")
    try:
        page.goto("/roadshows")
        page.fill("#roadshow-q", "具身智能")  # a pitch's title in the Chinese-language roadshow
        page.click("form[role=search] button[type=submit]")
        page.wait_for_load_state()
        titles = _cards(page, ".roadshow-card h3")
        assert titles == ["张江集成电路与具身智能专场路演 · Chips & Embodied AI Roadshow"], titles
        expect(page.locator("form[role=search] [role=status]")).to_contain_text("1 场路演符合搜索条件")
        expect(page.locator(".roadshow-card .matched")).to_contain_text("具身智能")
        shot(page, "roadshows-zh")
        page.click("form[role=search] a")  # clear the search
        page.wait_for_load_state()
        assert len(_cards(page, ".roadshow-card h3")) >= 3
        assert not page.console.errors, page.console.errors
    finally:
        page.context.close()

    page = _page(browser, site, "en-US")
    try:
        _search(page, "/roadshows", "#roadshow-q", "Zhangjiang")  # English words of a Chinese roadshow
        assert _cards(page, ".roadshow-card h3") == ["张江集成电路与具身智能专场路演 · Chips & Embodied AI Roadshow"]
        _search(page, "/roadshows", "#roadshow-q", "机器人")  # a past roadshow, by the Chinese half of its title
        titles = _cards(page, ".roadshow-card h3")
        assert "Autumn Quantum & Robotics Roadshow · 秋季量子与机器人路演" in titles, titles
        expect(page.locator(".roadshow-card mark").first).to_be_visible()
        shot(page, "roadshows-en")
    finally:
        page.context.close()
