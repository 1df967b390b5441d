"""Live room use cases: join, chat, Q&A, polls, stage and slides, moderation.

Each public function checks on the server that this user may act, commits once, and only then
broadcasts (`chat:new`, `qa:new`, `stage:update`...). High-frequency updates (poll results, upvotes,
presence, reactions) are marked dirty and flushed once a second by `live.py`.
"""
from __future__ import annotations

import functools
import re
import threading
import unicodedata
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.core import ratelimit, realtime
from app.core.db import utcnow
from app.core.errors import Invalid, InvalidState, NotFound, PermissionDenied, RateLimited
from app.extensions import db
from app.roadshows import live, payloads, snapshot
from app.roadshows.models import (
    ChatMessage,
    Cue,
    Mute,
    Pitch,
    PitchState,
    Poll,
    PollOption,
    PollStatus,
    PollVote,
    Question,
    QuestionStatus,
    QuestionVote,
    Roadshow,
    RoadshowStatus,
    RoomVisit,
    StageEvent,
)
from app.roadshows.services import (
    _signed_in,
    get_roadshow,
    is_moderator,
    is_presenter,
    require_moderator,
    require_post,
    require_watch,
)

MAX_CHAT_LENGTH = 1000
MAX_QUESTION_LENGTH = 500
HISTORY_LIMIT = 50       # messages a first join gets
CATCH_UP_LIMIT = 1000    # messages a reconnect may get at once
QA_MINUTES = 5
_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


_SQLITE_WRITES = threading.RLock()  # gevent makes this cooperative when serving


def retry_when_locked(func):
    """Re-run a use case whose commit met SQLite's "database is locked" (a write racing another one).

    In WAL mode a transaction that read before another connection committed cannot then write
    (SQLITE_BUSY_SNAPSHOT, reported as "locked" at once). Nothing was stored and nothing was broadcast
    (emits come after the commit), so running the whole use case again is safe; chat resends are
    idempotent anyway. PostgreSQL never raises this.
    """
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        for attempt in range(6):
            try:
                if db.engine.dialect.name != "sqlite":
                    return func(*args, **kwargs)
                with _SQLITE_WRITES:  # one room write at a time per process: SQLite has one writer anyway
                    return func(*args, **kwargs)
            except OperationalError as error:
                if "locked" not in str(error) or attempt == 5:
                    raise
                db.session.rollback()
                from app.extensions import socketio
                socketio.sleep(0.005 * (attempt + 1))
        raise AssertionError("unreachable")
    return wrapper


def roadshow_room(roadshow_id: int) -> str:
    return f"roadshow:{roadshow_id}"


def moderators_room(roadshow_id: int) -> str:
    return f"roadshow:{roadshow_id}:mods"


def clean_text(body, *, limit: int, field: str = "body") -> str:
    """Plain text only: control and direction-override characters removed, blank lines squeezed, trimmed."""
    if not isinstance(body, str):
        raise Invalid(details={field: [str(_l("Write some text."))]})
    text = unicodedata.normalize("NFC", _CONTROL.sub("", body.replace("\r\n", "\n")))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if not text:
        raise Invalid(_l("Write something first."), details={field: [str(_l("Write something first."))]})
    if len(text) > limit:
        raise Invalid(_l("Keep it to %(n)d characters.", n=limit),
                      details={field: [str(_l("Keep it to %(n)d characters.", n=limit))]}, code="too_long")
    return text


def rate_rule(kind: str, default: str) -> str:
    return ratelimit.rule(f"ROADSHOW_{kind.upper()}_RATE", default)


def rate_limit(kind: str, user_id: int, default: str) -> None:
    """Per-user limits on posting; `ROADSHOW_<KIND>_RATE` (config or environment) overrides the default."""
    ratelimit.hit(f"ROADSHOW_{kind.upper()}_RATE", default, "roadshow", kind, str(user_id))


def _log(roadshow: Roadshow, kind: str, data: dict, actor: User | None) -> StageEvent:
    event = StageEvent(roadshow_id=roadshow.id, kind=kind, data=data, actor_id=actor.id if actor else None)
    db.session.add(event)
    return event


# Joining -------------------------------------------------------------------------------------

def join(*, user, roadshow_id: int, after_id: int | None, sid: str, enter=None,
         view: snapshot.View | None = None) -> dict:
    """Enter a room: check access, record the visit, and return the state plus the missed messages.

    `enter(moderator)` puts the socket in the room's broadcast rooms. It runs after the access check
    and before the state is read, so a change made meanwhile reaches the socket one way or the other.
    Viewers get the room's shared view (`snapshot`) plus their own part; moderators the full state.
    `view` is the room's view if the caller already has it.
    """
    user = user if _signed_in(user) else None
    view = view or snapshot.view(roadshow_id)
    moderator = user is not None and view.is_moderator(user)
    if not (view.is_public or moderator or (user is not None and user.id in view.judge_ids)):
        require_watch(user, get_roadshow(roadshow_id))  # invite-only: registration, the cast
    if live.batching():
        live.record_visit(view.roadshow_id, user.id if user else None, sid)
    else:
        _write_visit(view.roadshow_id, user.id if user else None, sid)
    if enter is not None:
        enter(moderator)
    if moderator:
        roadshow = get_roadshow(roadshow_id)
        return {"state": room_state(user, roadshow),
                "messages": [payloads.message(m) for m in messages_after(roadshow.id, after_id)]}
    view = snapshot.view(roadshow_id)  # again: this socket now hears every change after this one
    messages = snapshot.messages_after(view, after_id)
    if messages is None:
        messages = [payloads.message(m) for m in messages_after(view.roadshow_id, after_id)]
    state = snapshot.viewer_state(view, user, live.recent_presence(view.roadshow_id))
    if state["me"]["can_post"]:
        live.set_reaction_rate(rate_rule("reaction", "10/second"))
        live.allow_reactions(view.roadshow_id, user.id)  # their first reaction needs no query
    return {"state": state, "messages": messages}


@retry_when_locked
def _write_visit(roadshow_id: int, user_id: int | None, sid: str) -> None:
    """Record a visit at once (when visits are not batched by the flush loop)."""
    if db.session.scalar(select(RoomVisit.id).where(RoomVisit.sid == sid, RoomVisit.roadshow_id == roadshow_id,
                                                    RoomVisit.left_at.is_(None))) is None:
        db.session.add(RoomVisit(roadshow_id=roadshow_id, user_id=user_id, sid=sid, node_id=live.node_id()))
    db.session.commit()
    live.mark_presence(roadshow_id)


def leave(*, sid: str, roadshow_id: int | None = None) -> list[int]:
    """Close this socket's open visits (one room, or all on disconnect); returns the rooms left."""
    if live.batching():
        return live.record_leave(sid, roadshow_id)
    return _close_visits(sid, roadshow_id)


@retry_when_locked
def _close_visits(sid: str, roadshow_id: int | None) -> list[int]:
    stmt = select(RoomVisit).where(RoomVisit.sid == sid, RoomVisit.left_at.is_(None))
    if roadshow_id is not None:
        stmt = stmt.where(RoomVisit.roadshow_id == roadshow_id)
    visits = list(db.session.scalars(stmt))
    now = utcnow()
    for visit in visits:
        visit.left_at = now
    db.session.commit()
    left = sorted({v.roadshow_id for v in visits})
    for rid in left:
        live.mark_presence(rid)
    return left


def presence(roadshow_id: int, *, with_users: bool) -> dict:
    """Who is in the room now: a count of viewers (people, plus anonymous sockets); the list for moderators.

    Counted in SQL, not by loading the visits: every join asks, so loading them would be quadratic.
    """
    open_visits = (RoomVisit.roadshow_id == roadshow_id) & RoomVisit.left_at.is_(None)
    people = db.session.scalar(select(func.count(func.distinct(RoomVisit.user_id))).where(
        open_visits, RoomVisit.user_id.is_not(None))) or 0
    anonymous = db.session.scalar(select(func.count(func.distinct(RoomVisit.sid))).where(
        open_visits, RoomVisit.user_id.is_(None))) or 0
    hands = db.session.scalar(select(func.count(func.distinct(RoomVisit.user_id))).where(
        open_visits, RoomVisit.hand_raised_at.is_not(None))) or 0
    data = {"roadshow_id": roadshow_id, "count": people + anonymous, "hands": hands}
    if with_users:
        rows = db.session.execute(select(User.id, User.name, func.max(RoomVisit.hand_raised_at)).join(
            RoomVisit, RoomVisit.user_id == User.id).where(open_visits).group_by(User.id, User.name)
            .order_by(User.name)).all()
        data["users"] = [{"id": uid, "name": name, "hand_raised": raised is not None} for uid, name, raised in rows]
        data["anonymous"] = anonymous
    return data


def room_state(user, roadshow: Roadshow) -> dict:
    moderator = is_moderator(user, roadshow)
    current = roadshow.current_pitch
    last_event = _last_event_id(roadshow.id)  # the stage and slide reflect every event up to this one
    state = {
        "stage": payloads.stage(roadshow, last_event),
        "slide": payloads.slide(roadshow, last_event),
        "presence": presence(roadshow.id, with_users=True) if moderator else live.recent_presence(roadshow.id),
        "polls": polls_for(user, roadshow),
        "questions": questions_for(user, roadshow),
        "counts": question_counts(roadshow.id),
        "agenda": [payloads.pitch(p) for p in roadshow.pitches],
        "me": {"id": user.id if _signed_in(user) else None, "moderator": moderator,
               "presenter": is_presenter(user, current), "can_post": _can_post(user, roadshow),
               "muted": _muted(user, roadshow)},
    }
    if _signed_in(user):
        state["cues"] = [_cue(c) for c in db.session.scalars(select(Cue).where(
            Cue.roadshow_id == roadshow.id, Cue.user_id == user.id, Cue.acknowledged_at.is_(None)))]
    return state


def _can_post(user, roadshow: Roadshow) -> bool:
    try:
        require_post(user, roadshow)
    except Exception:  # noqa: BLE001 (any refusal means "no")
        return False
    return True


def _muted(user, roadshow: Roadshow) -> bool:
    from app.roadshows.services import is_muted
    return is_muted(user, roadshow)


def _last_event_id(roadshow_id: int) -> int | None:
    return db.session.scalar(select(func.max(StageEvent.id)).where(StageEvent.roadshow_id == roadshow_id))


# Chat ----------------------------------------------------------------------------------------

def messages_after(roadshow_id: int, after_id: int | None, *, limit: int | None = None) -> list[ChatMessage]:
    """Chat history: everything after `after_id` (oldest first), or the latest messages without one."""
    stmt = select(ChatMessage).options(selectinload(ChatMessage.user)).where(
        ChatMessage.roadshow_id == roadshow_id, ChatMessage.deleted.is_(False))
    if after_id is None:
        latest = list(db.session.scalars(stmt.order_by(ChatMessage.id.desc()).limit(limit or HISTORY_LIMIT)))
        return latest[::-1]
    return list(db.session.scalars(stmt.where(ChatMessage.id > after_id).order_by(ChatMessage.id)
                                   .limit(limit or CATCH_UP_LIMIT)))


def chat_history(*, user, roadshow_id: int, after_id: int | None, limit: int | None = None) -> list[ChatMessage]:
    """The REST view of the chat for people who may watch."""
    roadshow = require_watch(user, get_roadshow(roadshow_id))
    return messages_after(roadshow.id, after_id, limit=limit)


@retry_when_locked
def send_chat(*, user: User, roadshow_id: int, body, client_id) -> dict:
    """Post a chat message and return it as the room gets it. A resend with the same client_id returns the
    stored message, not a new one.

    Written for a busy process: every database or Redis round trip waits behind whatever else the
    process is doing (in a big room, thousands of deliveries), so a resend is caught by the unique key
    rather than looked up first, and the message is shaped before the commit instead of re-read after.
    """
    roadshow = get_roadshow(roadshow_id)
    require_post(user, roadshow)
    client_id = _client_id(client_id)
    text = clean_text(body, limit=MAX_CHAT_LENGTH)
    user_id = user.id
    message = ChatMessage(roadshow_id=roadshow.id, user_id=user_id, body=text, client_id=client_id)
    db.session.add(message)
    try:
        db.session.flush()
    except IntegrityError:  # sent before (a resend after a reconnect), maybe through another process
        db.session.rollback()
        return payloads.message(_message_by_client_id(roadshow_id, user_id, client_id))
    try:
        rate_limit("chat", user_id, "10/10 seconds")  # after the resend check: resends do not count
    except RateLimited:
        db.session.rollback()  # the new row goes now, not when the event ends (on SQLite it holds the lock)
        raise
    payload = payloads.message(message)
    db.session.commit()
    realtime.emit_to_room(roadshow_room(roadshow_id), "chat:new", payload)
    return payload


def _client_id(value) -> str:
    if not isinstance(value, str | int) or not str(value).strip() or len(str(value)) > 64:
        raise Invalid(details={"client_id": [str(_l("Send a client_id of 1 to 64 characters."))]})
    return str(value).strip()


def _message_by_client_id(roadshow_id: int, user_id: int, client_id: str) -> ChatMessage | None:
    return db.session.scalar(select(ChatMessage).where(
        ChatMessage.roadshow_id == roadshow_id, ChatMessage.user_id == user_id, ChatMessage.client_id == client_id))


@retry_when_locked
def delete_chat(*, actor: User, message_id: int) -> ChatMessage:
    """Moderators remove a message; every viewer drops it."""
    message = db.session.get(ChatMessage, message_id) if isinstance(message_id, int) else None
    if message is None:
        raise NotFound(_l("No such message."))
    require_moderator(actor, get_roadshow(message.roadshow_id))
    message.deleted = True
    db.session.commit()
    realtime.emit_to_room(roadshow_room(message.roadshow_id), "chat:deleted",
                          {"id": message.id, "roadshow_id": message.roadshow_id})
    return message


@retry_when_locked
def mute(*, actor: User, roadshow_id: int, user_id: int, muted: bool = True) -> bool:
    """Moderators mute (or unmute) someone in this room; a muted user cannot chat, ask or vote."""
    roadshow = get_roadshow(roadshow_id)
    require_moderator(actor, roadshow)
    target = db.session.get(User, user_id) if isinstance(user_id, int) and user_id > 0 else None
    if target is None:
        raise NotFound(_l("No such user."))
    if is_moderator(target, roadshow) and muted:
        raise InvalidState(_l("Moderators cannot be muted."))
    existing = db.session.scalar(select(Mute).where(Mute.roadshow_id == roadshow.id, Mute.user_id == target.id))
    if muted and existing is None:
        db.session.add(Mute(roadshow_id=roadshow.id, user_id=target.id, muted_by_id=actor.id))
    elif not muted and existing is not None:
        db.session.delete(existing)
    db.session.commit()
    live.forget_reactions(roadshow.id, target.id)
    realtime.emit_to_user(target.id, "user:muted", {"roadshow_id": roadshow.id, "muted": muted})
    realtime.emit_to_room(moderators_room(roadshow.id), "user:muted",
                          {"roadshow_id": roadshow.id, "user_id": target.id, "muted": muted})
    return muted


# Q&A -----------------------------------------------------------------------------------------

def question_counts(roadshow_id: int) -> dict:
    rows = dict(db.session.execute(select(Question.status, func.count(Question.id)).where(
        Question.roadshow_id == roadshow_id).group_by(Question.status)).all())
    return {"asked": sum(rows.values()), "answered": rows.get(QuestionStatus.ANSWERED, 0)}


def questions_for(user, roadshow: Roadshow) -> list[dict]:
    """The room's questions, most votes first: moderators see pending ones too, askers their own."""
    stmt = select(Question).where(Question.roadshow_id == roadshow.id)
    if not is_moderator(user, roadshow):
        visible = Question.status.in_([QuestionStatus.APPROVED, QuestionStatus.ANSWERED])
        if _signed_in(user):
            visible = visible | ((Question.user_id == user.id) & (Question.status == QuestionStatus.PENDING))
        stmt = stmt.where(visible)
    questions = db.session.scalars(stmt.order_by(Question.votes.desc(), Question.id))
    voted = _voted_ids(user, roadshow.id)
    return [{**payloads.question(q), "voted": q.id in voted} for q in questions]


def _voted_ids(user, roadshow_id: int) -> set[int]:
    if not _signed_in(user):
        return set()
    return set(db.session.scalars(select(QuestionVote.question_id).join(Question).where(
        Question.roadshow_id == roadshow_id, QuestionVote.user_id == user.id)))


@retry_when_locked
def ask(*, user: User, roadshow_id: int, pitch_id: int | None, body) -> Question:
    """Ask a question about a pitch (the current one by default); pre-moderated rooms hold it for approval."""
    roadshow = get_roadshow(roadshow_id)
    require_post(user, roadshow)
    pitch = _pitch_in(roadshow, pitch_id)
    text = clean_text(body, limit=MAX_QUESTION_LENGTH)
    rate_limit("question", user.id, "5/minute")
    status = QuestionStatus.PENDING if roadshow.premoderate_questions else QuestionStatus.APPROVED
    question = Question(roadshow_id=roadshow.id, pitch_id=pitch.id, user_id=user.id, body=text, status=status)
    db.session.add(question)
    db.session.commit()
    data = payloads.question(question, question_counts(roadshow.id))
    realtime.emit_to_room(roadshow_room(roadshow.id) if status == QuestionStatus.APPROVED
                          else moderators_room(roadshow.id), "qa:new", data)
    if status == QuestionStatus.PENDING:
        realtime.emit_to_room(roadshow_room(roadshow.id), "qa:counts",
                              {"roadshow_id": roadshow.id, "counts": data["counts"]})
    return question


def _pitch_in(roadshow: Roadshow, pitch_id: int | None) -> Pitch:
    if pitch_id is None:
        pitch = roadshow.current_pitch
        if pitch is None:
            raise InvalidState(_l("No pitch is on stage; choose one."), code="no_pitch")
        return pitch
    pitch = next((p for p in roadshow.pitches if p.id == pitch_id), None)
    if pitch is None:
        raise NotFound(_l("No such pitch in this roadshow."), code="pitch_not_found")
    return pitch


def _get_question(question_id) -> Question:
    question = db.session.get(Question, question_id) if isinstance(question_id, int) and question_id > 0 else None
    if question is None:
        raise NotFound(_l("No such question."), code="question_not_found")
    return question


@retry_when_locked
def upvote(*, user: User, question_id: int) -> Question:
    """One upvote per person per question; a second one changes nothing."""
    question = _get_question(question_id)
    roadshow = get_roadshow(question.roadshow_id)
    require_post(user, roadshow)
    if question.status not in (QuestionStatus.APPROVED, QuestionStatus.ANSWERED):
        raise InvalidState(_l("This question is not open for votes."))
    db.session.add(QuestionVote(question_id=question.id, user_id=user.id))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return _get_question(question_id)
    db.session.execute(update(Question).where(Question.id == question.id).values(votes=Question.votes + 1))
    db.session.commit()
    db.session.refresh(question)
    live.mark_question(roadshow.id, question.id)
    return question


@retry_when_locked
def moderate_question(*, actor: User, question_id: int, status: str) -> Question:
    """Moderators approve, mark answered or dismiss a question."""
    question = _get_question(question_id)
    roadshow = get_roadshow(question.roadshow_id)
    require_moderator(actor, roadshow)
    if status not in (QuestionStatus.APPROVED, QuestionStatus.ANSWERED, QuestionStatus.DISMISSED):
        raise Invalid(details={"status": [str(_l("Choose approved, answered or dismissed."))]})
    was = question.status
    question.status = status
    db.session.commit()
    data = payloads.question(question, question_counts(roadshow.id))
    event = "qa:new" if was == QuestionStatus.PENDING and status != QuestionStatus.DISMISSED else "qa:update"
    realtime.emit_to_room(roadshow_room(roadshow.id), event, data)
    if was == QuestionStatus.PENDING and status == QuestionStatus.DISMISSED:
        realtime.emit_to_room(moderators_room(roadshow.id), "qa:update", data)
    return question


def question_payload(question: Question, user) -> dict:
    return {**payloads.question(question, question_counts(question.roadshow_id)),
            "voted": question.id in _voted_ids(user, question.roadshow_id)}


# Polls ---------------------------------------------------------------------------------------

def tallies(poll_id: int) -> dict[int, int]:
    return dict(db.session.execute(select(PollVote.option_id, func.count(PollVote.id)).where(
        PollVote.poll_id == poll_id).group_by(PollVote.option_id)).all())


def polls_for(user, roadshow: Roadshow) -> list[dict]:
    polls = list(db.session.scalars(select(Poll).where(Poll.roadshow_id == roadshow.id).order_by(Poll.id.desc())))
    mine = {}
    if _signed_in(user) and polls:
        mine = dict(db.session.execute(select(PollVote.poll_id, PollVote.option_id).where(
            PollVote.user_id == user.id, PollVote.poll_id.in_([p.id for p in polls]))).all())
    return [payloads.poll(p, tallies(p.id), mine.get(p.id)) for p in polls]


@retry_when_locked
def open_poll(*, actor: User, roadshow_id: int, question, options, pitch_id: int | None = None) -> Poll:
    """Moderators open a poll with 2–10 options; everyone sees it at once."""
    roadshow = get_roadshow(roadshow_id)
    require_moderator(actor, roadshow)
    text = clean_text(question, limit=300, field="question")
    if not isinstance(options, list) or not 2 <= len(options) <= 10:
        raise Invalid(details={"options": [str(_l("Give 2 to 10 options."))]})
    labels = [clean_text(o, limit=200, field="options") for o in options]
    pitch = _pitch_in(roadshow, pitch_id) if pitch_id is not None else roadshow.current_pitch
    poll = Poll(roadshow_id=roadshow.id, pitch_id=pitch.id if pitch else None, question=text,
                options=[PollOption(label=label, position=i) for i, label in enumerate(labels)])
    db.session.add(poll)
    db.session.flush()
    _log(roadshow, "poll:open", {"poll_id": poll.id}, actor)
    db.session.commit()
    realtime.emit_to_room(roadshow_room(roadshow.id), "poll:update", payloads.poll(poll, {}))
    return poll


def _get_poll(poll_id) -> Poll:
    poll = db.session.get(Poll, poll_id) if isinstance(poll_id, int) and poll_id > 0 else None
    if poll is None:
        raise NotFound(_l("No such poll."), code="poll_not_found")
    return poll


@retry_when_locked
def vote(*, user: User, poll_id: int, option_id: int) -> Poll:
    """One vote per person per open poll; results go out in the next burst."""
    poll = _get_poll(poll_id)
    roadshow = get_roadshow(poll.roadshow_id)
    require_post(user, roadshow)
    if poll.status != PollStatus.OPEN:
        raise InvalidState(_l("This poll is closed."), code="poll_closed")
    if option_id not in {o.id for o in poll.options}:
        raise Invalid(details={"option_id": [str(_l("Choose one of the poll's options."))]})
    db.session.add(PollVote(poll_id=poll.id, option_id=option_id, user_id=user.id))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise InvalidState(_l("You have already voted in this poll."), code="already_voted") from None
    live.mark_poll(roadshow.id, poll.id)
    return poll


@retry_when_locked
def close_poll(*, actor: User, poll_id: int) -> Poll:
    poll = _get_poll(poll_id)
    roadshow = get_roadshow(poll.roadshow_id)
    require_moderator(actor, roadshow)
    if poll.status == PollStatus.OPEN:
        poll.status = PollStatus.CLOSED
        poll.closed_at = utcnow()
        _log(roadshow, "poll:close", {"poll_id": poll.id}, actor)
        db.session.commit()
    realtime.emit_to_room(roadshow_room(roadshow.id), "poll:update", payloads.poll(poll, tallies(poll.id)))
    return poll


# Stage and slides ----------------------------------------------------------------------------

STAGE_STATES = [s.value for s in PitchState] + ["ended"]


@retry_when_locked
def set_stage(*, actor: User, roadshow_id: int, pitch_id: int | None, state: str,
              minutes: int | None = None) -> Roadshow:
    """Moderators put a pitch on stage (live, Q&A, done) or end the roadshow; the deadline is the server's."""
    roadshow = get_roadshow(roadshow_id)
    require_moderator(actor, roadshow)
    if state not in STAGE_STATES:
        raise Invalid(details={"state": [str(_l("Choose upcoming, live, qa, done or ended."))]})
    if roadshow.status in (RoadshowStatus.ENDED, RoadshowStatus.CANCELLED):
        raise InvalidState(_l("This roadshow has ended."), code="roadshow_closed")
    if minutes is not None and (not isinstance(minutes, int) or not 1 <= minutes <= 240):
        raise Invalid(details={"minutes": [str(_l("Give 1 to 240 minutes."))]})
    now = utcnow()
    if state == "ended":
        _finish_current(roadshow)
        roadshow.status = RoadshowStatus.ENDED
    else:
        pitch = _pitch_in(roadshow, pitch_id)
        if pitch.id != roadshow.current_pitch_id:
            _finish_current(roadshow)
        pitch.state = state
        if state == PitchState.LIVE:
            pitch.started_at = pitch.started_at or now
            pitch.deadline_at = now + timedelta(minutes=minutes or pitch.duration_minutes)
            roadshow.status = RoadshowStatus.LIVE
        elif state == PitchState.QA:
            pitch.deadline_at = now + timedelta(minutes=minutes or QA_MINUTES)
        else:
            pitch.deadline_at = None
        roadshow.current_pitch_id = pitch.id
    event = _log(roadshow, "stage", {"pitch_id": roadshow.current_pitch_id, "state": state}, actor)
    db.session.commit()
    realtime.emit_to_room(roadshow_room(roadshow.id), "stage:update", payloads.stage(roadshow, event.id))
    if roadshow.current_pitch is not None:
        realtime.emit_to_room(roadshow_room(roadshow.id), "slide:update", payloads.slide(roadshow, event.id))
    return roadshow


def _finish_current(roadshow: Roadshow) -> None:
    current = roadshow.current_pitch
    if current is not None and current.state in (PitchState.LIVE, PitchState.QA):
        current.state = PitchState.DONE
        current.deadline_at = None


@retry_when_locked
def set_slide(*, actor: User, roadshow_id: int, slide: int, pitch_id: int | None = None) -> Pitch:
    """The presenter on stage or a moderator turns the deck; every viewer follows."""
    roadshow = get_roadshow(roadshow_id)
    pitch = _pitch_in(roadshow, pitch_id)
    if not (is_moderator(actor, roadshow) or (is_presenter(actor, pitch) and pitch.id == roadshow.current_pitch_id)):
        raise PermissionDenied(_l("Only the presenter on stage or a moderator turns the slides."),
                               code="presenter_only")
    if pitch.deck_pages < 1:
        raise InvalidState(_l("This pitch has no deck yet."), code="no_deck")
    if not isinstance(slide, int) or not 1 <= slide <= pitch.deck_pages:
        raise Invalid(details={"slide": [str(_l("Choose a page from 1 to %(n)d.", n=pitch.deck_pages))]})
    pitch.current_slide = slide
    event = _log(roadshow, "slide", {"pitch_id": pitch.id, "slide": slide}, actor)
    db.session.commit()
    if pitch.id == roadshow.current_pitch_id:
        realtime.emit_to_room(roadshow_room(roadshow.id), "slide:update", payloads.slide(roadshow, event.id))
    return pitch


# Hand raise and cues -------------------------------------------------------------------------

@retry_when_locked
def raise_hand(*, user: User, roadshow_id: int, sid: str, raised: bool) -> bool:
    """Raise or lower a hand in the room; moderators see it in the presence list."""
    roadshow = get_roadshow(roadshow_id)
    require_post(user, roadshow)
    raised_at = utcnow() if raised else None
    waiting = live.raise_pending_hand(roadshow.id, user.id, raised_at)  # visits not written yet
    visits = list(db.session.scalars(select(RoomVisit).where(
        RoomVisit.roadshow_id == roadshow.id, RoomVisit.user_id == user.id, RoomVisit.left_at.is_(None))))
    if not visits and not waiting:
        raise InvalidState(_l("Join the room first."), code="not_joined")
    for visit in visits:
        visit.hand_raised_at = raised_at
    db.session.commit()
    live.mark_presence(roadshow.id)
    return raised


def _cue(cue: Cue) -> dict:
    return {"id": cue.id, "roadshow_id": cue.roadshow_id, "pitch_id": cue.pitch_id, "body": cue.body,
            "created_at": payloads.iso(cue.created_at), "acknowledged_at": payloads.iso(cue.acknowledged_at)}


@retry_when_locked
def send_cue(*, actor: User, roadshow_id: int, body, pitch_id: int | None = None) -> Cue:
    """A moderator's private cue to the presenter on stage, shown to them until acknowledged."""
    roadshow = get_roadshow(roadshow_id)
    require_moderator(actor, roadshow)
    pitch = _pitch_in(roadshow, pitch_id)
    if pitch.presenter_id is None:
        raise InvalidState(_l("This pitch has no presenter."))
    cue = Cue(roadshow_id=roadshow.id, pitch_id=pitch.id, user_id=pitch.presenter_id,
              body=clean_text(body, limit=200), created_by_id=actor.id)
    db.session.add(cue)
    db.session.commit()
    realtime.emit_to_user(pitch.presenter_id, "cue:new", _cue(cue))
    realtime.emit_to_room(moderators_room(roadshow.id), "cue:new", _cue(cue))
    return cue


@retry_when_locked
def acknowledge_cue(*, user: User, cue_id: int) -> Cue:
    cue = db.session.get(Cue, cue_id) if isinstance(cue_id, int) and cue_id > 0 else None
    if cue is None or cue.user_id != user.id:
        raise NotFound(_l("No such cue."))
    if cue.acknowledged_at is None:
        cue.acknowledged_at = utcnow()
        db.session.commit()
    realtime.emit_to_room(moderators_room(cue.roadshow_id), "cue:acked", _cue(cue))
    realtime.emit_to_user(user.id, "cue:acked", _cue(cue))
    return cue
