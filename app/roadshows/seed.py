"""Demo roadshows: an upcoming public demo day whose pitches have real multi-page PDF decks (generated
here with fpdf2, nothing binary checked in), questions and a poll; and a past one with its record."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from app.accounts.models import Organisation, User
from app.extensions import db
from app.roadshows import decks, services
from app.roadshows.live import use_cases
from app.roadshows.models import Question, Roadshow

log = logging.getLogger(__name__)

UPCOMING_TITLE = "Hard-tech Demo Day · 硬科技路演日"
PAST_TITLE = "Autumn Quantum & Robotics Roadshow · 秋季量子与机器人路演"
CHINESE_TITLE = "张江集成电路与具身智能专场路演 · Chips & Embodied AI Roadshow"
# (startup name, pitch title) of the Chinese-language roadshow; decks come later, as they often do.
CHINESE_LINEUP = [
    ("张江芯测 Zhangjiang ChipTest", "车规芯片晶圆级老化测试：六周缩短到十天"),
    ("亦庄具身智能 Yizhuang Embodied AI", "具身智能机械臂走进家电工厂"),
    ("中关村脑机 ZGC NeuroLink", "居家脑机接口康复训练"),
    ("临港氢舟 Lingang HydroShip", "长江内河船舶氢燃料电池动力"),
]
CRITERIA = [{"name": "Team", "weight": 3}, {"name": "Technology", "weight": 3}, {"name": "Market", "weight": 2},
            {"name": "Traction", "weight": 2}]
SLIDES = [
    ("Problem", "What hurts today, for whom, and how much it costs."),
    ("Solution", "Our product, and why it works where others do not."),
    ("Technology", "Core IP: patents granted and filed, key results."),
    ("Market", "Who buys, how many of them, and what they pay."),
    ("Traction", "Pilots, letters of intent, revenue to date."),
    ("Team", "Founders and the people we are hiring next."),
    ("The ask", "What we raise, and what it buys in 18 months."),
]


def deck_pdf(startup: Organisation, pages: int) -> bytes:
    """A simple but real pitch deck: a title slide and content slides, landscape 16:9."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format=(112.5, 200))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_fill_color(29, 78, 216)
    pdf.rect(0, 0, 200, 112.5, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("helvetica", "B", 26)
    pdf.set_xy(12, 38)
    pdf.cell(176, 14, _latin(startup.name), align="C")
    pdf.set_font("helvetica", size=13)
    pdf.set_xy(12, 58)
    pdf.multi_cell(176, 7, _latin(startup.summary or ""), align="C")
    for number, (title, text) in enumerate(SLIDES[: pages - 1], start=2):
        pdf.add_page()
        pdf.set_text_color(15, 23, 42)
        pdf.set_font("helvetica", "B", 22)
        pdf.set_xy(12, 14)
        pdf.cell(176, 12, title)
        pdf.set_draw_color(29, 78, 216)
        pdf.set_line_width(1)
        pdf.line(12, 30, 60, 30)
        pdf.set_font("helvetica", size=14)
        pdf.set_xy(12, 40)
        pdf.multi_cell(176, 8, text)
        pdf.set_font("helvetica", size=9)
        pdf.set_xy(12, 100)
        pdf.cell(176, 6, f"{_latin(startup.name)} - {number}/{pages}", align="R")
    return bytes(pdf.output())


def _latin(text: str) -> str:
    """The core PDF fonts are Latin-1: keep the Latin part of a bilingual name."""
    kept = "".join(ch for ch in text if ord(ch) < 256).strip(" ·-")
    return " ".join(kept.split()) or "Startup"


def _pitch_title(startup: Organisation) -> str:
    """The summary's first clause: "Room-temperature photonic quantum processors that solve…" → its head."""
    import re
    head = re.split(r",| that | for | with | made |:", startup.summary or startup.name)[0].strip()
    return head[:120] or startup.name


def _at(days: int, hour: int) -> datetime:
    base = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    return (base + timedelta(days=days)).replace(hour=hour)


def _roadshow(title: str, *, users, starts_at: datetime, hours: int, description: str) -> tuple[Roadshow, bool]:
    existing = db.session.scalar(select(Roadshow).where(Roadshow.title == title))
    if existing is not None:
        return existing, False
    roadshow = services.create_roadshow(
        actor=users["admin"], title=title, description=description, starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours), visibility="public", criteria=CRITERIA,
        moderator_ids=[users["mentor"].id], judge_ids=[users["mentor"].id, users["investor"].id])
    return roadshow, True


def _pitches(roadshow: Roadshow, startups: list[Organisation], admin: User, pages: list[int]) -> None:
    for startup, count in zip(startups, pages, strict=False):
        pitch = services.add_pitch(actor=admin, roadshow_id=roadshow.id, startup_id=startup.id,
                                   title=_pitch_title(startup), duration_minutes=8)
        decks.upload_deck(actor=admin, pitch_id=pitch.id, data=deck_pdf(startup, count), render_now=True)


def seed(*, users: dict[str, User], startups: list[Organisation], providers: list[Organisation]) -> None:
    """Create the demo roadshows when missing (idempotent: found by title)."""
    if len(startups) < 4:
        return
    founder_startups = [s for s in startups if s.owner is not None and s.owner.id == users["founder"].id]
    lineup = (founder_startups + [s for s in startups if s not in founder_startups])[:4]
    upcoming, created = _roadshow(
        UPCOMING_TITLE, users=users, starts_at=_at(7, 6), hours=3,
        description="Four hard-tech startups pitch to investors and mentors: eight minutes each, then questions. "
                    "四家硬科技初创企业向投资人和导师路演，每家八分钟，随后问答。")
    if created:
        _pitches(upcoming, lineup, users["admin"], [6, 5, 7, 4])
        _questions_and_poll(upcoming, users)
    past, created = _roadshow(
        PAST_TITLE, users=users, starts_at=_at(-30, 6), hours=2,
        description="Last season's roadshow: the room is now a read-only record with its chat and Q&A.")
    if created:
        _pitches(past, startups[4:7], users["admin"], [4, 4, 5])
        _past_record(past, users)
    _chinese_roadshow(users, startups)


def _chinese_roadshow(users: dict[str, User], startups: list[Organisation]) -> None:
    """A roadshow run in Chinese, as most of this incubator's are: Chinese title, description and pitches."""
    by_name = {s.name: s for s in startups}
    lineup = [(by_name[name], title) for name, title in CHINESE_LINEUP if name in by_name]
    if not lineup:
        return
    roadshow, created = _roadshow(
        CHINESE_TITLE, users=users, starts_at=_at(21, 6), hours=2,
        description="上海张江与北京亦庄的四家硬科技企业专场路演：车规芯片测试、具身智能、脑机接口与氢能船舶。"
                    "每家十分钟路演，随后十分钟问答，投资人可在线表达意向。"
                    "Four hard-tech start-ups from Zhangjiang and Yizhuang pitch in Chinese, ten minutes each.")
    if created:
        for startup, title in lineup:
            services.add_pitch(actor=users["admin"], roadshow_id=roadshow.id, startup_id=startup.id, title=title,
                               duration_minutes=10)


def _questions_and_poll(roadshow: Roadshow, users: dict[str, User]) -> None:
    first, second = roadshow.pitches[0], roadshow.pitches[1]
    asks = [(users["investor"], first, "What is your unit cost at 10,000 units a year?"),
            (users.get("anna.schmidt", users["mentor"]), first, "Which certification do you need before a pilot?"),
            (users["investor"], second, "Who is your first paying customer?")]
    for user, pitch, body in asks:
        db.session.add(Question(roadshow_id=roadshow.id, pitch_id=pitch.id, user_id=user.id, body=body))
    db.session.commit()
    use_cases.open_poll(actor=users["admin"], roadshow_id=roadshow.id, question="Which pitch would you fund first?",
                   options=[p.startup.name for p in roadshow.pitches], pitch_id=None)


def _past_record(roadshow: Roadshow, users: dict[str, User]) -> None:
    """A finished event: chat, an answered question, a closed poll, the roadshow marked ended."""
    people = [users["investor"], users["mentor"], users["founder"]]
    lines = ["Great demo!", "How do you handle calibration drift?", "欢迎大家提问。"]
    for index, (user, body) in enumerate(zip(people, lines, strict=True)):
        use_cases.send_chat(user=user, roadshow_id=roadshow.id, body=body, client_id=f"seed-{index}")
    question = use_cases.ask(user=users["investor"], roadshow_id=roadshow.id, pitch_id=roadshow.pitches[0].id,
                        body="What is the lead time for a pilot system?")
    use_cases.moderate_question(actor=users["admin"], question_id=question.id, status="answered")
    poll = use_cases.open_poll(actor=users["admin"], roadshow_id=roadshow.id, question="Was this roadshow useful?",
                          options=["Very", "Somewhat", "Not really"])
    use_cases.vote(user=users["investor"], poll_id=poll.id, option_id=poll.options[0].id)
    use_cases.close_poll(actor=users["admin"], poll_id=poll.id)
    for pitch in roadshow.pitches:
        pitch.state = "done"
    services.update_roadshow(actor=users["admin"], roadshow_id=roadshow.id, status="ended")
