"""The index follows the data: documents are written, rewritten and removed with the rows, in the same transaction."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.mentoring.models import MentorProfile
from app.providers.models import Listing, Provider
from app.search import services
from app.search.models import SearchDocument
from app.startups.models import Startup


@pytest.fixture
def provider(db):
    provider = Provider(name="深圳检测中心", description="", tags=[])
    db.session.add(provider)
    db.session.commit()
    return provider


@pytest.fixture
def listing(db, provider):
    listing = Listing(provider=provider, title="EMC testing", category="inspection_testing", description="",
                      unit="run", pricing_model="quote", city="Shenzhen", tags=["检测"], status="published",
                      category_fields={"standards": ["IEC 61000-4-2"], "accreditation": ["CNAS"]}, specs={})
    db.session.add(listing)
    db.session.commit()
    return listing


def _terms(db, kind, ref_id) -> set[str]:
    doc = db.session.scalar(select(SearchDocument).where(SearchDocument.kind == kind, SearchDocument.ref_id == ref_id))
    return set(f"{doc.title_terms} {doc.keyword_terms} {doc.body_terms}".split()) if doc else set()


def test_a_new_listing_is_indexed_with_its_category_fields_and_both_category_names(db, listing):
    terms = _terms(db, "listing", listing.id)
    assert {"emc", "test", "检测", "iec", "61000", "cnas", "@inspection_testing", "@emc_safety"} <= terms
    assert {"inspect", "检验"} & terms  # "Inspection and testing" / its Chinese name


def test_an_edited_listing_is_reindexed(db, listing):
    listing.title = "锂电池涂布中试线"
    db.session.commit()
    terms = _terms(db, "listing", listing.id)
    assert {"涂布", "@batteries"} <= terms and "emc" not in terms


def test_renaming_the_provider_reindexes_its_listings(db, provider, listing):
    provider.name = "Huawei Labs"
    db.session.commit()
    assert "huawei" in _terms(db, "listing", listing.id)


def test_a_deleted_listing_leaves_the_index(db, listing):
    listing_id = listing.id
    db.session.delete(listing)
    db.session.commit()
    assert _terms(db, "listing", listing_id) == set()


def test_a_rolled_back_change_leaves_the_index_as_it_was(db, listing):
    listing.title = "Patent search"
    db.session.flush()
    assert "patent" in _terms(db, "listing", listing.id)
    db.session.rollback()
    assert "patent" not in _terms(db, "listing", listing.id)


def test_mentors_are_indexed_with_name_tags_and_sectors_in_both_languages(db, make_user):
    user = make_user("mentor", name="王磊")
    profile = MentorProfile(user=user, bio="Former robot arm lead.", tags=["batteries"], sectors=["semiconductors"])
    db.session.add(profile)
    db.session.commit()
    terms = _terms(db, "mentor", profile.id)
    assert {"王磊", "batteri", "semiconductor", "半导体", "@robotics"} <= terms
    db.session.get(User, user.id).name = "Lei Wang"
    db.session.commit()
    assert "lei" in _terms(db, "mentor", profile.id)


def test_startups_are_indexed(db):
    startup = Startup(name="Ocean Robotics", summary="水下机器人", needs="耐压舱测试", tags=["海洋"], sector="robotics")
    db.session.add(startup)
    db.session.commit()
    assert {"ocean", "robot", "机器人", "耐压", "@marine", "@robotics"} <= _terms(db, "startup", startup.id)


def test_reindex_rebuilds_every_document(db, listing):
    db.session.execute(SearchDocument.__table__.delete())
    db.session.commit()
    counts = services.rebuild_index()
    assert counts["listing"] == 1 and "cnas" in _terms(db, "listing", listing.id)


def _found(db, q: str) -> set[int]:
    from app.search.analysis import parse_query
    from app.search.engine import matches
    hits = matches("listing", parse_query(q), db.engine.dialect.name)
    return set(db.session.scalars(select(hits.c.ref_id)))


def test_a_rebuilt_index_is_searched_and_keeps_following_the_data(db, provider, listing):
    """SQLite rebuilds its FTS5 index in one pass (its triggers dropped and made again meanwhile): what the rebuild
    wrote is found, and a listing added or edited afterwards is indexed by the triggers as before."""
    from sqlalchemy import text
    assert services.rebuild_index(["listing"]) == {"listing": 1}
    assert _found(db, "CNAS") == {listing.id} and _found(db, "检测") == {listing.id}
    later = Listing(provider=provider, title="锂电池涂布中试线", category="pilot_testing", description="", unit="run",
                    pricing_model="quote", city="Shanghai", tags=[], status="published", category_fields={}, specs={})
    db.session.add(later)
    listing.title = "Photonics wafer probing"
    db.session.commit()
    assert _found(db, "涂布") == {later.id} and _found(db, "wafer") == {listing.id} and not _found(db, "EMC")
    if db.engine.dialect.name == "sqlite":
        triggers = set(db.session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                               "AND name LIKE 'search_fts_%'")))
        assert triggers == {"search_fts_ai", "search_fts_ad", "search_fts_au"}
        db.session.execute(text("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')"))


def test_reindex_command(app, db, listing):
    result = app.test_cli_runner().invoke(args=["search", "reindex", "--kind", "listing"])
    assert result.exit_code == 0, result.output
    assert "listing: 1 documents" in result.output


def test_reindex_command_refuses_an_unknown_kind(app, db):
    result = app.test_cli_runner().invoke(args=["search", "reindex", "--kind", "nonsense"])
    assert result.exit_code != 0 and "unknown kinds: nonsense" in result.output


def test_prices_do_not_matter_to_the_index(db, listing):
    before = _terms(db, "listing", listing.id)
    listing.price = Decimal("100")
    db.session.commit()
    assert _terms(db, "listing", listing.id) == before


def test_json_columns_hold_real_utf8(db, listing):
    from sqlalchemy import String, cast
    stored = db.session.scalar(select(cast(Listing.tags, String)).where(Listing.id == listing.id))
    assert "检测" in stored and "\\u" not in stored


def test_a_listing_is_found_by_its_city_in_either_language(db, listing):
    from app.providers import search
    assert [item.id for item in search.search(search.Filters(q="深圳")).page.items] == [listing.id]
