"""Live room use cases: join, chat, Q&A, polls, stage and slides, moderation.

Each public function checks on the server that this user may act (`access`) and writes in one unit of
work (`app.core.uow`): it commits once, and only then broadcasts (`chat:new`, `qa:new`,
`stage:update`...) through `uow.after_commit`, so nothing reaches the room that was not saved.
High-frequency updates (poll results, upvotes, presence, reactions) are marked dirty in the app's
`LiveState` once committed and flushed once a second.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.core import ratelimit, realtime, uow
from app.core.db import utcnow
from app.core.errors import Invalid, InvalidState, NotFound, PermissionDenied
from app.core.text import clean_text
from app.extensions import db
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
from app.roadshows.live.state import batching
from app.roadshows.live.state import current as live_state
from app.roadshows.lookups import get_roadshow
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
from app.roadshows.notifications import tell_audience
from app.roadshows.room import moderators_room, roadshow_room
from app.roadshows.schemas import chat_message_schema, cue_schema, dump_poll, dump_question, dump_slide, dump_stage
from app.roadshows.signals import stage_changed

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
    hand = _hand_to_restore(view.roadshow_id, user.id) if user is not None else None
    if batching():
        live.record_visit(view.roadshow_id, user.id if user else None, sid, hand)
    else:
        _write_visit(view.roadshow_id, user.id if user else None, sid, hand)
    if enter is not None:
        enter(moderator)
    if moderator:
        roadshow = get_roadshow(roadshow_id)
        # this socket's visit may not be written yet: the hand is the one restored, not the visits' own
        state = queries.room_state(user, roadshow, queries.presence(roadshow.id, with_users=True),
                                   hand=hand is not None)
        return {"state": state,
                "messages": [chat_message_schema.dump(m) for m in queries.messages_after(roadshow.id, after_id)]}
    view = live.view(roadshow_id)  # again: this socket now hears every change after this one
    messages = snapshot_messages_after(view, after_id)
    if messages is None:
        messages = [chat_message_schema.dump(m) for m in queries.messages_after(view.roadshow_id, after_id)]
    joined = viewer_state(view, user, live.recent_presence(view.roadshow_id), hand_raised=hand is not None)
    if joined["me"]["can_post"]:
        live.set_reaction_rate(rate_rule("reaction", "10/second"))
        live.allow_reactions(view.roadshow_id, user.id)  # their first reaction needs no query
    return {"state": joined, "messages": messages}


def _hand_to_restore(roadshow_id: int, user_id: int):
    """A raised hand carried over from this person's latest visit, if it is open or ended moments ago.

    A reconnect closes the old socket's visit and opens a new one; without this the hand went down
    on the moderators' list while the viewer's button still said "Lower hand". The latest visit
    decides, so a hand lowered after it was raised stays lowered.
    """
    since = utcnow() - timedelta(seconds=current_app.config["ROADSHOW_RECONNECT_GRACE"])
    found, raised_at = live_state().pending_hand(roadshow_id, user_id, since)
    if not found:
        found, raised_at = queries.last_hand(roadshow_id, user_id, since)
    return raised_at


def _write_visit(roadshow_id: int, user_id: int | None, sid: str, hand_raised_at=None) -> None:
    """Record a visit at once (when visits are not batched by the flush loop)."""
    live = live_state()
    with uow.unit_of_work():
        if db.session.scalar(select(RoomVisit.id).where(RoomVisit.sid == sid, RoomVisit.roadshow_id == roadshow_id,
                                                        RoomVisit.left_at.is_(None))) is None:
            db.session.add(RoomVisit(roadshow_id=roadshow_id, user_id=user_id, sid=sid, node_id=live.node_id(),
                                     hand_raised_at=hand_raised_at))
        uow.after_commit(live.mark_presence, roadshow_id)


def leave(*, sid: str, roadshow_id: int | None = None) -> list[int]:
    """Close this socket's open visits (one room, or all on disconnect); returns the rooms left."""
    if batching():
        return live_state().record_leave(sid, roadshow_id)
    return _close_visits(sid, roadshow_id)


def _close_visits(sid: str, roadshow_id: int | None) -> list[int]:
    live = live_state()
    with uow.unit_of_work():
        stmt = select(RoomVisit).where(RoomVisit.sid == sid, RoomVisit.left_at.is_(None))
        if roadshow_id is not None:
            stmt = stmt.where(RoomVisit.roadshow_id == roadshow_id)
        visits = list(db.session.scalars(stmt))
        now = utcnow()
        for visit in visits:
            visit.left_at = now
        left = sorted({v.roadshow_id for v in visits})
        for rid in left:
            uow.after_commit(live.mark_presence, rid)
    return left


def send_chat(*, user: User, roadshow_id: int, body, client_id) -> dict:
    """Post a chat message and return it as the room gets it. A resend with the same client_id returns the
    stored message, not a new one.

    Written for a busy process: every database or Redis round trip waits behind whatever else the
    process is doing (in a big room, thousands of deliveries), so a resend is caught by the unique key
    rather than looked up first, and the message is shaped before the commit instead of re-read after.
    The checks read before the unit of work opens, so on SQLite the write lock is held only for the
    INSERT and the commit (and what they read stays loaded: the unit's opening commit expires it).
    """
    roadshow = get_roadshow(roadshow_id)
    require_post(user, roadshow)
    client_id = _client_id(client_id)
    text = clean_text(body, limit=MAX_CHAT_LENGTH)
    user_id = user.id
    author = {"id": user_id, "name": user.name}
    message = ChatMessage(roadshow_id=roadshow_id, user_id=user_id, body=text, client_id=client_id)
    try:
        with uow.unit_of_work():
            db.session.add(message)
            db.session.flush()
            rate_limit("chat", user_id, "10/10 seconds")  # after the resend check: resends do not count
            payload = chat_message_schema.dump({
                "id": message.id, "roadshow_id": roadshow_id, "user": author, "body": text,
                "created_at": message.created_at, "client_id": client_id})
            uow.after_commit(realtime.emit_to_room, roadshow_room(roadshow_id), "chat:new", payload)
    except IntegrityError:  # sent before (a resend after a reconnect), maybe through another process
        return chat_message_schema.dump(_message_by_client_id(roadshow_id, user_id, client_id))
    return payload


def _client_id(value) -> str:
    if not isinstance(value, str | int) or not str(value).strip() or len(str(value)) > 64:
        raise Invalid(details={"client_id": [str(_l("Send a client_id of 1 to 64 characters."))]})
    return str(value).strip()


def _message_by_client_id(roadshow_id: int, user_id: int, client_id: str) -> ChatMessage | None:
    return db.session.scalar(select(ChatMessage).where(
        ChatMessage.roadshow_id == roadshow_id, ChatMessage.user_id == user_id, ChatMessage.client_id == client_id))


def delete_chat(*, actor: User, message_id: int) -> ChatMessage:
    """Moderators remove a message; every viewer drops it."""
    if not isinstance(message_id, int):
        raise NotFound(_l("No such message."))
    with uow.unit_of_work(lock=[(ChatMessage, message_id)]):
        message = db.session.get(ChatMessage, message_id)
        if message is None:
            raise NotFound(_l("No such message."))
        require_moderator(actor, get_roadshow(message.roadshow_id))
        message.deleted = True
        uow.after_commit(realtime.emit_to_room, roadshow_room(message.roadshow_id), "chat:deleted",
                         {"id": message.id, "roadshow_id": message.roadshow_id})
    return message


def mute(*, actor: User, roadshow_id: int, user_id: int, muted: bool = True) -> bool:
    """Moderators mute (or unmute) someone in this room; a muted user cannot chat, ask or vote."""
    with uow.unit_of_work(lock=[(Roadshow, roadshow_id)]):  # one mute row per person: mutes of a room queue
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
        uow.after_commit(live_state().forget_reactions, roadshow.id, target.id)
        uow.after_commit(realtime.emit_to_user, target.id, "user:muted", {"roadshow_id": roadshow.id, "muted": muted})
        uow.after_commit(realtime.emit_to_room, moderators_room(roadshow.id), "user:muted",
                         {"roadshow_id": roadshow.id, "user_id": target.id, "muted": muted})
    return muted


# Q&A -----------------------------------------------------------------------------------------

def ask(*, user: User, roadshow_id: int, pitch_id: int | None, body, anonymous: bool = False) -> Question:
    """Ask a question about a pitch (the current one by default); pre-moderated rooms hold it for approval.

    An anonymous question (where the organisers allow them) reaches the audience without its asker's name;
    moderators still see who asked.
    """
    with uow.unit_of_work():
        roadshow = get_roadshow(roadshow_id)
        require_post(user, roadshow)
        if anonymous and not roadshow.anonymous_questions:
            raise InvalidState(_l("This roadshow does not take anonymous questions."), code="anonymous_off")
        pitch = queries.pitch_in(roadshow, pitch_id)
        text = clean_text(body, limit=MAX_QUESTION_LENGTH)
        rate_limit("question", user.id, "5/minute")
        status = QuestionStatus.PENDING if roadshow.premoderate_questions else QuestionStatus.APPROVED
        question = Question(roadshow_id=roadshow.id, pitch_id=pitch.id, user_id=user.id, body=text, status=status,
                            is_anonymous=bool(anonymous))
        db.session.add(question)
        db.session.flush()
        counts = queries.question_counts(roadshow.id)
        if status == QuestionStatus.APPROVED:
            _emit_question(roadshow.id, "qa:new", question, counts)
        else:
            uow.after_commit(realtime.emit_to_room, moderators_room(roadshow.id), "qa:new",
                             dump_question(question, counts=counts, moderator=True))
            uow.after_commit(realtime.emit_to_room, roadshow_room(roadshow.id), "qa:counts",
                             {"roadshow_id": roadshow.id, "counts": counts})
    return question


def _emit_question(roadshow_id: int, event: str, question: Question, counts: dict) -> None:
    """After the commit, `event` with the question to the room; for an anonymous one, the moderators then get it
    again with its asker (as `qa:update`), since the room's copy has none."""
    uow.after_commit(realtime.emit_to_room, roadshow_room(roadshow_id), event, dump_question(question, counts=counts))
    if question.is_anonymous:
        uow.after_commit(realtime.emit_to_room, moderators_room(roadshow_id), "qa:update",
                         dump_question(question, counts=counts, moderator=True))


def upvote(*, user: User, question_id: int) -> Question:
    """One upvote per person per question; a second one changes nothing."""
    with uow.unit_of_work():
        question = queries.get_question(question_id)
        roadshow = get_roadshow(question.roadshow_id)
        require_post(user, roadshow)
        if question.status not in (QuestionStatus.APPROVED, QuestionStatus.ANSWERED):
            raise InvalidState(_l("This question is not open for votes."))
        try:
            with uow.unit_of_work():  # a savepoint: a second vote rolls back only itself
                db.session.add(QuestionVote(question_id=question.id, user_id=user.id))
                db.session.flush()
        except IntegrityError:
            return question
        db.session.execute(update(Question).where(Question.id == question.id).values(votes=Question.votes + 1))
        uow.after_commit(live_state().mark_question, roadshow.id, question.id)
    db.session.refresh(question)
    return question


def moderate_question(*, actor: User, question_id: int, status: str) -> Question:
    """Moderators approve, mark answered or dismiss a question."""
    if status not in (QuestionStatus.APPROVED, QuestionStatus.ANSWERED, QuestionStatus.DISMISSED):
        raise Invalid(details={"status": [str(_l("Choose approved, answered or dismissed."))]})
    with uow.unit_of_work(lock=[(Question, question_id)] if isinstance(question_id, int) else ()):
        question = queries.get_question(question_id)
        roadshow = get_roadshow(question.roadshow_id)
        require_moderator(actor, roadshow)
        was = question.status
        question.status = status
        db.session.flush()
        counts = queries.question_counts(roadshow.id)
        event = "qa:new" if was == QuestionStatus.PENDING and status != QuestionStatus.DISMISSED else "qa:update"
        _emit_question(roadshow.id, event, question, counts)
        if was == QuestionStatus.PENDING and status == QuestionStatus.DISMISSED:
            uow.after_commit(realtime.emit_to_room, moderators_room(roadshow.id), "qa:update",
                             dump_question(question, counts=counts, moderator=True))
    return question


def open_poll(*, actor: User, roadshow_id: int, question, options, pitch_id: int | None = None,
              hide_results: bool = False) -> Poll:
    """Moderators open a poll with 2–10 options; everyone sees it at once. With `hide_results`, the audience
    sees the results once the poll closes (moderators all along)."""
    with uow.unit_of_work():
        roadshow = get_roadshow(roadshow_id)
        require_moderator(actor, roadshow)
        text = clean_text(question, limit=300, field="question")
        if not isinstance(options, list) or not 2 <= len(options) <= 10:
            raise Invalid(details={"options": [str(_l("Give 2 to 10 options."))]})
        labels = [clean_text(o, limit=200, field="options") for o in options]
        pitch = queries.pitch_in(roadshow, pitch_id) if pitch_id is not None else roadshow.current_pitch
        poll = Poll(roadshow_id=roadshow.id, pitch_id=pitch.id if pitch else None, question=text,
                    hide_results=bool(hide_results),
                    options=[PollOption(label=label, position=i) for i, label in enumerate(labels)])
        db.session.add(poll)
        db.session.flush()
        _log(roadshow, "poll:open", {"poll_id": poll.id}, actor)
        uow.after_commit(realtime.emit_to_room, roadshow_room(roadshow.id), "poll:update", dump_poll(poll, {}))
        if poll.hide_results:  # the room's copy hides the results; moderators see them from the start
            uow.after_commit(realtime.emit_to_room, moderators_room(roadshow.id), "poll:update",
                             dump_poll(poll, {}, moderator=True))
    return poll


def vote(*, user: User, poll_id: int, option_id: int) -> Poll:
    """One vote per person per open poll; results go out in the next burst."""
    try:
        with uow.unit_of_work():
            poll = queries.get_poll(poll_id)
            roadshow = get_roadshow(poll.roadshow_id)
            require_post(user, roadshow)
            if poll.status != PollStatus.OPEN:
                raise InvalidState(_l("This poll is closed."), code="poll_closed")
            if option_id not in {o.id for o in poll.options}:
                raise Invalid(details={"option_id": [str(_l("Choose one of the poll's options."))]})
            db.session.add(PollVote(poll_id=poll.id, option_id=option_id, user_id=user.id))
            db.session.flush()
            uow.after_commit(live_state().mark_poll, roadshow.id, poll.id)
    except IntegrityError:  # the unit has rolled back: the message may read the user's language again
        raise InvalidState(_l("You have already voted in this poll."), code="already_voted") from None
    return poll


def close_poll(*, actor: User, poll_id: int) -> Poll:
    with uow.unit_of_work(lock=[(Poll, poll_id)] if isinstance(poll_id, int) else ()):
        poll = queries.get_poll(poll_id)
        roadshow = get_roadshow(poll.roadshow_id)
        require_moderator(actor, roadshow)
        if poll.status == PollStatus.OPEN:
            poll.status = PollStatus.CLOSED
            poll.closed_at = utcnow()
            _log(roadshow, "poll:close", {"poll_id": poll.id}, actor)
            db.session.flush()
        data = dump_poll(poll, queries.tallies(poll.id))
        uow.after_commit(realtime.emit_to_room, roadshow_room(roadshow.id), "poll:update", data)
    return poll


# Stage and slides ----------------------------------------------------------------------------




def set_stage(*, actor: User, roadshow_id: int, pitch_id: int | None, state: str,
              minutes: int | None = None) -> Roadshow:
    """Moderators put a pitch on stage (live, Q&A, done) or end the roadshow; the deadline is the server's."""
    if state not in STAGE_STATES:
        raise Invalid(details={"state": [str(_l("Choose upcoming, live, qa, done or ended."))]})
    if minutes is not None and (not isinstance(minutes, int) or not 1 <= minutes <= 240):
        raise Invalid(details={"minutes": [str(_l("Give 1 to 240 minutes."))]})
    with uow.unit_of_work(lock=[(Roadshow, roadshow_id)]):
        roadshow = get_roadshow(roadshow_id)
        require_moderator(actor, roadshow)
        if not access.is_open(roadshow.status):
            raise InvalidState(_l("This roadshow has ended."), code="roadshow_closed")
        now = utcnow()
        if state == "ended":
            close_room(roadshow)
            old_status, roadshow.status = roadshow.status, RoadshowStatus.ENDED
            tell_audience(actor, roadshow, old_status, roadshow.starts_at)
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
        db.session.flush()
        uow.after_commit(realtime.emit_to_room, roadshow_room(roadshow.id), "stage:update",
                         dump_stage(roadshow, event.id))
        if roadshow.current_pitch is not None:
            uow.after_commit(realtime.emit_to_room, roadshow_room(roadshow.id), "slide:update",
                             dump_slide(roadshow, event.id))
        uow.after_commit(stage_changed.send, roadshow.id)
    return roadshow


def close_room(roadshow: Roadshow) -> None:
    """The end of a roadshow (inside the caller's unit of work): the pitch on stage is done, open polls
    close, questions still waiting for a moderator are "not taken", and raised hands go down. Posting,
    reacting and asking stop by the posting rule (the room is no longer open)."""
    _finish_current(roadshow)
    uow.after_commit(live_state().close_room, roadshow.id)
    now = utcnow()
    for poll in db.session.scalars(select(Poll).where(Poll.roadshow_id == roadshow.id,
                                                      Poll.status == PollStatus.OPEN)):
        poll.status, poll.closed_at = PollStatus.CLOSED, now
        db.session.flush()
        uow.after_commit(realtime.emit_to_room, roadshow_room(roadshow.id), "poll:update",
                         dump_poll(poll, queries.tallies(poll.id)))
    db.session.execute(update(Question).where(Question.roadshow_id == roadshow.id,
                                              Question.status == QuestionStatus.PENDING)
                       .values(status=QuestionStatus.NOT_TAKEN))
    db.session.execute(update(RoomVisit).where(RoomVisit.roadshow_id == roadshow.id,
                                               RoomVisit.hand_raised_at.is_not(None)).values(hand_raised_at=None))


def _finish_current(roadshow: Roadshow) -> None:
    current = roadshow.current_pitch
    if current is not None and current.state in (PitchState.LIVE, PitchState.QA):
        current.state = PitchState.DONE
        current.deadline_at = None


def set_slide(*, actor: User, roadshow_id: int, slide: int, pitch_id: int | None = None) -> Pitch:
    """The presenter on stage or a moderator turns the deck; every viewer follows."""
    with uow.unit_of_work(lock=[(Roadshow, roadshow_id)]):
        roadshow = get_roadshow(roadshow_id)
        pitch = queries.pitch_in(roadshow, pitch_id)
        on_stage = pitch.id == roadshow.current_pitch_id
        if not (is_moderator(actor, roadshow) or (is_presenter(actor, pitch) and on_stage)):
            raise PermissionDenied(_l("Only the presenter on stage or a moderator turns the slides."),
                                   code="presenter_only")
        if pitch.deck_pages < 1:
            raise InvalidState(_l("This pitch has no deck yet."), code="no_deck")
        if not isinstance(slide, int) or not 1 <= slide <= pitch.deck_pages:
            raise Invalid(details={"slide": [str(_l("Choose a page from 1 to %(n)d.", n=pitch.deck_pages))]})
        pitch.current_slide = slide
        event = _log(roadshow, "slide", {"pitch_id": pitch.id, "slide": slide}, actor)
        db.session.flush()
        if on_stage:
            uow.after_commit(realtime.emit_to_room, roadshow_room(roadshow.id), "slide:update",
                             dump_slide(roadshow, event.id))
    return pitch


# Hand raise and cues -------------------------------------------------------------------------

def raise_hand(*, user: User, roadshow_id: int, sid: str, raised: bool) -> bool:
    """Raise or lower a hand in the room; moderators see it in the presence list."""
    live = live_state()
    with uow.unit_of_work():
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
        uow.after_commit(live.mark_presence, roadshow.id)
    return raised


def send_cue(*, actor: User, roadshow_id: int, body, pitch_id: int | None = None) -> Cue:
    """A moderator's private cue to the presenter on stage, shown to them until acknowledged."""
    with uow.unit_of_work():
        roadshow = get_roadshow(roadshow_id)
        require_moderator(actor, roadshow)
        pitch = queries.pitch_in(roadshow, pitch_id)
        if pitch.presenter_id is None:
            raise InvalidState(_l("This pitch has no presenter."))
        cue = Cue(roadshow_id=roadshow.id, pitch_id=pitch.id, user_id=pitch.presenter_id,
                  body=clean_text(body, limit=200), created_by_id=actor.id)
        db.session.add(cue)
        db.session.flush()
        data = cue_schema.dump(cue)
        uow.after_commit(realtime.emit_to_user, pitch.presenter_id, "cue:new", data)
        uow.after_commit(realtime.emit_to_room, moderators_room(roadshow.id), "cue:new", data)
    return cue


def acknowledge_cue(*, user: User, cue_id: int) -> Cue:
    if not (isinstance(cue_id, int) and cue_id > 0):
        raise NotFound(_l("No such cue."))
    with uow.unit_of_work(lock=[(Cue, cue_id)]):
        cue = db.session.get(Cue, cue_id)
        if cue is None or cue.user_id != user.id:
            raise NotFound(_l("No such cue."))
        if cue.acknowledged_at is None:
            cue.acknowledged_at = utcnow()
            db.session.flush()
        data = cue_schema.dump(cue)
        uow.after_commit(realtime.emit_to_room, moderators_room(cue.roadshow_id), "cue:acked", data)
        uow.after_commit(realtime.emit_to_user, user.id, "cue:acked", data)
    return cue
