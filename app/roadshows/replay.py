"""The record of a roadshow that has ended: every pitch with its deck, its questions and answers and its poll
results, the chat transcript, and the time each pitch started (its chapter)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.roadshows.live import queries
from app.roadshows.live.access import is_moderator, require_watch
from app.roadshows.models import Poll, Question, QuestionStatus, Roadshow
from app.roadshows.services import get_roadshow

PUBLIC = (QuestionStatus.APPROVED, QuestionStatus.ANSWERED)


def record(*, user, roadshow_id: int) -> dict:
    """What the replay page shows to someone who may watch; moderators also see the questions that were
    never shown (dismissed, or not taken at the end), marked as such."""
    roadshow: Roadshow = require_watch(user, get_roadshow(roadshow_id))
    shown = list(QuestionStatus) if is_moderator(user, roadshow) else list(PUBLIC)
    questions = list(db.session.scalars(select(Question).options(selectinload(Question.user)).where(
        Question.roadshow_id == roadshow.id, Question.status.in_(shown)).order_by(Question.votes.desc(), Question.id)))
    polls = list(db.session.scalars(select(Poll).options(selectinload(Poll.options)).where(
        Poll.roadshow_id == roadshow.id).order_by(Poll.id)))
    results = {p.id: _results(p) for p in polls}
    starts = [p.started_at for p in roadshow.pitches if p.started_at is not None]
    first = min(starts) if starts else None
    from app.video.recording import preparing, ready_for  # the video package builds on this one
    recordings, in_preparation = ready_for(roadshow.id), preparing(roadshow.id)
    pitches = [{
        "pitch": p,
        "recordings": recordings.get(p.id, []),
        "recording_in_preparation": p.id in in_preparation,
        "chapter": (p.started_at - first) if p.started_at is not None and first is not None else None,
        "questions": [q for q in questions if q.pitch_id == p.id],
        "polls": [results[poll.id] for poll in polls if poll.pitch_id == p.id],
    } for p in roadshow.pitches]
    return {"roadshow": roadshow, "pitches": pitches, "first_start": first,
            "polls": [results[poll.id] for poll in polls if poll.pitch_id is None],
            "messages": queries.messages_after(roadshow.id, 0, limit=5000)}


def _results(poll: Poll) -> dict:
    tallies = queries.tallies(poll.id)
    total = sum(tallies.values())
    return {"poll": poll, "total": total, "options": [
        {"label": o.label, "votes": tallies.get(o.id, 0),
         "percent": round(100 * tallies.get(o.id, 0) / total) if total else 0} for o in poll.options]}


def chapter_label(offset: timedelta | None) -> str:
    """`H:MM:SS` from the first pitch's start."""
    if offset is None:
        return ""
    seconds = max(0, int(offset.total_seconds()))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
