"""Demo data for mentor booking: profiles, session types, weekly hours, past sessions with feedback and upcoming ones.

Idempotent: a mentor who already has a profile is left alone.
"""
import logging
from datetime import timedelta

from app.core.db import utcnow
from app.core.errors import AppError
from app.extensions import db
from app.mentoring import bookings, services
from app.mentoring.models import Booking, BookingFeedback, BookingStatus
from app.mentoring.slots import compute_slots

log = logging.getLogger(__name__)

WEEKDAYS = range(0, 5)
MENTORS = {
    "mentor": dict(headline="Serial hardware founder; two exits in industrial IoT",
                   bio="Founded two industrial IoT companies (acquired 2016 and 2021). I help hard-tech founders with "
                       "their first factory, pricing for B2B pilots and the seed-to-A story. "
                       "帮助硬科技创始人建第一座工厂、为 B2B 试点定价、讲好从种子轮到 A 轮的故事。",
                   tags=["manufacturing", "b2b sales", "fundraising", "iot"], sectors=["advanced_manufacturing",
                                                                                       "robotics", "ai"],
                   languages=["zh", "en"], hours=[("09:30", "12:00"), ("14:00", "17:00")], approval=True),
    "anna.schmidt": dict(headline="Former VP Engineering at a photonics scale-up",
                         bio="Twenty years in photonics and quantum hardware, from cleanroom yields to EU grants. "
                             "二十年光子与量子硬件经验，从洁净室良率到欧盟科研资助。",
                         tags=["photonics", "quantum", "eu grants", "hiring"], sectors=["quantum", "semiconductors"],
                         languages=["en", "de"], hours=[("09:00", "12:00")], approval=False),
    "david.chen": dict(headline="Partner at a deep-tech seed fund (Bay Area)",
                       bio="I invest in chips and robotics. Ask me about pitch narratives and US fundraising. "
                           "投资芯片与机器人，可以聊路演叙事与美国融资。",
                       tags=["fundraising", "pitch", "us market"], sectors=["ai_chips", "robotics"],
                       languages=["en", "zh"], hours=[("08:00", "10:00"), ("16:00", "18:00")], approval=True),
    "li.na": dict(headline="生物医药注册与临床专家", bio="十五年药品注册经验，熟悉 NMPA 与 FDA 申报路径。",
                  tags=["regulatory", "clinical trials", "nmpa"], sectors=["biotech", "medtech"], languages=["zh"],
                  hours=[("10:00", "12:00")], approval=False),
    "kenji.tanaka": dict(headline="Robotics supply-chain lead, ex-Fanuc",
                         bio="Actuators, reducers and the Japanese supplier ecosystem. 执行器、减速器与日本供应链。",
                         tags=["supply chain", "actuators", "japan"], sectors=["robotics", "advanced_manufacturing"],
                         languages=["en", "ja"], hours=[("13:00", "16:00")], approval=False),
    "wu.fang": dict(headline="新能源电池材料研究员", bio="固态电池与正极材料产业化。", tags=["batteries", "materials"],
                    sectors=["clean_energy", "new_materials"], languages=["zh"], hours=[("14:00", "17:00")],
                    approval=True),
    "rahul.mehta": dict(headline="AI product leader", bio="Turning models into products people pay for. "
    "把模型做成用户愿意付费的产品。",
                        tags=["product", "ai", "pricing"], sectors=["ai"], languages=["en", "hi"],
                        hours=[("10:00", "13:00")], approval=False),
    "emma.laurent": dict(headline="Aerospace certification consultant",
                         bio="EASA and DO-178C for start-ups that fly things. "
                             "航空航天适航认证（EASA、DO-178C）。", tags=["certification", "aerospace"],
                         sectors=["aerospace"], languages=["en", "fr"], hours=[("09:00", "11:00")], approval=False),
    "sun.qiang": dict(headline="IP strategy and patent litigation", bio="专利布局、FTO 分析与跨境知识产权。",
                      tags=["ip", "patents", "fto"], sectors=["semiconductors", "biotech", "ai_chips"],
                      languages=["zh", "en"], hours=[("15:00", "18:00")], approval=False),
    "qian.wei": dict(headline="集成电路设计与流片导师 · IC design and tape-out mentor",
                     bio="曾任上海一家芯片设计公司 CTO，主导 28 nm 与 14 nm 流片十余次。帮助团队做架构评审、流片前签核"
                         "和供应链规划。Former CTO of a Shanghai chip-design house; ten tape-outs at 28 and 14 nm.",
                     tags=["芯片设计", "流片", "tape-out", "eda"], sectors=["semiconductors", "ai_chips"],
                     languages=["zh", "en"], hours=[("09:00", "11:30")], approval=True),
    "gao.jie": dict(headline="医疗器械注册与临床评价 · Medical-device registration",
                    bio="在北京从事医疗器械注册十二年，熟悉 NMPA 创新医疗器械特别审查程序与临床评价。"
                        "Twelve years of NMPA device registration and clinical evaluation in Beijing.",
                    tags=["医疗器械", "注册", "nmpa", "clinical evaluation"], sectors=["medtech", "biotech"],
                    languages=["zh"], hours=[("14:00", "16:30")], approval=False),
}
FEEDBACK = [(5, "Concrete next steps for our pilot pricing."), (4, "Very useful introductions."),
            (5, "Sharp questions on our unit economics."), (3, "Good, but we ran out of time.")]


def seed(*, users, startups, providers) -> None:
    founders = [u for key, u in users.items() if u.role == "founder"]
    for index, (key, spec) in enumerate(MENTORS.items()):
        mentor = users.get(key)
        if mentor is None or services.profile_for(mentor) is not None:
            continue
        _seed_mentor(mentor, spec, founders, startups, index)


def _seed_mentor(mentor, spec, founders, startups, index: int) -> None:
    services.update_my_profile(mentor=mentor, headline=spec["headline"], bio=spec["bio"], tags=spec["tags"],
                               sectors=spec["sectors"], languages=spec["languages"], timezone=mentor.timezone)
    services.replace_week(mentor=mentor, windows=[{"weekday": d, "start_time": s, "end_time": e}
                                                  for d in WEEKDAYS for s, e in spec["hours"]])
    one_to_one = services.create_session_type(
        mentor=mentor, name="1:1 mentoring", description="An hour on the question that matters most now.",
        duration_minutes=60, capacity=1, min_notice_minutes=12 * 60, max_days_ahead=45, buffer_before_minutes=0,
        buffer_after_minutes=15, requires_approval=spec["approval"], cancellation_window_minutes=24 * 60)
    services.create_session_type(
        mentor=mentor, name="Quick check-in", description="30 minutes for a focused question.",
        duration_minutes=30, capacity=1, min_notice_minutes=4 * 60, max_days_ahead=21, buffer_before_minutes=0,
        buffer_after_minutes=0, requires_approval=False, cancellation_window_minutes=12 * 60)
    open_day = services.create_session_type(
        mentor=mentor, name="Open day (group)", description="Office hours for up to 6 founders.",
        duration_minutes=90, capacity=6, min_notice_minutes=24 * 60, max_days_ahead=60, buffer_before_minutes=0,
        buffer_after_minutes=0, requires_approval=False, cancellation_window_minutes=24 * 60)
    _past_sessions(mentor, one_to_one, founders, startups, index)
    _upcoming_sessions(mentor, one_to_one, open_day, founders)


def _past_sessions(mentor, session_type, founders, startups, index: int) -> None:
    profile = services.profile_for(mentor)
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    for i, founder in enumerate(founders[:4]):
        # a day apart per mentor: one founder is never in two sessions at once
        starts_at = now - timedelta(days=7 * (i + 1) + index, hours=i)
        startup = next((s for s in startups if s.member_role(founder)), None)
        status = BookingStatus.NO_SHOW if i == 3 else BookingStatus.COMPLETED
        booking = Booking(mentor_id=profile.id, session_type_id=session_type.id, founder_id=founder.id,
                          startup_id=startup.id if startup else None, starts_at=starts_at,
                          ends_at=starts_at + timedelta(minutes=session_type.duration_minutes),
                          topic="Pilot pricing and the next round", status=status, confirmed_at=starts_at
                          - timedelta(days=3), notes="Agreed: price the pilot per line, not per robot.")
        db.session.add(booking)
        db.session.flush()
        if status == BookingStatus.COMPLETED:
            rating, comment = FEEDBACK[i % len(FEEDBACK)]
            db.session.add(BookingFeedback(booking_id=booking.id, side="founder", author_id=founder.id,
                                           rating=rating, comment=comment))
            db.session.add(BookingFeedback(booking_id=booking.id, side="mentor", author_id=mentor.id, rating=5,
                                           comment="Well prepared."))
    db.session.commit()


def _upcoming_sessions(mentor, one_to_one, open_day, founders) -> None:
    profile = services.profile_for(mentor)
    now = utcnow()
    for session_type, takers in ((one_to_one, founders[:2]), (open_day, founders[2:5])):
        free = compute_slots(profile, session_type, now, now + timedelta(days=30), now=now)
        for slot_index, founder in enumerate(takers):
            first = min(slot_index * 3, len(free) - 1) if session_type.capacity == 1 else 0
            _book_first_free(founder, session_type, free[first:first + 40])


def _book_first_free(founder, session_type, slots) -> None:
    """Book the first of `slots` the founder is free for (another mentor's demo session may hold the others)."""
    for slot in slots:
        try:
            bookings.book(founder=founder, session_type_id=session_type.id, starts_at=slot.starts_at,
                          topic="Preparing our seed round")
            return
        except AppError:  # taken, or the founder is busy then: try the next one
            continue
    log.info("demo booking skipped for %s", founder.email)
