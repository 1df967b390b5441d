"""A listing search's page and total come from one pass over the matches: every sort, every page, past the last."""
from decimal import Decimal

import pytest

from app.providers import search
from app.providers.models import Listing, Provider


@pytest.fixture
def listings(db):
    """Five published patent listings (three in Shenzhen), a draft one, and one that does not match."""
    provider = Provider(name="珠江服务 Pearl River Services", description="", tags=[])
    rows = [("专利检索 Patent search", "ip_services", "Shenzhen", "900"),
            ("Patent drafting 专利撰写", "ip_services", "Shenzhen", "300"),
            ("PCT patent filing", "ip_services", "Beijing", "5000"),
            ("专利无效宣告 patent invalidation", "legal_finance", "Shenzhen", "12000"),
            ("Freedom to operate: patents", "ip_services", "Shanghai", "700"),
            ("EMC testing 电磁兼容检测", "inspection_testing", "Shenzhen", "100")]
    made = []
    for title, category, city, price in rows:
        listing = Listing(provider=provider, title=title, category=category, description="", tags=[], specs={},
                          category_fields={}, unit="case", pricing_model="fixed", price=Decimal(price), city=city,
                          status="published")
        db.session.add(listing)
        made.append(listing)
    db.session.add(Listing(provider=provider, title="Patent draft (unpublished)", category="ip_services",
                           description="", tags=[], specs={}, category_fields={}, unit="case", pricing_model="quote",
                           city="Shenzhen", status="draft"))
    db.session.commit()
    return made


@pytest.mark.parametrize("q", ["patent", "专利"])
def test_every_page_carries_the_total_of_the_matches(listings, q):
    first = search.search(search.Filters(q=q), per_page=2, page=1)
    wanted = 5  # 专利 finds the English titles too, through the lexicon
    assert first.page.total == wanted and len(first.page.items) == 2
    second = search.search(search.Filters(q=q), per_page=2, page=2)
    third = search.search(search.Filters(q=q), per_page=2, page=3)
    assert (second.page.total, third.page.total) == (wanted, wanted)
    seen = [item.id for result in (first, second, third) for item in result.page.items]
    assert len(seen) == len(set(seen)) == wanted
    assert listings[-1].id not in seen


def test_a_page_past_the_last_is_empty_but_still_counts_the_matches(listings):
    result = search.search(search.Filters(q="patent"), per_page=2, page=9)
    assert result.page.items == [] and result.page.total == 5


def test_no_match_is_an_empty_first_page(listings):
    result = search.search(search.Filters(q="量子计算"), per_page=2)
    assert result.page.items == [] and result.page.total == 0


def test_filters_and_sorts_apply_to_the_page_and_the_total(listings):
    result = search.search(search.Filters(q="patent", city="shenzhen"), sort="price", per_page=10)
    assert result.page.total == 3
    assert [item.price for item in result.page.items] == [Decimal("300"), Decimal("900"), Decimal("12000")]
    result = search.search(search.Filters(q="patent", category="ip_services"), sort="price_desc", per_page=2)
    assert result.page.total == 4
    assert [item.price for item in result.page.items] == [Decimal("5000"), Decimal("900")]


def test_relevance_puts_the_title_match_first_and_marks_the_matched_words(listings):
    result = search.search(search.Filters(q="专利检索"), per_page=10)
    assert result.page.items[0].title == "专利检索 Patent search"
    assert "专利检索" in result.page.items[0].matched
