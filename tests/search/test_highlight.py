"""Results say which words matched, in either language, and mark them in the page."""
from markupsafe import Markup

from app.accounts.models import User
from app.mentoring.models import MentorProfile
from app.providers.models import Listing, Provider
from app.search.highlight import highlight, matched_words
from app.startups.models import Startup


def test_highlight_marks_the_typed_word_and_its_stems():
    assert highlight("Mass spectrometry runs", "spectro") == Markup("Mass <mark>spectrometry</mark> runs")
    assert highlight("Battery tests", "testing") == Markup("Battery <mark>tests</mark>")


def test_highlight_marks_words_of_the_other_language_that_name_the_same_concept():
    assert highlight("EMC testing; 电磁兼容检测", "检测") == Markup(
        "EMC <mark>testing</mark>; 电磁兼容<mark>检测</mark>")
    assert highlight("Battery electrode coating", "涂布") == Markup("Battery <mark>electrode coating</mark>")


def test_highlight_escapes_the_text():
    assert highlight("<b>GPU</b> & more", "gpu") == Markup("&lt;b&gt;<mark>GPU</mark>&lt;/b&gt; &amp; more")
    assert highlight("<i>x</i>", "") == Markup("&lt;i&gt;x&lt;/i&gt;")


def test_matched_words_are_distinct_and_in_order():
    assert matched_words(["Ocean Robotics", "水下机器人", "robotics"], "机器人") == ["Robotics", "机器人", "robotics"]
    assert matched_words(["nothing here"], "机器人") == []


def _listing(db):
    provider = Provider(name="苏州检测认证中心", description="", tags=[])
    listing = Listing(provider=provider, title="EMC pre-compliance testing", category="inspection_testing",
                      description="ESD and surge.", unit="run", pricing_model="quote", tags=["检测"], specs={},
                      category_fields={"standards": ["IEC 61000-4-2"], "accreditation": ["CNAS"]},
                      status="published")
    db.session.add(listing)
    db.session.commit()
    return listing


def test_the_api_says_which_words_of_a_listing_matched(client, db):
    listing = _listing(db)
    body = client.get("/api/listings", query_string={"q": "检测"}).get_json()
    assert [item["id"] for item in body["items"]] == [listing.id]
    assert body["items"][0]["matched"][:2] == ["testing", "检测"]


def test_the_marketplace_marks_matches_in_chinese(client, db):
    _listing(db)
    page = client.get("/resources?q=检测", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "EMC pre-compliance <mark>testing</mark>" in page and "<mark>检测</mark>" in page
    assert "匹配：" in page and "Matched:" not in page


def test_the_mentor_directory_and_showcase_mark_matches(client, db):
    user = User(email="m@example.test", name="Li Wei", role="mentor", password_hash="x")
    db.session.add(MentorProfile(user=user, headline="Robotics and motion control", bio="", tags=[], sectors=[]))
    db.session.add(Startup(name="Ocean Robotics", summary="水下机器人", tags=["AUV"], sector="robotics"))
    db.session.commit()
    page = client.get("/mentors?q=机器人").get_data(as_text=True)
    assert "<mark>Robotics</mark> and motion control" in page
    page = client.get("/showcase?q=机器人").get_data(as_text=True)
    assert "Ocean <mark>Robotics</mark>" in page and "水下<mark>机器人</mark>" in page
