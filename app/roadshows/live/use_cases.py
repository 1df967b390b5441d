"""Live room use cases: join, chat, Q&A, polls, stage and slides, moderation.

Each public function checks on the server that this user may act (`access`), commits once, and only
then broadcasts (`chat:new`, `qa:new`, `stage:update`...). High-frequency updates (poll results,
upvotes, presence, reactions) are marked dirty in the app's `LiveState` and flushed once a second.
"""
from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.core import ratelimit, realtime
from app.core.db import utcnow
from app.core.errors import Invalid, InvalidState, NotFound, PermissionDenied, RateLimited
from app.core.text import clean_text
from app.extensions import db
from app.roadshows import payloads
from app.roadshows.live import access, queries
from app.roadshows.live.access import (
    is_moderator,
    is_presenter,
    require_moderator,
    require_post,
    require_watch,
    signed_in,
)
from app.roadshows.live.schemas import STAGE_STATES
from app.roadshows.live.snapshot import View, viewer_state
from app.roadshows.live.snapshot import messages_after as snapshot_messages_after
from app.roadshows.live.state import batching, retry_when_locked
from app.roadshows.live.state import current as live_state
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
from app.roadshows.room import moderators_room, roadshow_room
from app.roadshows.schemas import chat_message_schema
from app.roadshows.services import get_roadshow

MAX_CHAT_LENGTH = 1000
MAX_QUESTION_LENGTH = 500
QA_MINUTES = 5


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
         view: View | None = None) -> dict:
    """Enter a room: check access, record the visit, and return the state plus the missed messages.

    `enter(moderator)` puts the socket in the room's broadcast rooms. It runs after the access check
    and before the state is read, so a change made meanwhile reaches the socket one way or the other.
    Viewers get the room's shared view (`snapshot`) plus their own part; moderators the full state.
    `view` is the room's view if the caller already has it.
    """
    user = user if signed_in(user) else None
    live = live_state()
    view = view or live.view(roadshow_id)
    moderator = user is not None and view.is_moderator(user)
    if not (view.is_public or moderator or (user is not None and user.id in view.judge_ids)):
        require_watch(user, get_roadshow(roadshow_id))  # invite-only: registration, the cast
    if batching():
        live.record_visit(view.roadshow_id, user.id if user else None, sid)
    else:
        _write_visit(view.roadshow_id, user.id if user else None, sid)
    if enter is not None:
        enter(moderator)
    if moderator:
        roadshow = get_roadshow(roadshow_id)
        return {"state": queries.room_state(user, roadshow, queries.presence(roadshow.id, with_users=True)),
                "messages": [chat_message_schema.dump(m) for m in queries.messages_after(roadshow.id, after_id)]}
    view = live.view(roadshow_id)  # again: this socket now hears every change after this one
    messages = snapshot_messages_after(view, after_id)
    if messages is None:
        messages = [chat_message_schema.dump(m) for m in queries.messages_after(view.roadshow_id, after_id)]
    joined = viewer_state(view, user, live.recent_presence(view.roadshow_id))
    if joined["me"]["can_post"]:
        live.set_reaction_rate(rate_rule("reaction", "10/second"))
        live.allow_reactions(view.roadshow_id, user.id)  # their first reaction needs no query
    return {"state": joined, "messages": messages}


@retry_when_locked
def _write_visit(roadshow_id: int, user_id: int | None, sid: str) -> None:
    """Record a visit at once (when visits are not batched by the flush loop)."""
    if db.session.scalar(select(RoomVisit.id).where(RoomVisit.sid == sid, RoomVisit.roadshow_id == roadshow_id,
                                                    RoomVisit.left_at.is_(None))) is None:
        db.session.add(RoomVisit(roadshow_id=roadshow_id, user_id=user_id, sid=sid, node_id=live_state().node_id()))
    db.session.commit()
    live_state().mark_presence(roadshow_id)


def leave(*, sid: str, roadshow_id: int | None = None) -> list[int]:
    """Close this socket's open visits (one room, or all on disconnect); returns the rooms left."""
    if batching():
        return live_state().record_leave(sid, roadshow_id)
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
        live_state().mark_presence(rid)
    return left


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
        return chat_message_schema.dump(_message_by_client_id(roadshow_id, user_id, client_id))
    try:
        rate_limit("chat", user_id, "10/10 seconds")  # after the resend check: resends do not count
    except RateLimited:
        db.session.rollback()  # the new row goes now, not when the event ends (on SQLite it holds the lock)
        raise
    payload = chat_message_schema.dump(message)
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
    live_state().forget_reactions(roadshow.id, target.id)
    realtime.emit_to_user(target.id, "user:muted", {"roadshow_id": roadshow.id, "muted": muted})
    realtime.emit_to_room(moderators_room(roadshow.id), "user:muted",
                          {"roadshow_id": roadshow.id, "user_id": target.id, "muted": muted})
    return muted


# Q&A -----------------------------------------------------------------------------------------

@retry_when_locked
def ask(*, user: User, roadshow_id: int, pitch_id: int | None, body) -> Question:
    """Ask a question about a pitch (the current one by default); pre-moderated rooms hold it for approval."""
    roadshow = get_roadshow(roadshow_id)
    require_post(user, roadshow)
    pitch = queries.pitch_in(roadshow, pitch_id)
    text = clean_text(body, limit=MAX_QUESTION_LENGTH)
    rate_limit("question", user.id, "5/minute")
    status = QuestionStatus.PENDING if roadshow.premoderate_questions else QuestionStatus.APPROVED
    question = Question(roadshow_id=roadshow.id, pitch_id=pitch.id, user_id=user.id, body=text, status=status)
    db.session.add(question)
    db.session.commit()
    data = payloads.question(question, queries.question_counts(roadshow.id))
    realtime.emit_to_room(roadshow_room(roadshow.id) if status == QuestionStatus.APPROVED
                          else moderators_room(roadshow.id), "qa:new", data)
    if status == QuestionStatus.PENDING:
        realtime.emit_to_room(roadshow_room(roadshow.id), "qa:counts",
                              {"roadshow_id": roadshow.id, "counts": data["counts"]})
    return question


@retry_when_locked
def upvote(*, user: User, question_id: int) -> Question:
    """One upvote per person per question; a second one changes nothing."""
    question = queries.get_question(question_id)
    roadshow = get_roadshow(question.roadshow_id)
    require_post(user, roadshow)
    if question.status not in (QuestionStatus.APPROVED, QuestionStatus.ANSWERED):
        raise InvalidState(_l("This question is not open for votes."))
    db.session.add(QuestionVote(question_id=question.id, user_id=user.id))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return queries.get_question(question_id)
    db.session.execute(update(Question).where(Question.id == question.id).values(votes=Question.votes + 1))
    db.session.commit()
    db.session.refresh(question)
    live_state().mark_question(roadshow.id, question.id)
    return question


@retry_when_locked
def moderate_question(*, actor: User, question_id: int, status: str) -> Question:
    """Moderators approve, mark answered or dismiss a question."""
    question = queries.get_question(question_id)
    roadshow = get_roadshow(question.roadshow_id)
    require_moderator(actor, roadshow)
    if status not in (QuestionStatus.APPROVED, QuestionStatus.ANSWERED, QuestionStatus.DISMISSED):
        raise Invalid(details={"status": [str(_l("Choose approved, answered or dismissed."))]})
    was = question.status
    question.status = status
    db.session.commit()
    data = payloads.question(question, queries.question_counts(roadshow.id))
    event = "qa:new" if was == QuestionStatus.PENDING and status != QuestionStatus.DISMISSED else "qa:update"
    realtime.emit_to_room(roadshow_room(roadshow.id), event, data)
    if was == QuestionStatus.PENDING and status == QuestionStatus.DISMISSED:
        realtime.emit_to_room(moderators_room(roadshow.id), "qa:update", data)
    return question


@retry_when_locked
def open_poll(*, actor: User, roadshow_id: int, question, options, pitch_id: int | None = None) -> Poll:
    """Moderators open a poll with 2–10 options; everyone sees it at once."""
    roadshow = get_roadshow(roadshow_id)
    require_moderator(actor, roadshow)
    text = clean_text(question, limit=300, field="question")
    if not isinstance(options, list) or not 2 <= len(options) <= 10:
        raise Invalid(details={"options": [str(_l("Give 2 to 10 options."))]})
    labels = [clean_text(o, limit=200, field="options") for o in options]
    pitch = queries.pitch_in(roadshow, pitch_id) if pitch_id is not None else roadshow.current_pitch
    poll = Poll(roadshow_id=roadshow.id, pitch_id=pitch.id if pitch else None, question=text,
                options=[PollOption(label=label, position=i) for i, label in enumerate(labels)])
    db.session.add(poll)
    db.session.flush()
    _log(roadshow, "poll:open", {"poll_id": poll.id}, actor)
    db.session.commit()
    realtime.emit_to_room(roadshow_room(roadshow.id), "poll:update", payloads.poll(poll, {}))
    return poll


@retry_when_locked
def vote(*, user: User, poll_id: int, option_id: int) -> Poll:
    """One vote per person per open poll; results go out in the next burst."""
    poll = queries.get_poll(poll_id)
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
    live_state().mark_poll(roadshow.id, poll.id)
    return poll


@retry_when_locked
def close_poll(*, actor: User, poll_id: int) -> Poll:
    poll = queries.get_poll(poll_id)
    roadshow = get_roadshow(poll.roadshow_id)
    require_moderator(actor, roadshow)
    if poll.status == PollStatus.OPEN:
        poll.status = PollStatus.CLOSED
        poll.closed_at = utcnow()
        _log(roadshow, "poll:close", {"poll_id": poll.id}, actor)
        db.session.commit()
    realtime.emit_to_room(roadshow_room(roadshow.id), "poll:update", payloads.poll(poll, queries.tallies(poll.id)))
    return poll


# Stage and slides ----------------------------------------------------------------------------




@retry_when_locked
def set_stage(*, actor: User, roadshow_id: int, pitch_id: int | None, state: str,
              minutes: int | None = None) -> Roadshow:
    """Moderators put a pitch on stage (live, Q&A, done) or end the roadshow; the deadline is the server's."""
    roadshow = get_roadshow(roadshow_id)
    require_moderator(actor, roadshow)
    if state not in STAGE_STATES:
        raise Invalid(details={"state": [str(_l("Choose upcoming, live, qa, done or ended."))]})
    if not access.is_open(roadshow.status):
        raise InvalidState(_l("This roadshow has ended."), code="roadshow_closed")
    if minutes is not None and (not isinstance(minutes, int) or not 1 <= minutes <= 240):
        raise Invalid(details={"minutes": [str(_l("Give 1 to 240 minutes."))]})
    now = utcnow()
    if state == "ended":
        _finish_current(roadshow)
        roadshow.status = RoadshowStatus.ENDED
    else:
        pitch = queries.pitch_in(roadshow, pitch_id)
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
    pitch = queries.pitch_in(roadshow, pitch_id)
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
    waiting = live_state().raise_pending_hand(roadshow.id, user.id, raised_at)  # visits not written yet
    visits = list(db.session.scalars(select(RoomVisit).where(
        RoomVisit.roadshow_id == roadshow.id, RoomVisit.user_id == user.id, RoomVisit.left_at.is_(None))))
    if not visits and not waiting:
        raise InvalidState(_l("Join the room first."), code="not_joined")
    for visit in visits:
        visit.hand_raised_at = raised_at
    db.session.commit()
    live_state().mark_presence(roadshow.id)
    return raised


@retry_when_locked
def send_cue(*, actor: User, roadshow_id: int, body, pitch_id: int | None = None) -> Cue:
    """A moderator's private cue to the presenter on stage, shown to them until acknowledged."""
    roadshow = get_roadshow(roadshow_id)
    require_moderator(actor, roadshow)
    pitch = queries.pitch_in(roadshow, pitch_id)
    if pitch.presenter_id is None:
        raise InvalidState(_l("This pitch has no presenter."))
    cue = Cue(roadshow_id=roadshow.id, pitch_id=pitch.id, user_id=pitch.presenter_id,
              body=clean_text(body, limit=200), created_by_id=actor.id)
    db.session.add(cue)
    db.session.commit()
    realtime.emit_to_user(pitch.presenter_id, "cue:new", payloads.cue(cue))
    realtime.emit_to_room(moderators_room(roadshow.id), "cue:new", payloads.cue(cue))
    return cue


@retry_when_locked
def acknowledge_cue(*, user: User, cue_id: int) -> Cue:
    cue = db.session.get(Cue, cue_id) if isinstance(cue_id, int) and cue_id > 0 else None
    if cue is None or cue.user_id != user.id:
        raise NotFound(_l("No such cue."))
    if cue.acknowledged_at is None:
        cue.acknowledged_at = utcnow()
        db.session.commit()
    realtime.emit_to_room(moderators_room(cue.roadshow_id), "cue:acked", payloads.cue(cue))
    realtime.emit_to_user(user.id, "cue:acked", payloads.cue(cue))
    return cue
