"""What a viewer is sent on joining a room, built once per change of the room instead of once per viewer.

When an event starts, thousands of viewers join within seconds. Each join used to run the same dozen
queries (stage, agenda, polls, questions, latest chat) while holding a database connection, and in a
room of 5,000 the pool ran dry. `view()` builds the room's public state once and keeps it in the
process; an anonymous viewer's join then needs no query at all, and a signed-in viewer's only the few
small ones about themselves (their votes, their pending questions, a mute, cues). Moderators still get
the full state the long way (`queries.room_state`): they are few and see more.

A room's *version* says when a kept view is out of date. Every commit that touches the room's stage,
agenda, roles, chat, questions or polls bumps it (a session hook, so changes made through the REST
API count too), and so do the batched poll and Q&A results. With several processes the version lives
in Redis, so a change committed on one process is seen by the next join on any other; alone, it is a
counter in memory. A view is rebuilt after `MAX_AGE` seconds anyway: names of people and startups
shown in it can change without touching the room.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core import realtime
from app.core.db import utcnow
from app.extensions import db
from app.roadshows.live import access, queries
from app.roadshows.lookups import get_roadshow
from app.roadshows.models import (
    ChatMessage,
    Cue,
    Mute,
    Pitch,
    Poll,
    PollVote,
    Question,
    QuestionStatus,
    QuestionVote,
    Roadshow,
    RoadshowRole,
    RoleKind,
    StageEvent,
    Visibility,
)
from app.roadshows.schemas import (
    chat_message_schema,
    cue_schema,
    dump_question,
    dump_slide,
    dump_stage,
    pitch_schema,
)

log = logging.getLogger(__name__)

MAX_AGE = 10.0  # seconds
VERSION_KEY = "fuhua:roadshow:{}:version"
# Rows whose change alters what a joining viewer sees (visits, mutes, cues and registrations are
# personal or not shown, and are read per viewer).
TRACKED = (Roadshow, RoadshowRole, Pitch, ChatMessage, Question, Poll, StageEvent)


@dataclass(frozen=True)
class View:
    """A room as any viewer sees it, plus the facts the access checks need."""

    roadshow_id: int
    version: int
    built: float
    visibility: str
    status: str
    created_by_id: int | None
    moderator_ids: frozenset[int]
    judge_ids: frozenset[int]
    presenter_ids: frozenset[int]  # of every pitch on the agenda (who may have cues)
    current_presenter_id: int | None
    state: dict  # stage, slide, polls, questions, counts and agenda, as an anonymous viewer gets them
    messages: tuple[dict, ...]  # the latest chat messages, oldest first

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC

    @property
    def is_open(self) -> bool:
        return access.is_open(self.status)

    def is_moderator(self, user) -> bool:
        return access.moderates(user, created_by_id=self.created_by_id, moderator_ids=lambda: self.moderator_ids)


class ViewCache:
    """The views this process keeps, one per room, and the rooms' versions when there is no Redis.

    One per app, held by its `LiveState`."""

    def __init__(self) -> None:
        self._views: dict[int, View] = {}
        self._local_versions: dict[int, int] = defaultdict(int)
        self._build_locks: dict[int, threading.Lock] = {}
        self._locks_lock = threading.Lock()

    def version(self, roadshow_id: int) -> int:
        client = realtime.redis_client()
        if client is None:
            return self._local_versions[roadshow_id]
        raw = client.get(VERSION_KEY.format(roadshow_id))
        return int(raw) if raw else 0

    def bump(self, *roadshow_ids: int) -> None:
        """The rooms changed: the next join anywhere builds their view again."""
        for roadshow_id in roadshow_ids:
            self._local_versions[roadshow_id] += 1
            self._views.pop(roadshow_id, None)
        client = realtime.redis_client()
        if client is None or not roadshow_ids:
            return
        try:
            pipe = client.pipeline(transaction=False)
            for roadshow_id in roadshow_ids:
                pipe.incr(VERSION_KEY.format(roadshow_id))
            pipe.execute()
        except Exception:  # noqa: BLE001 (the change is committed; other processes catch up within MAX_AGE)
            log.exception("could not bump the version of rooms %s", roadshow_ids)

    def view(self, roadshow_id: int) -> View:
        """The room's current view: kept if its version still holds, else built (once, however many wait).
        Raises NotFound for a missing room."""
        current = self.version(roadshow_id)
        hit = self._fresh(roadshow_id, current)
        if hit is not None:
            return hit
        # End this event's read transaction first: whoever builds needs a database connection, and waiting
        # here while holding one could starve it (a socket event keeps its connection until it ends). On
        # SQLite this also starts the build from a snapshot no older than `current`.
        db.session.commit()
        with self._lock_for(roadshow_id):
            hit = self._fresh(roadshow_id, current)  # built while this one waited
            if hit is not None:
                return hit
            built = self._views[roadshow_id] = build(roadshow_id, current)  # a bump meanwhile outdates it at once
            return built

    def forget(self) -> None:
        """Drop every kept view."""
        self._views.clear()

    def _fresh(self, roadshow_id: int, current: int) -> View | None:
        hit = self._views.get(roadshow_id)
        if hit is not None and hit.version == current and time.monotonic() - hit.built < MAX_AGE:
            return hit
        return None

    def _lock_for(self, roadshow_id: int) -> threading.Lock:
        with self._locks_lock:
            lock = self._build_locks.get(roadshow_id)
            if lock is None:
                if len(self._build_locks) > 10_000:
                    self._build_locks.clear()
                lock = self._build_locks[roadshow_id] = threading.Lock()
            return lock


def build(roadshow_id: int, version_seen: int) -> View:
    """Read the room's view from the database."""
    roadshow = db.session.scalar(select(Roadshow).where(Roadshow.id == roadshow_id).options(
        selectinload(Roadshow.roles),
        selectinload(Roadshow.pitches).selectinload(Pitch.startup),
        selectinload(Roadshow.pitches).selectinload(Pitch.presenter)))
    if roadshow is None:
        get_roadshow(roadshow_id)  # raises the usual NotFound
    current = roadshow.current_pitch
    last_event = queries.last_event_id(roadshow.id)
    state = {
        "stage": dump_stage(roadshow, last_event),
        "slide": dump_slide(roadshow, last_event),
        "polls": queries.polls_for(None, roadshow),
        "questions": queries.questions_for(None, roadshow),
        "counts": queries.question_counts(roadshow.id),
        "agenda": [pitch_schema.dump(p) for p in roadshow.pitches],
    }
    return View(
        roadshow_id=roadshow.id, version=version_seen, built=time.monotonic(), visibility=roadshow.visibility,
        status=roadshow.status, created_by_id=roadshow.created_by_id,
        moderator_ids=frozenset(roadshow.user_ids_with(RoleKind.MODERATOR)),
        judge_ids=frozenset(roadshow.user_ids_with(RoleKind.JUDGE)),
        presenter_ids=frozenset(p.presenter_id for p in roadshow.pitches if p.presenter_id),
        current_presenter_id=current.presenter_id if current else None,
        state=state, messages=tuple(chat_message_schema.dump(m) for m in queries.messages_after(roadshow.id, None)))


# A viewer's own state --------------------------------------------------------------------------

def viewer_state(view: View, user, presence: dict, *, hand_raised: bool = False) -> dict:
    """The join state of a viewer who is not a moderator: the view plus what is theirs.

    Matches `queries.room_state` for the same person (the tests compare the two).
    """
    state = dict(view.state)
    state["stage"] = {**state["stage"], "server_time": utcnow().isoformat()}  # as Instant dumps it
    state["presence"] = presence
    if user is None:
        state["me"] = {"id": None, "moderator": False, "presenter": False, "can_post": False, "muted": False,
                       "hand_raised": False, "interests": []}
        return state
    muted = db.session.scalar(select(Mute.id).where(
        Mute.roadshow_id == view.roadshow_id, Mute.user_id == user.id)) is not None
    if state["polls"]:
        mine = dict(db.session.execute(select(PollVote.poll_id, PollVote.option_id).where(
            PollVote.user_id == user.id, PollVote.poll_id.in_([p["id"] for p in state["polls"]]))).all())
        if mine:
            state["polls"] = [{**p, "my_vote": mine.get(p["id"])} for p in state["polls"]]
    state["questions"] = _questions_for(view, user, state["questions"])
    may_post = access.post_refusal(signed_in=True, may_watch=lambda: True,  # they joined: the watch rule passed
                                   room_open=view.is_open, muted=lambda: muted) is None
    state["me"] = {"id": user.id, "moderator": False, "presenter": user.id == view.current_presenter_id,
                   "can_post": may_post, "muted": muted, "hand_raised": hand_raised,
                   "interests": queries.interests(view.roadshow_id, user.id)}
    state["cues"] = []
    if user.id in view.presenter_ids:
        state["cues"] = [cue_schema.dump(c) for c in db.session.scalars(select(Cue).where(
            Cue.roadshow_id == view.roadshow_id, Cue.user_id == user.id, Cue.acknowledged_at.is_(None)))]
    return state


def _questions_for(view: View, user, public: list[dict]) -> list[dict]:
    """The public questions plus this user's own pending ones, in the room's order, with their upvotes."""
    own = [dump_question(q, voted=False) for q in db.session.scalars(
        select(Question).options(selectinload(Question.user)).where(
            Question.roadshow_id == view.roadshow_id, Question.user_id == user.id,
            Question.status == QuestionStatus.PENDING))]
    questions = public + own
    if not questions:
        return questions
    voted = set(db.session.scalars(select(QuestionVote.question_id).join(Question).where(
        Question.roadshow_id == view.roadshow_id, QuestionVote.user_id == user.id)))
    if voted:
        questions = [{**q, "voted": q["id"] in voted} for q in questions]
    if own:
        questions.sort(key=lambda q: (-q["votes"], q["id"]))
    return questions


def messages_after(view: View, after_id: int | None) -> list[dict] | None:
    """The chat a joining viewer missed, from the view when it holds them all; None means "ask the database"."""
    if after_id is None:
        return list(view.messages)
    if not view.messages:
        return None
    if after_id >= view.messages[-1]["id"]:
        return []
    if after_id >= view.messages[0]["id"] - 1:
        return [m for m in view.messages if m["id"] > after_id]
    return None
