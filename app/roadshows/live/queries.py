"""Reading a live room: presence, chat history, questions, polls, and the full state a moderator joins with.

Nothing here writes or broadcasts; the access rule comes from `access`.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.core.errors import InvalidState, NotFound
from app.extensions import db
from app.roadshows.live.access import can_post, is_moderator, is_muted, is_presenter, require_watch, signed_in
from app.roadshows.lookups import get_roadshow
from app.roadshows.models import (
    ChatMessage,
    Cue,
    Interest,
    Mute,
    Pitch,
    Poll,
    PollVote,
    Question,
    QuestionStatus,
    QuestionVote,
    Roadshow,
    RoomVisit,
    StageEvent,
)
from app.roadshows.schemas import cue_schema, dump_poll, dump_question, dump_slide, dump_stage, pitch_schema

HISTORY_LIMIT = 50       # messages a first join gets
CATCH_UP_LIMIT = 1000    # messages a reconnect may get at once


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


def last_hand(roadshow_id: int, user_id: int, since) -> tuple[bool, object]:
    """The raised hand of this person's latest visit still open or left after `since`: (found, raised_at)."""
    row = db.session.execute(select(RoomVisit.hand_raised_at).where(
        RoomVisit.roadshow_id == roadshow_id, RoomVisit.user_id == user_id,
        RoomVisit.left_at.is_(None) | (RoomVisit.left_at > since)).order_by(RoomVisit.id.desc()).limit(1)).first()
    return (row is not None, row[0] if row is not None else None)


def hand_raised(roadshow_id: int, user_id: int) -> bool:
    """Whether this person's hand is up on any of their open visits."""
    return db.session.scalar(select(RoomVisit.id).where(
        RoomVisit.roadshow_id == roadshow_id, RoomVisit.user_id == user_id, RoomVisit.left_at.is_(None),
        RoomVisit.hand_raised_at.is_not(None)).limit(1)) is not None


def interests(roadshow_id: int, user_id: int) -> list[int]:
    """The pitches of this roadshow this person has marked interest in."""
    return list(db.session.scalars(select(Interest.pitch_id).join(Pitch, Pitch.id == Interest.pitch_id).where(
        Pitch.roadshow_id == roadshow_id, Interest.user_id == user_id).order_by(Interest.pitch_id)))


def room_state(user, roadshow: Roadshow, presence: dict, *, hand: bool | None = None) -> dict:
    """The whole room as this person sees it (moderators join with it; viewers get `snapshot.viewer_state`).

    `presence` is what the state shows of who is in the room; `hand`, whether their hand is up, when the caller
    knows better than the visits written so far (a join restoring one).
    """
    moderator = is_moderator(user, roadshow)
    current = roadshow.current_pitch
    last_event = last_event_id(roadshow.id)  # the stage and slide reflect every event up to this one
    state = {
        "stage": dump_stage(roadshow, last_event),
        "slide": dump_slide(roadshow, last_event),
        "presence": presence,
        "polls": polls_for(user, roadshow),
        "questions": questions_for(user, roadshow),
        "counts": question_counts(roadshow.id),
        "agenda": [pitch_schema.dump(p) for p in roadshow.pitches],
        "me": {"id": user.id if signed_in(user) else None, "moderator": moderator,
               "presenter": is_presenter(user, current), "can_post": can_post(user, roadshow),
               "muted": is_muted(user, roadshow), "hand_raised": False, "interests": []},
    }
    if signed_in(user):
        state["me"]["hand_raised"] = hand_raised(roadshow.id, user.id) if hand is None else hand
        state["me"]["interests"] = interests(roadshow.id, user.id)
        state["cues"] = [cue_schema.dump(c) for c in db.session.scalars(select(Cue).where(
            Cue.roadshow_id == roadshow.id, Cue.user_id == user.id, Cue.acknowledged_at.is_(None)))]
    if moderator:  # whom the room has muted, so the people list and chat lines offer Unmute (moderators only)
        state["muted_users"] = muted_user_ids(roadshow.id)
    return state


def muted_user_ids(roadshow_id: int) -> list[int]:
    return list(db.session.scalars(select(Mute.user_id).where(Mute.roadshow_id == roadshow_id).order_by(Mute.user_id)))


def last_event_id(roadshow_id: int) -> int | None:
    return db.session.scalar(select(func.max(StageEvent.id)).where(StageEvent.roadshow_id == roadshow_id))


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


def room_questions(*, user, roadshow_id: int) -> list[dict]:
    """The REST view of the room's questions for people who may watch, as the room shows them to `user`."""
    return questions_for(user if signed_in(user) else None, require_watch(user, get_roadshow(roadshow_id)))


def room_polls(*, user, roadshow_id: int) -> list[dict]:
    """The REST view of the room's polls for people who may watch, as the room shows them to `user`."""
    return polls_for(user if signed_in(user) else None, require_watch(user, get_roadshow(roadshow_id)))


def question_counts(roadshow_id: int) -> dict:
    rows = dict(db.session.execute(select(Question.status, func.count(Question.id)).where(
        Question.roadshow_id == roadshow_id).group_by(Question.status)).all())
    return {"asked": sum(rows.values()), "answered": rows.get(QuestionStatus.ANSWERED, 0)}


def questions_for(user, roadshow: Roadshow) -> list[dict]:
    """The room's questions, most votes first: moderators see pending ones too (and who asked anonymous ones),
    askers their own."""
    stmt = select(Question).options(selectinload(Question.user)).where(Question.roadshow_id == roadshow.id)
    moderator = is_moderator(user, roadshow)
    if not moderator:
        visible = Question.status.in_([QuestionStatus.APPROVED, QuestionStatus.ANSWERED])
        if signed_in(user):
            visible = visible | ((Question.user_id == user.id) & (Question.status == QuestionStatus.PENDING))
        stmt = stmt.where(visible)
    questions = db.session.scalars(stmt.order_by(Question.votes.desc(), Question.id))
    voted = voted_ids(user, roadshow.id)
    return [dump_question(q, voted=q.id in voted, moderator=moderator) for q in questions]


def voted_ids(user, roadshow_id: int) -> set[int]:
    if not signed_in(user):
        return set()
    return set(db.session.scalars(select(QuestionVote.question_id).join(Question).where(
        Question.roadshow_id == roadshow_id, QuestionVote.user_id == user.id)))


def question_payload(question: Question, user) -> dict:
    """A question as `user` sees it (an ack): with the room's counts and their upvote."""
    return dump_question(question, counts=question_counts(question.roadshow_id),
                         voted=question.id in voted_ids(user, question.roadshow_id),
                         moderator=is_moderator(user, get_roadshow(question.roadshow_id)))


def tallies(poll_id: int) -> dict[int, int]:
    return dict(db.session.execute(select(PollVote.option_id, func.count(PollVote.id)).where(
        PollVote.poll_id == poll_id).group_by(PollVote.option_id)).all())


def polls_for(user, roadshow: Roadshow) -> list[dict]:
    polls = list(db.session.scalars(select(Poll).where(Poll.roadshow_id == roadshow.id).order_by(Poll.id.desc())))
    mine = {}
    if signed_in(user) and polls:
        mine = dict(db.session.execute(select(PollVote.poll_id, PollVote.option_id).where(
            PollVote.user_id == user.id, PollVote.poll_id.in_([p.id for p in polls]))).all())
    moderator = is_moderator(user, roadshow)
    return [dump_poll(p, tallies(p.id), mine.get(p.id), moderator=moderator) for p in polls]


def pitch_in(roadshow: Roadshow, pitch_id: int | None) -> Pitch:
    if pitch_id is None:
        pitch = roadshow.current_pitch
        if pitch is None:
            raise InvalidState(_l("No pitch is on stage; choose one."), code="no_pitch")
        return pitch
    pitch = next((p for p in roadshow.pitches if p.id == pitch_id), None)
    if pitch is None:
        raise NotFound(_l("No such pitch in this roadshow."), code="pitch_not_found")
    return pitch


def get_question(question_id) -> Question:
    question = db.session.get(Question, question_id) if isinstance(question_id, int) and question_id > 0 else None
    if question is None:
        raise NotFound(_l("No such question."), code="question_not_found")
    return question


def get_poll(poll_id) -> Poll:
    poll = db.session.get(Poll, poll_id) if isinstance(poll_id, int) and poll_id > 0 else None
    if poll is None:
        raise NotFound(_l("No such poll."), code="poll_not_found")
    return poll
