"""Who watches the stage video, and the organiser's peak and average video viewers per pitch.

A viewer's page says `video:watching {roadshow_id, watching: true}` once the stage's video reaches it (WebRTC;
the HLS path says `via: "hls"`) and `watching: false` when it stops; a closed socket stops watching. Each stretch
is a `VideoView` row. Per pitch, the report counts the distinct viewers (a person, or an anonymous socket)
watching at each moment of the pitch's time on stage (live and Q&A, from the stage log): the peak is the most at
once, the average is weighted by time (the area under that count divided by the pitch's time on stage).
"""
from __future__ import annotations

from datetime import datetime

from flask import request
from flask_babel import lazy_gettext as _l
from flask_socketio import rooms
from marshmallow import fields, validate
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.events import socket_disconnected
from app.core import uow
from app.core.db import utcnow
from app.core.errors import InvalidState
from app.core.realtime import ok
from app.extensions import db
from app.roadshows.live import access
from app.roadshows.live.events import _user, on_event
from app.roadshows.live.schemas import SocketInput, _id
from app.roadshows.lookups import get_roadshow
from app.roadshows.models import PitchState, Roadshow, StageEvent
from app.roadshows.room import roadshow_room
from app.video.models import VideoView

ON_STAGE = (PitchState.LIVE, PitchState.QA)
VIAS = ("webrtc", "hls")


class WatchingSchema(SocketInput):
    """video:watching"""
    roadshow_id = _id()
    watching = fields.Boolean(required=True, truthy={True}, falsy={False})
    via = fields.String(load_default="webrtc", validate=validate.OneOf(VIAS))


def start_watching(*, user, roadshow_id: int, sid: str, via: str = "webrtc") -> VideoView:
    """A socket starts watching the stage video (idempotent: a repeat, or two at once, keep one open stretch)."""
    roadshow = access.require_watch(user, get_roadshow(roadshow_id))
    if not access.is_open(roadshow.status):
        raise InvalidState(_l("This roadshow has ended."), code="roadshow_closed")
    user_id = user.id if access.signed_in(user) else None
    try:
        with uow.unit_of_work():
            view = _open_view(roadshow.id, sid)
            if view is None:
                view = VideoView(roadshow_id=roadshow.id, user_id=user_id, sid=sid, via=via)
                db.session.add(view)
                db.session.flush()
    except IntegrityError:  # the same socket said it twice at once (PostgreSQL): the other request's row stands
        return _open_view(roadshow.id, sid)
    return view


def stop_watching(*, sid: str, roadshow_id: int | None = None) -> int:
    """Close this socket's open stretches (one room's, or all on disconnect); how many closed."""
    where = [VideoView.sid == sid, VideoView.left_at.is_(None)]
    if roadshow_id is not None:
        where.append(VideoView.roadshow_id == roadshow_id)
    if db.session.scalar(select(VideoView.id).where(*where).limit(1)) is None:
        return 0  # most sockets that close never watched: they take no write lock
    with uow.unit_of_work():
        closed = db.session.execute(update(VideoView).where(*where).values(left_at=utcnow())).rowcount
    return closed


def _open_view(roadshow_id: int, sid: str) -> VideoView | None:
    return db.session.scalar(select(VideoView).where(VideoView.roadshow_id == roadshow_id, VideoView.sid == sid,
                                                     VideoView.left_at.is_(None)))


# The report -----------------------------------------------------------------------------------

def stage_intervals(roadshow_id: int, now: datetime | None = None) -> dict[int, list[tuple[datetime, datetime]]]:
    """Each pitch's stretches on stage (live or Q&A), read from the stage log."""
    now = now or utcnow()
    found: dict[int, list[tuple[datetime, datetime]]] = {}
    current: tuple[int, datetime] | None = None
    for data, at in db.session.execute(select(StageEvent.data, StageEvent.created_at).where(
            StageEvent.roadshow_id == roadshow_id, StageEvent.kind == "stage").order_by(StageEvent.id)):
        pitch_id, state = (data or {}).get("pitch_id"), (data or {}).get("state")
        on = pitch_id if state in ON_STAGE else None
        if current is not None and current[0] != on:
            found.setdefault(current[0], []).append((current[1], at))
            current = None
        if on is not None and current is None:
            current = (on, at)
    if current is not None:
        found.setdefault(current[0], []).append((current[1], now))
    return found


def _figures(views: list[tuple], start: datetime, end: datetime) -> tuple[int, float, float]:
    """(peak, viewer-seconds, seconds) of distinct viewers watching within [start, end)."""
    points: list[tuple[datetime, int, object]] = []
    for key, joined, left in views:
        begin, finish = max(joined, start), min(left, end)
        if begin < finish:
            points += [(begin, 1, key), (finish, -1, key)]
    points.sort(key=lambda p: (p[0], p[1]))  # a leave before a join at the same instant
    per_key: dict = {}
    watching = peak = 0
    area, last = 0.0, start
    for at, step, key in points:
        area += watching * (at - last).total_seconds()
        last = at
        per_key[key] = per_key.get(key, 0) + step
        if step > 0 and per_key[key] == 1:
            watching += 1
        elif step < 0 and per_key[key] == 0:
            watching -= 1
        peak = max(peak, watching)
    return peak, area, (end - start).total_seconds()


def pitch_figures(roadshow: Roadshow, now: datetime | None = None) -> dict[int, dict]:
    """Per pitch id: `{"peak_video_viewers": int, "average_video_viewers": float}` over its time on stage
    (0 and 0.0 for a pitch never on stage)."""
    now = now or utcnow()
    views = [(v.user_id if v.user_id is not None else f"sid:{v.sid}", v.joined_at, v.left_at or now)
             for v in db.session.execute(select(VideoView.user_id, VideoView.sid, VideoView.joined_at,
                                                VideoView.left_at).where(VideoView.roadshow_id == roadshow.id))]
    intervals = stage_intervals(roadshow.id, now)
    figures = {}
    for pitch in roadshow.pitches:
        peak, area, seconds = 0, 0.0, 0.0
        for start, end in intervals.get(pitch.id, []):
            p, a, s = _figures(views, start, end)
            peak, area, seconds = max(peak, p), area + a, seconds + s
        figures[pitch.id] = {"peak_video_viewers": peak,
                             "average_video_viewers": round(area / seconds, 1) if seconds else 0.0}
    return figures


# Socket -------------------------------------------------------------------------------------------

@on_event("video:watching", WatchingSchema())
def on_watching(data):
    """A viewer's page says its stage video started (or stopped) playing; the ack is `{"ok": true}`. The socket
    must be in the roadshow's room."""
    if roadshow_room(data["roadshow_id"]) not in rooms():
        raise InvalidState(_l("Join the room first."), code="not_joined")
    if data["watching"]:
        start_watching(user=_user(), roadshow_id=data["roadshow_id"], sid=request.sid, via=data["via"])
    else:
        stop_watching(sid=request.sid, roadshow_id=data["roadshow_id"])
    return ok()


@socket_disconnected.connect
def on_socket_disconnected(sender, sid: str, **extra) -> None:
    """A closed socket stops watching every stage video it watched."""
    stop_watching(sid=sid)


def init_app(app) -> None:
    """The socket handlers above are registered when this module is imported (once per process)."""
