"""Demo data for mentor booking: profiles, session types, weekly hours, each mentor's own record of past sessions
(ratings, cancellations and no-shows by either side, startups that progressed), upcoming sessions, and two
gold-mentor open days.

Idempotent: a mentor who already has a profile is left alone; open days are made once.
"""
import logging
from datetime import timedelta

from sqlalchemy import select

from app.core.db import utcnow
from app.core.errors import AppError
from app.extensions import db
from app.mentoring import bookings, services
from app.mentoring.models import Booking, BookingFeedback, BookingReminder, BookingStatus
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
# Each mentor's past, newest first: C<n> completed and rated n by the founder, N-f / N-m a no-show by the founder /
# the mentor, X-f / X-m cancelled by the founder / the mentor. Different mentors, different records: some meet the
# default gold-mentor criteria (5+ sessions, 4.5+, few no-shows), some are new, one improves, one slips.
HISTORY = {
    "mentor": dict(record="C5 C5 C4 C5 X-f C5 C5 N-f C4 C5 C5 C5 C5", progressed=3, accept_hours=5),
    "anna.schmidt": dict(record="C5 C4 C5 C5 C5 C4 X-f", progressed=1, accept_hours=None),
    "david.chen": dict(record="C5 C5 C4 X-m C3 C3 C2 X-m", progressed=2, accept_hours=40),
    "li.na": dict(record="C5 C5 N-m C5 C4 C5", progressed=1, accept_hours=None),
    "kenji.tanaka": dict(record="C3 C3 C4 C5 C5 C5", progressed=0, accept_hours=None),
    "wu.fang": dict(record="C5 C5 C5 C4 C5", progressed=2, accept_hours=18),
    "rahul.mehta": dict(record="C4 X-f X-f C4 N-f", progressed=0, accept_hours=None),
    "emma.laurent": dict(record="C4 C5", progressed=0, accept_hours=None),
    "sun.qiang": dict(record="C5 C4 C5 C4 C4 C5 C5 X-m", progressed=2, accept_hours=None),
    "qian.wei": dict(record="C5 C5 C5", progressed=1, accept_hours=8),
    "gao.jie": dict(record="", progressed=0, accept_hours=None),
}
COMMENTS = {5: ["Concrete next steps for our pilot pricing.", "非常具体，帮我们理清了量产前的验证计划。",
                "Sharp questions on our unit economics.", "介绍的供应商第二周就回复了，效率很高。"],
            4: ["Very useful introductions.", "建议很实用，就是时间有点紧。", "Good framework for the board deck."],
            3: ["Good, but we ran out of time.", "内容偏泛，希望下次更聚焦我们的问题。"],
            2: ["Felt rushed; the mentor had not read our brief.", "准备不足，没有看我们提前发的材料。"]}
MENTOR_COMMENTS = ["Well prepared.", "准备充分，问题清楚。", "Came with data, good discussion.", "团队执行力强。"]
# The demo founder's recent sessions with the demo mentor: two waiting for a no-show report or the close, two
# completed and waiting for both ratings (the blind feedback).
RECENT = [("Pilot line budget review · 试产线预算复盘", 1, BookingStatus.CONFIRMED),
          ("BOM cost check · 物料成本核对", 2, BookingStatus.CONFIRMED),
          ("Seed deck feedback · 种子轮路演材料反馈", 3, BookingStatus.COMPLETED),
          ("Hiring the first engineers · 首批工程师招聘", 3, BookingStatus.COMPLETED)]


def seed(*, users, startups, providers) -> None:
    founders = [u for key, u in users.items() if u.role == "founder"]
    for index, (key, spec) in enumerate(MENTORS.items()):
        mentor = users.get(key)
        if mentor is None or services.profile_for(mentor) is not None:
            continue
        _seed_mentor(mentor, spec, founders, startups, index)
    _open_days(users, founders)


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
        mentor=mentor, name="快速答疑 Quick check-in",
        description="30 分钟，聚焦一个问题。30 minutes for a focused question.",
        duration_minutes=30, capacity=1, min_notice_minutes=4 * 60, max_days_ahead=21, buffer_before_minutes=0,
        buffer_after_minutes=0, requires_approval=False, cancellation_window_minutes=12 * 60)
    open_day = services.create_session_type(
        mentor=mentor, name="小组答疑 Group office hours",
        description="最多 6 位创始人一起交流。Office hours for up to 6 founders.",
        duration_minutes=90, capacity=6, min_notice_minutes=24 * 60, max_days_ahead=60, buffer_before_minutes=0,
        buffer_after_minutes=0, requires_approval=False, cancellation_window_minutes=24 * 60)
    _past_sessions(mentor, one_to_one, founders, startups, index)
    _upcoming_sessions(mentor, one_to_one, open_day, founders)


def _past_sessions(mentor, session_type, founders, startups, index: int) -> None:
    """The mentor's record (HISTORY): sessions 17 days apart (the older ones before the scorecard's 90-day trend),
    each mentor at its own hour, so no founder is ever in two at once."""
    spec = HISTORY.get(mentor.email.split("@")[0], {"record": "", "progressed": 0, "accept_hours": None})
    profile = services.profile_for(mentor)
    anchor = utcnow().replace(hour=1 + index, minute=0, second=0, microsecond=0)
    progressed: set[int] = set()
    for j, code in enumerate(spec["record"].split()):
        founder = founders[(index + j) % len(founders)]
        startup = next((s for s in startups if s.member_role(founder)), None)
        starts_at = anchor - timedelta(days=4 + 17 * j)
        booking = _past_booking(profile, session_type, founder, startup, starts_at, code, spec["accept_hours"])
        if startup is not None and code.startswith("C") and len(progressed) < spec["progressed"]:
            progressed.add(startup.id)
        if startup is not None and startup.id in progressed:
            booking.startup_stage = _earlier(startup.stage)
        if code.startswith("C"):
            rating = int(code[1:])
            db.session.add(BookingFeedback(booking_id=booking.id, side="founder", author_id=founder.id, rating=rating,
                                           comment=COMMENTS[rating][(index + j) % len(COMMENTS[rating])],
                                           created_at=booking.ends_at + timedelta(hours=2)))
            db.session.add(BookingFeedback(booking_id=booking.id, side="mentor", author_id=mentor.id,
                                           rating=4 + (index + j) % 2,
                                           comment=MENTOR_COMMENTS[(index + j) % len(MENTOR_COMMENTS)],
                                           created_at=booking.ends_at + timedelta(hours=3)))
    if mentor.email.startswith("mentor@"):
        _recent_sessions(profile, session_type, founders[0], startups)
    db.session.commit()


def _past_booking(profile, session_type, founder, startup, starts_at, code: str, accept_hours) -> Booking:
    created = starts_at - timedelta(days=6)
    status = {"C": BookingStatus.COMPLETED, "N": BookingStatus.NO_SHOW, "X": BookingStatus.CANCELLED}[code[0]]
    booking = Booking(mentor_id=profile.id, session_type_id=session_type.id, founder_id=founder.id,
                      startup_id=startup.id if startup else None, startup_stage=startup.stage if startup else None,
                      starts_at=starts_at, ends_at=starts_at + timedelta(minutes=session_type.duration_minutes),
                      topic="Pilot pricing and the next round · 试点定价与下一轮融资", status=status,
                      created_at=created,
                      confirmed_at=created + timedelta(hours=accept_hours) if accept_hours else created,
                      notes="Agreed: price the pilot per line, not per robot. 试点按产线定价，而不是按台。")
    if status == BookingStatus.NO_SHOW:
        booking.absent_side = "mentor" if code == "N-m" else "founder"
    if status == BookingStatus.CANCELLED:
        booking.cancelled_by_id = profile.user_id if code == "X-m" else founder.id
        booking.cancelled_at = starts_at - timedelta(days=2)
        booking.cancel_reason = "出差冲突 · travel clash" if code == "X-m" else "融资路演改期 · our pitch moved"
    db.session.add(booking)
    db.session.flush()
    if status != BookingStatus.CANCELLED:  # the close of the session has happened: no late rating prompts
        db.session.add(BookingReminder(booking_id=booking.id, kind="ended", starts_at=starts_at))
    return booking


def _earlier(stage: str | None) -> str | None:
    from app.startups.models import Stage
    order = [s.value for s in Stage]
    return order[order.index(stage) - 1] if stage in order and order.index(stage) > 0 else stage


def _recent_sessions(profile, session_type, founder, startups) -> None:
    startup = next((s for s in startups if s.member_role(founder)), None)
    for n, (topic, days_ago, status) in enumerate(RECENT):
        starts_at = utcnow().replace(hour=6 + 2 * (n % 2), minute=0, second=0, microsecond=0) - timedelta(days=days_ago)
        booking = Booking(mentor_id=profile.id, session_type_id=session_type.id, founder_id=founder.id,
                          startup_id=startup.id if startup else None, startup_stage=startup.stage if startup else None,
                          starts_at=starts_at, ends_at=starts_at + timedelta(minutes=session_type.duration_minutes),
                          topic=topic, status=status, confirmed_at=starts_at - timedelta(days=5))
        db.session.add(booking)
        db.session.flush()
        if status == BookingStatus.COMPLETED:
            db.session.add(BookingReminder(booking_id=booking.id, kind="ended", starts_at=starts_at))


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


OPEN_DAYS = [
    dict(title="金牌导师开放日：从样机到量产 · Gold-mentor open day: from prototype to production", days=10,
         mentors=["mentor", "sun.qiang"], seats=6, takers=3,
         location="上海市徐汇区漕河泾创新中心 3 楼 · Caohejing Hub, 3F",
         description="两位金牌导师与六支团队一对一轮转：量产准备、供应链与专利布局。Rotating tables: production "
                     "readiness, supply chain and patents."),
    dict(title="Deep-tech fundraising clinic · 硬科技融资诊所", days=17, mentors=["anna.schmidt", "wu.fang"],
         seats=2, takers=3, location="", description="Bring your deck; two mentors, two seats, a waitlist. "
                                                     "带上路演材料，两位导师，两个席位，满员可候补。"),
]


def _open_days(users, founders) -> None:
    """Two open days with gold mentors: one with seats left, one full with a founder on the waitlist."""
    from app.mentoring import open_days
    from app.mentoring.models import OpenDay

    admin = users.get("admin")
    if admin is None or db.session.scalar(select(OpenDay.id).limit(1)) is not None:
        return
    for spec in OPEN_DAYS:
        mentors = [users[key] for key in spec["mentors"] if key in users]
        starts_at = utcnow().replace(hour=11, minute=0, second=0, microsecond=0) + timedelta(days=spec["days"])
        day = open_days.schedule(admin=admin, title=spec["title"], description=spec["description"], seats=spec["seats"],
                                 starts_at=starts_at, ends_at=starts_at + timedelta(hours=2),
                                 mentor_ids=[m.id for m in mentors], location=spec["location"])
        for founder in founders[5:5 + spec["takers"]]:
            try:
                open_days.take_seat(founder=founder, open_day_id=day.id, topic="量产与融资 · production and funding")
            except AppError:  # busy then: another demo founder takes it
                continue
