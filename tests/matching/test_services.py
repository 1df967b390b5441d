"""Matching services: text analysis across languages, ranking by availability and rating, reasons, permissions."""
from datetime import timedelta

import pytest

from app.core.db import utcnow
from app.core.errors import NotFound, PermissionDenied
from app.matching import services, text


def test_chinese_and_english_name_the_same_concept():
    assert "@robotics" in text.analyse("机器人灵巧手")
    assert "@robotics" in text.analyse("Dexterous robotic hands")
    assert "@batteries" in text.analyse("钠离子电池") and "@batteries" in text.analyse("sodium-ion batteries")


def test_cjk_text_is_cut_into_bigrams_and_latin_into_stems():
    terms = text.analyse("碳化硅器件 testing tested")
    assert "碳化" in terms and "化硅" in terms
    assert terms.count("test") == 2


def test_a_busy_mentor_ranks_below_an_equally_fitting_free_one(make_mentor, make_startup, request_ctx):
    profile = dict(sectors=["robotics"], tags=["robotics", "actuators"], bio="Robot arms and actuators.")
    busy = make_mentor(name="Busy", free=False, **profile)
    free = make_mentor(name="Free", **profile)
    startup = make_startup(sector="robotics", needs="Actuators for our robot arm.", tags=["robotics"])
    recs = services.recommend_for_startup(actor=startup.owner, startup_id=startup.id)
    names = [m.item.user.name for m in recs.mentors]
    assert names.index("Free") < names.index("Busy")
    busy_match = recs.mentors[names.index("Busy")]
    assert busy_match.next_free_at is None and "No free time in the next 30 days" in busy_match.reasons
    free_match = recs.mentors[names.index("Free")]
    assert free_match.next_free_at is not None and free_match.next_free_at < utcnow() + timedelta(days=2)
    assert free.id != busy.id


def test_reasons_say_why_in_the_readers_language(app, db, make_mentor, make_startup):
    make_mentor(name="Robo", sectors=["robotics"], tags=["actuators"], bio="Servo motors and reducers.")
    startup = make_startup(sector="robotics", summary="灵巧机器人手", needs="需要伺服电机和减速器供应商",
                           tags=["机器人"])
    with app.test_request_context(headers={"Accept-Language": "en"}):
        english = services.recommend_for_startup(actor=startup.owner, startup_id=startup.id).mentors[0].reasons
    assert english[0] == "Works in Robotics"
    assert any(r.startswith("Knows ") and "actuators" in r for r in english)
    assert english[-1] in ("Free today", "Free tomorrow")


def test_ratings_lift_a_mentor_and_are_shown(make_mentor, make_startup, make_user, request_ctx):
    from app.extensions import db
    from app.mentoring import services as mentoring
    from app.mentoring.models import Booking, BookingFeedback, BookingStatus

    profile = dict(sectors=["robotics"], tags=["robotics"], bio="Robots.")
    plain = make_mentor(name="Plain", **profile)
    rated = make_mentor(name="Rated", **profile)
    founder = make_user("founder")
    rated_profile = mentoring.profile_for(rated)
    for i in range(3):
        start = utcnow() - timedelta(days=10 + i)
        booking = Booking(mentor_id=rated_profile.id, session_type_id=rated_profile.session_types[0].id,
                          founder_id=founder.id, starts_at=start, ends_at=start + timedelta(hours=1),
                          status=BookingStatus.COMPLETED)
        db.session.add(booking)
        db.session.flush()
        db.session.add(BookingFeedback(booking_id=booking.id, side="founder", author_id=founder.id, rating=5,
                                       comment=""))
    db.session.commit()
    startup = make_startup(founder, sector="robotics", tags=["robotics"], needs="Robot advice.")
    recs = services.recommend_for_startup(actor=founder, startup_id=startup.id)
    assert [m.item.user.name for m in recs.mentors][:2] == ["Rated", "Plain"]
    assert "Rated 5.0 from 3 sessions" in recs.mentors[0].reasons
    assert plain.id


def test_only_members_and_admins_see_a_startups_recommendations(make_startup, make_user, request_ctx):
    startup = make_startup()
    with pytest.raises(PermissionDenied):
        services.recommend_for_startup(actor=make_user("founder"), startup_id=startup.id)
    assert services.recommend_for_startup(actor=make_user("investor", is_admin=True), startup_id=startup.id)
    with pytest.raises(NotFound):
        services.recommend_for_startup(actor=startup.owner, startup_id=2**31 - 1)


def test_a_mentor_sees_the_startups_that_need_them(make_mentor, make_startup, request_ctx):
    mentor = make_mentor(sectors=["biotech"], tags=["抗体", "CMC"], bio="抗体药物工艺开发。")
    fitting = make_startup(name="AbCo", sector="biotech", summary="Antibodies for solid tumours.",
                           needs="A CMC lead for our antibody.", tags=["antibodies"])
    make_startup(name="RoboCo", sector="robotics", summary="Robot hands.", needs="Actuators.", tags=["robotics"])
    found = services.matches_for_mentor(mentor=mentor)
    assert [m.item.id for m in found][:1] == [fitting.id]
    assert "In your sector: Biotech" in found[0].reasons
    with pytest.raises(PermissionDenied):
        services.matches_for_mentor(mentor=fitting.owner)


def test_a_provider_sees_the_startups_that_need_its_listings(make_listing, make_provider, make_startup, make_user,
                                                             request_ctx):
    owner = make_user("provider")
    provider = make_provider(owner)
    make_listing(provider, title="EMC pre-compliance testing", category="inspection_testing", tags=["emc"])
    make_listing(provider, title="Hidden draft", category="other", tags=["robotics"], status="draft")
    needy = make_startup(name="Needy", needs="EMC testing for our controller board (电磁兼容).")
    found = services.matches_for_provider(actor=owner, provider_id=provider.id)
    assert found[0].item.id == needy.id and found[0].listing.title == "EMC pre-compliance testing"
    assert found[0].reasons[0] == "Fits your listing “EMC pre-compliance testing”"
    with pytest.raises(PermissionDenied):
        services.matches_for_provider(actor=make_user("provider"), provider_id=provider.id)
    with pytest.raises(NotFound):
        services.matches_for_provider(actor=owner, provider_id=needy.id)


def test_the_longest_term_wins_over_the_terms_inside_it():
    assert text.concepts_in("内蒙古的示范场地") == ["demonstration"]  # not also a workspace (场地)
    assert "chemistry" not in text.concepts_in("合成孔径雷达微小卫星")  # SAR, not chemical synthesis (合成)
    assert text.concepts_in("power electronics") == ["power_electronics"]  # not also electronics
    assert "agritech" in text.concepts_in("plant pathology") and "medical_imaging" not in text.concepts_in(
        "plant pathology")


def test_listing_reasons_do_not_repeat_themselves_and_compute_reads_as_compute(make_listing, make_startup,
                                                                                request_ctx):
    make_listing(title="EMC and electrical safety testing", category="inspection_testing", tags=["emc", "testing"],
                 description="Radiated emissions, ESD and surge.")
    make_listing(title="Ascend 910B hours", category="compute", tags=["npu", "ascend"],
                 description="Domestic accelerators for training and inference.")
    startup = make_startup(sector="robotics", needs="EMC testing for our controller; NPU hours for training.")
    reasons = {m.item.title: m.reasons[0] for m in
               services.recommend_for_startup(actor=startup.owner, startup_id=startup.id).listings}
    assert reasons["EMC and electrical safety testing"] == "Covers EMC testing"
    assert reasons["Ascend 910B hours"].startswith("Covers compute")
    assert "chip design" not in reasons["Ascend 910B hours"]


def test_the_stage_decides_between_generic_services(make_listing, make_startup, make_user, request_ctx):
    """An idea-stage hardware startup is shown prototyping first; a growth-stage one manufacturing."""
    make_listing(title="Hardware build service", category="concept_verification", tags=["hardware"],
                 description="We build hardware for you.")
    make_listing(title="Hardware build partner", category="design_manufacturing", tags=["hardware"],
                 description="We build hardware for you.")
    founder = make_user("founder")
    first = {}
    for stage in ("idea", "growth"):
        startup = make_startup(founder, name=f"Robo {stage}", sector="robotics", stage=stage,
                               summary="Robot arms.", needs="Help building our hardware.", tags=["robotics"])
        listings = services.recommend_for_startup(actor=founder, startup_id=startup.id).listings
        first[stage] = listings[0].item.category
    assert first == {"idea": "concept_verification", "growth": "design_manufacturing"}


def test_a_shortlist_covers_several_needs():
    """Near-identical listings of one category do not crowd out the next need: each one already picked from a
    category counts less (the scores shown stay in order)."""
    from types import SimpleNamespace

    def match(id_, category, score):
        return services.Match(SimpleNamespace(id=id_, category=category), score, [])

    candidates = [match(1, "inspection_testing", 0.30), match(2, "inspection_testing", 0.29),
                  match(3, "inspection_testing", 0.28), match(4, "ip_services", 0.25)]
    picked = services._diversified(candidates, 3)
    assert [m.item.id for m in picked] == [1, 4, 2]
    assert [m.score for m in picked] == sorted((m.score for m in picked), reverse=True)
