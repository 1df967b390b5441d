"""Startup services: who may create and edit, tag normalisation, and the showcase search."""
import pytest

from app.accounts.models import MemberRole
from app.core.errors import Invalid, NotFound, PermissionDenied
from app.startups import services

pytestmark = pytest.mark.usefixtures("request_ctx")


def test_creator_becomes_owner(make_user):
    founder = make_user("founder")
    startup = services.create_startup(founder=founder, name=" Qubit Works ", sector="quantum", stage="seed",
                                      summary="Quantum sensors.", needs="Cryostat time.", tags=[])
    assert startup.name == "Qubit Works"
    assert startup.owner == founder
    assert startup.member_role(founder) == MemberRole.OWNER
    assert services.startups_for(founder) == [startup]


@pytest.mark.parametrize("role", ["investor", "mentor", "provider"])
def test_only_founders_create_startups(make_user, role):
    with pytest.raises(PermissionDenied) as caught:
        services.create_startup(founder=make_user(role), name="X", sector="ai", stage="idea", summary="S",
                                needs="", tags=[])
    assert caught.value.code == "founders_only"


def test_admin_may_create_a_startup(make_user):
    admin = make_user("investor", is_admin=True)
    startup = services.create_startup(founder=admin, name="Ops", sector="ai", stage="idea", summary="S",
                                      needs="", tags=[])
    assert startup.owner == admin


def test_tags_are_trimmed_lowercased_and_unique(make_startup):
    startup = make_startup(tags=["  LiDAR ", "lidar", "Sensors", "", "芯片", "芯片", "Edge   AI"])
    assert startup.tags == ["lidar", "sensors", "芯片", "edge ai"]


def test_more_than_twenty_tags_is_invalid(make_startup):
    with pytest.raises(Invalid) as caught:
        make_startup(tags=[f"tag{i}" for i in range(21)])
    assert "tags" in caught.value.details


def test_duplicate_tags_do_not_count_towards_the_limit(make_startup):
    assert len(make_startup(tags=[f"tag{i % 20}" for i in range(30)]).tags) == 20


def test_tag_longer_than_forty_characters_is_invalid(make_startup):
    with pytest.raises(Invalid) as caught:
        make_startup(tags=["x" * 41])
    assert "tags" in caught.value.details


def test_unknown_sector_is_invalid(make_startup):
    with pytest.raises(Invalid) as caught:
        make_startup(sector="crypto")
    assert "sector" in caught.value.details


def test_member_can_update(make_startup, make_user, db):
    from app.accounts.models import Membership
    startup = make_startup()
    member = make_user("founder")
    db.session.add(Membership(organisation_id=startup.id, user_id=member.id, role=MemberRole.MEMBER))
    db.session.commit()
    updated = services.update_startup(actor=member, startup_id=startup.id, stage="series_a", tags=["Robots"],
                                      website="")
    assert updated.stage == "series_a"
    assert updated.tags == ["robots"]
    assert updated.website is None


def test_non_member_cannot_update(make_startup, make_user):
    startup = make_startup()
    with pytest.raises(PermissionDenied):
        services.update_startup(actor=make_user("founder"), startup_id=startup.id, name="Hijacked")


def test_admin_can_update(make_startup, make_user):
    startup = make_startup()
    admin = make_user("investor", is_admin=True)
    assert services.update_startup(actor=admin, startup_id=startup.id, name="Renamed").name == "Renamed"


def test_update_refuses_fields_that_are_not_editable(make_startup):
    startup = make_startup()
    with pytest.raises(Invalid) as caught:
        services.update_startup(actor=startup.owner, startup_id=startup.id, is_verified=True)
    assert "is_verified" in caught.value.details
    assert startup.is_verified is False


def test_missing_startup_is_not_found():
    with pytest.raises(NotFound):
        services.get_startup(999_999)


def test_provider_id_is_not_a_startup(make_user, db):
    from app.providers import services as provider_services
    provider = provider_services.create_provider(actor=make_user("provider"), name="Lab", description="", city="X")
    with pytest.raises(NotFound):
        services.get_startup(provider.id)


# Showcase search ------------------------------------------------------------------------------

def _names(page):
    return sorted(s.name for s in page.items)


@pytest.fixture
def gallery(make_startup):
    return {
        "lidar": make_startup(name="Photon Eyes", sector="robotics", stage="prototype",
                              summary="Solid-state LiDAR for warehouse robots.", tags=["lidar", "sensors"]),
        "chips": make_startup(name="量子芯片科技", sector="semiconductors", stage="seed",
                              summary="为边缘设备设计的低功耗 AI 芯片。", needs="需要流片测试和封装服务",
                              tags=["芯片", "edge ai"]),
        "bio": make_startup(name="GeneFold", sector="biotech", stage="series_a", summary="Protein design.",
                            needs="Wet-lab time and GPU compute", description="We fold proteins 100% in silico."),
    }


@pytest.mark.parametrize(("q", "expected"), [
    ("photon", ["Photon Eyes"]),            # name, case-insensitive
    ("WAREHOUSE", ["Photon Eyes"]),         # summary
    ("gpu", ["GeneFold"]),                  # needs
    ("in silico", ["GeneFold"]),            # description
    ("Sensors", ["Photon Eyes", "量子芯片科技"]),  # tags; and 边缘设备 (edge devices): the lexicon's sensors & IoT
    ("量子", ["量子芯片科技"]),               # Chinese in the name
    ("流片", ["量子芯片科技"]),               # Chinese in the needs
    ("芯片", ["量子芯片科技"]),               # Chinese in name, summary and tags
    ("edge ai", ["量子芯片科技"]),           # a tag with a space
    ("100%", ["GeneFold"]),                 # LIKE wildcards are literal
    ("%", []),                              # no word to search for: nothing, not everything
    ("_", []),
    ("nothing like this", []),
])
def test_search_matches_text_fields_and_tags(gallery, q, expected):
    assert _names(services.search_startups(q=q)) == sorted(expected)


def test_search_by_tag_is_an_exact_tag_match(gallery, make_startup):
    make_startup(name="Sensor Fusion", tags=["sensors-fusion"])
    assert _names(services.search_startups(tag="sensors")) == ["Photon Eyes"]
    assert _names(services.search_startups(tag="芯片")) == ["量子芯片科技"]
    assert _names(services.search_startups(tag=" EDGE AI ")) == ["量子芯片科技"]


def test_search_filters_by_sector_and_stage(gallery):
    assert _names(services.search_startups(sector="biotech")) == ["GeneFold"]
    assert _names(services.search_startups(stage="seed")) == ["量子芯片科技"]
    assert _names(services.search_startups(sector="biotech", stage="seed")) == []
    assert _names(services.search_startups(q="protein", sector="biotech", stage="series_a")) == ["GeneFold"]


def test_search_paginates_with_totals(make_startup):
    for i in range(7):
        make_startup(name=f"Batch {i}")
    first = services.search_startups(q="batch", page=1, per_page=3)
    last = services.search_startups(q="batch", page=3, per_page=3)
    assert (first.total, first.pages, len(first.items)) == (7, 3, 3)
    assert (last.total, len(last.items)) == (7, 1)
    names = [s.name for s in first.items + services.search_startups(q="batch", page=2, per_page=3).items + last.items]
    assert sorted(names) == [f"Batch {i}" for i in range(7)]


def test_verified_startups_come_first(make_startup, db):
    make_startup(name="Plain")
    verified = make_startup(name="Checked")
    verified.is_verified = True
    db.session.commit()
    assert services.search_startups().items[0].name == "Checked"


def test_popular_tags_are_ranked_by_use(make_startup):
    make_startup(tags=["robots", "lidar"])
    make_startup(tags=["robots"])
    make_startup(tags=["芯片"])
    assert services.popular_tags()[:3] == ["robots", "lidar", "芯片"]
