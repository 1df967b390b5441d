"""The JSON shapes of the live room that REST does not have (stage, slide, questions, polls, cues).

Chat messages and pitches go out as `app.roadshows.schemas` dumps them, over sockets and REST alike.
"""
from __future__ import annotations

from datetime import datetime

from app.roadshows.models import Cue, Pitch, Poll, Question, Roadshow
from app.roadshows.schemas import pitch_schema


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def user_ref(user) -> dict | None:
    return {"id": user.id, "name": user.name} if user is not None else None


def slide_url(pitch_id: int, revision: int = 0) -> str:
    """The page image URL with `{n}` for the page number (the client fills it in); `?v=` names the deck's
    revision, so a replaced deck's pages are never taken from a cache."""
    return f"/roadshows/pitches/{pitch_id}/deck/{{n}}.png?v={revision}"  # the route of views.deck_page


def pitch(p: Pitch) -> dict:
    return pitch_schema.dump(p)


def stage(roadshow: Roadshow, event_id: int | None = None) -> dict:
    current = roadshow.current_pitch
    return {"roadshow_id": roadshow.id, "status": roadshow.status, "event_id": event_id,
            "pitch": pitch(current) if current else None,
            "state": current.state if current else None,
            "deadline": iso(current.deadline_at) if current else None,
            "server_time": iso(_now())}


def slide(roadshow: Roadshow, event_id: int | None = None) -> dict | None:
    current = roadshow.current_pitch
    if current is None:
        return None
    return {"roadshow_id": roadshow.id, "pitch_id": current.id, "slide": current.current_slide,
            "pages": current.deck_pages, "deck_status": current.deck_status, "event_id": event_id,
            "image_url": slide_url(current.id, current.deck_revision) if current.deck_pages else None}


def question(q: Question, counts: dict | None = None) -> dict:
    data = {"id": q.id, "roadshow_id": q.roadshow_id, "pitch_id": q.pitch_id, "user": user_ref(q.user),
            "body": q.body, "status": q.status, "votes": q.votes, "created_at": iso(q.created_at)}
    if counts is not None:
        data["counts"] = counts
    return data


def poll(p: Poll, tallies: dict[int, int], my_vote: int | None = None) -> dict:
    options = [{"id": o.id, "label": o.label, "votes": tallies.get(o.id, 0)} for o in p.options]
    return {"id": p.id, "roadshow_id": p.roadshow_id, "pitch_id": p.pitch_id, "question": p.question,
            "status": p.status, "options": options, "total": sum(o["votes"] for o in options),
            "my_vote": my_vote, "created_at": iso(p.created_at)}


def _now():
    from app.core.db import utcnow
    return utcnow()


def cue(c: Cue) -> dict:
    return {"id": c.id, "roadshow_id": c.roadshow_id, "pitch_id": c.pitch_id, "body": c.body,
            "created_at": iso(c.created_at), "acknowledged_at": iso(c.acknowledged_at)}
