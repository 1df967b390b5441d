"""The roadshows page's search box: title, pitches and description, in Chinese and in English, across languages."""
from datetime import timedelta

import pytest

from app.core.db import utcnow


@pytest.fixture
def lineup(make_roadshow, make_pitch, make_startup):
    storage = make_roadshow(title="新能源与储能专场路演", description="固态电池、氢能与光伏企业专场。")
    make_pitch(storage, title="钠离子电池中试线", startup=make_startup(name="钠能科技"))
    robots = make_roadshow(title="Robotics Founders Night", description="Humanoid and warehouse robots.",
                           starts_at=utcnow() - timedelta(days=20))
    make_pitch(robots, title="Dexterous grippers for logistics", startup=make_startup(name="GripWorks"))
    make_roadshow(title="Biotech Open Day", description="Antibodies and cell therapy.")
    return storage, robots


def _titles(page: str) -> list[str]:
    return [t for t in ("新能源与储能专场路演", "Robotics Founders Night", "Biotech Open Day") if t in
            page.replace("<mark>", "").replace("</mark>", "")]


@pytest.mark.parametrize(("q", "lang", "found", "status"), [
    ("储能", "zh-CN", ["新能源与储能专场路演"], "1 场路演符合搜索条件"),
    ("钠离子", "zh-CN", ["新能源与储能专场路演"], "1 场路演符合搜索条件"),  # a pitch's title
    ("机器人", "zh-CN", ["Robotics Founders Night"], "1 场路演符合搜索条件"),  # across languages, a past one
    ("grippers", "en", ["Robotics Founders Night"], "1 roadshow matches your search"),
    ("battery", "en", ["新能源与储能专场路演"], "1 roadshow matches your search"),  # 电池 ↔ battery
    ("open day", "en", ["Biotech Open Day"], "1 roadshow matches your search"),
])
def test_search_box_finds_roadshows_in_both_languages(client, lineup, q, lang, found, status):
    page = client.get("/roadshows", query_string={"q": q}, headers={"Accept-Language": lang}).get_data(as_text=True)
    assert _titles(page) == found
    assert status in page and "<mark>" in page
    assert f'value="{q}"' in page


def test_no_match_says_so_and_offers_to_clear(client, lineup):
    page = client.get("/roadshows?q=量子计算芯片", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert _titles(page) == []
    assert "0 场路演符合搜索条件" in page and "没有符合搜索条件的即将开始的路演。" in page and "清除搜索" in page


def test_without_a_query_every_roadshow_is_listed(client, lineup):
    page = client.get("/roadshows", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert len(_titles(page)) == 3 and "<mark>" not in page


@pytest.mark.parametrize("q", ["%", "'\" OR 1=1 --", "x" * 5000, "\x00"])
def test_hostile_queries_are_answered(client, lineup, q):
    response = client.get("/roadshows", query_string={"q": q})
    assert response.status_code == 200 or 400 <= response.status_code < 500
