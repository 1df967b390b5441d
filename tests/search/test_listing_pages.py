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


def test_a_listing_is_indexed_under_its_category_and_city_as_filter_terms(db, listings):
    from sqlalchemy import select

    from app.search.analysis import filter_term
    from app.search.models import SearchDocument
    doc = db.session.scalar(select(SearchDocument).where(SearchDocument.kind == "listing",
                                                         SearchDocument.ref_id == listings[0].id))
    terms = doc.keyword_terms.split()
    assert {filter_term("category", "ip_services"), filter_term("city", "Shenzhen")} <= set(terms)
    assert filter_term("city", " SHENZHEN ") == filter_term("city", "shenzhen")
    assert filter_term("city", "Shenzhen") not in search_terms_of("Shenzhen shenzhen 6865")


def search_terms_of(text: str) -> set[str]:
    from app.search.analysis import index_terms, parse_query
    return set(index_terms(text)) | {t.text for unit in parse_query(text).units for alt in unit.alternatives
                                      for t in alt}


def test_a_listing_that_moves_is_found_under_its_new_city_and_category_only(db, listings):
    moved = listings[0]
    moved.city, moved.category = "Xi'an", "legal_finance"
    db.session.commit()
    found = search.search(search.Filters(q="专利", city="xi'an", category="legal_finance"))
    assert [item.id for item in found.page.items] == [moved.id] and found.page.total == 1
    assert moved.id not in [i.id for i in search.search(search.Filters(q="专利", city="Shenzhen")).page.items]
    assert moved.id not in [i.id for i in search.search(search.Filters(q="专利", category="ip_services")).page.items]


def test_a_chinese_city_and_the_remote_filter(db, listings):
    listings[1].city = "深圳"
    listings[2].city, listings[2].is_remote = None, True
    db.session.commit()
    assert [i.id for i in search.search(search.Filters(q="patent", city="深圳")).page.items] == [listings[1].id]
    assert [i.id for i in search.search(search.Filters(q="patent", city="remote")).page.items] == [listings[2].id]


def test_facet_counts_leave_out_their_own_filter_in_the_index_too(db, listings):
    result = search.search(search.Filters(q="patent", city="Shenzhen", category="ip_services"), with_facets=True)
    assert result.page.total == 2
    assert dict(result.facets["category"]) == {"ip_services": 2, "legal_finance": 1}
    assert dict(result.facets["city"]) == {"Shenzhen": 2, "Beijing": 1, "Shanghai": 1}
